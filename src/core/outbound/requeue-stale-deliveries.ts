import type { Outbox } from '../ports/outbox.js';
import type { Stores } from '../ports/store.js';

/**
 * Outbound messages still queued long after they were stored: their delivery job may have been
 * lost (a crash between the insert and the enqueue, a Redis restart without persistence). Queues
 * them again; the job id is the message id and delivery skips what is no longer queued, so this
 * never sends twice.
 */
export async function requeueStaleDeliveries(
  deps: { stores: Pick<Stores, 'messages'>; outbox: Outbox },
  olderThan: Date,
): Promise<number> {
  const stale = await deps.stores.messages.listStaleQueued(olderThan, 500);
  for (const message of stale) await deps.outbox.revive(message);
  return stale.length;
}
