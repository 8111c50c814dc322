import type { EventBus } from '../events/domain-events.js';
import type { Stores } from '../ports/store.js';

/**
 * Marks every ticket past its first-response deadline as breached (raising its priority a step)
 * and announces each once. Safe to run concurrently and repeatedly: the store marks each ticket
 * with a conditional update, so only one run announces it.
 */
export async function escalateBreaches(
  deps: { stores: Stores; events: EventBus },
  now: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = await deps.stores.tickets.markBreached(now, 100);
    for (const ticket of batch) {
      await deps.events.publish('sla.breached', { ticket });
      await deps.events.publish('ticket.updated', { ticket });
    }
    total += batch.length;
    if (batch.length < 100) return total;
  }
}
