import type { EventBus } from '../events/domain-events.js';
import { type ChannelRegistry, DeliveryError } from '../ports/channel-adapter.js';
import type { Locks } from '../ports/locks.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Stores } from '../ports/store.js';
import type { MessageView } from '../views/message.js';

export interface DeliverDeps {
  stores: Pick<Stores, 'messages' | 'conversations' | 'tickets' | 'staff'>;
  channels: ChannelRegistry;
  events: EventBus;
  locks: Locks;
  log: DomainLogger;
  /** Attempts per message before its delivery is given up as failed. */
  maxAttempts: number;
  now?: () => Date;
}

/**
 * The conversation's delivery lock lives this long past its holder: renewed while a delivery
 * runs, so a worker killed mid-delivery holds its conversations up for seconds, not half a minute.
 */
const DELIVERY_LOCK_MS = 5_000;

/** Why a delivery job must come back later; the job runner maps these to its own mechanisms. */
export type DeliveryOutcome =
  | { kind: 'done'; delivered: number }
  /** Another worker is delivering this conversation: try again shortly. */
  | { kind: 'busy' }
  /** The platform asked to wait (429): try again after `ms`, without counting an attempt. */
  | { kind: 'rate_limited'; ms: number };

/**
 * Delivers one outbound message, and before it every earlier message of its conversation still
 * queued, so a customer reads them in the order they were written. One worker at a time per
 * conversation (a lock). A message already sent or failed is never sent again, so a retried or
 * duplicated job is harmless. A failure records the attempt and throws, for the job to retry with
 * backoff; after `maxAttempts` (or a permanent error) the message is marked failed, counted on
 * its ticket, and the conversation's later messages go on.
 */
export async function deliverMessage(deps: DeliverDeps, messageId: string): Promise<DeliveryOutcome> {
  const message = await deps.stores.messages.get(messageId);
  if (!message || message.delivery?.status !== 'queued') return { kind: 'done', delivered: 0 };
  const result = await deps.locks.tryWithLease(`deliver:${message.conversationId}`, DELIVERY_LOCK_MS, () =>
    deliverInOrder(deps, message),
  );
  return result.acquired ? result.value : { kind: 'busy' };
}

async function deliverInOrder(deps: DeliverDeps, upTo: MessageView): Promise<DeliveryOutcome> {
  const now = deps.now ?? (() => new Date());
  const conversation = await deps.stores.conversations.get(upTo.conversationId);
  if (!conversation) throw new Error(`conversation ${upTo.conversationId} is missing`);
  const queued = await deps.stores.messages.listQueuedUpTo(upTo.conversationId, upTo, 50);
  let delivered = 0;
  for (const message of queued) {
    const adapter = deps.channels.has(message.channel) ? deps.channels.get(message.channel) : null;
    try {
      if (!adapter)
        throw new DeliveryError(`the ${message.channel} channel is not configured`, { permanent: true });
      const authorName =
        message.author.kind === 'agent' && message.author.id
          ? (await deps.stores.staff.get(message.author.id))?.name
          : undefined;
      const maybeDelivered = adapter.checkResends
        ? await deps.stores.messages.markDeliveryAttempt(message.id, now())
        : undefined;
      const receipt = await adapter.deliver({ message, conversation, authorName, maybeDelivered });
      await settle(deps, message, { status: 'sent', externalId: receipt.externalId, at: now() });
      delivered++;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof DeliveryError && err.options.retryAfterMs !== undefined) {
        // A 429 is a refusal: nothing reached the platform, so the next attempt need not look.
        if (adapter?.checkResends) await deps.stores.messages.clearDeliveryAttempt(message.id);
        return { kind: 'rate_limited', ms: err.options.retryAfterMs };
      }
      const attempts = (message.delivery?.attempts ?? 0) + 1;
      const permanent = err instanceof DeliveryError && err.options.permanent;
      if (permanent || attempts >= deps.maxAttempts) {
        deps.log.warn({ messageId: message.id, attempts, err }, 'delivery failed for good');
        await settle(deps, message, { status: 'failed', error: reason, at: now() });
        continue;
      }
      await settle(deps, message, { status: 'attempt_failed', error: reason, at: now() });
      throw err;
    }
  }
  return { kind: 'done', delivered };
}

async function settle(
  deps: DeliverDeps,
  message: MessageView,
  outcome: Parameters<DeliverDeps['stores']['messages']['recordDelivery']>[1],
): Promise<void> {
  const updated = await deps.stores.messages.recordDelivery(message.id, outcome);
  if (!updated) return;
  await deps.events.publish('message.delivery', { message: updated });
  if (outcome.status === 'failed' && message.ticketId) {
    const ticket = await deps.stores.tickets.recordFailedDelivery(message.ticketId);
    if (ticket) await deps.events.publish('ticket.updated', { ticket });
  }
}
