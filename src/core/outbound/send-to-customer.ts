import type { EventBus } from '../events/domain-events.js';
import type { Outbox } from '../ports/outbox.js';
import type { NewMessage, Stores } from '../ports/store.js';
import type { MessageView } from '../views/message.js';

export interface SendDeps {
  stores: Pick<Stores, 'messages' | 'conversations'>;
  events: EventBus;
  outbox: Outbox;
}

/**
 * Stores something said to a customer (a bot answer, a hand-off notice, an agent's reply) once,
 * announces it, and queues its delivery. Every step is safe to repeat: a second call with the same
 * key finds the stored message and, if its delivery never got queued (a crash right after the
 * insert), queues it now; the delivery job is keyed by the message id.
 */
export async function sendToCustomer(
  deps: SendDeps,
  input: Omit<NewMessage, 'direction' | 'queueForDelivery' | 'processed'>,
  /** The caller counts the message in its conversation itself (the pipeline, with its own update). */
  options: { counted?: boolean } = {},
): Promise<{ message: MessageView; duplicate: boolean }> {
  const { message, duplicate } = await deps.stores.messages.insertOnce({
    ...input,
    direction: 'out',
    processed: true,
    queueForDelivery: true,
  });
  if (!duplicate) {
    if (!options.counted) await deps.stores.conversations.recordMessage(message.conversationId, input.at);
    await deps.events.publish('message.stored', { message });
  }
  if (!duplicate || message.delivery?.status === 'queued') {
    if (!(await deliveredLive(deps, message))) await deps.outbox.enqueue(message);
  }
  return { message, duplicate };
}

/**
 * A widget visitor gets the message as soon as it is stored (a push every process relays to the
 * sockets it holds), with no job and no reads. It is recorded sent first, then pushed, so a
 * failed record leaves the push to the job alone and no visitor gets it twice; a crash between
 * the two leaves a message the widget fetches with its history when it reconnects (as a push
 * held in memory while Redis is away always could).
 */
async function deliveredLive(deps: SendDeps, message: MessageView): Promise<boolean> {
  if (!deps.outbox.pushLive || !deps.outbox.pushesLive?.(message)) return false;
  let updated: MessageView | null;
  try {
    updated = await deps.stores.messages.recordDelivery(message.id, { status: 'sent', at: new Date() });
  } catch {
    return false; // the job delivers it
  }
  await deps.outbox.pushLive(message);
  if (updated) await deps.events.publish('message.delivery', { message: updated });
  return true;
}
