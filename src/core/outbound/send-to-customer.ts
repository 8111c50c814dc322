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
  if (!duplicate || message.delivery?.status === 'queued') await deps.outbox.enqueue(message);
  return { message, duplicate };
}
