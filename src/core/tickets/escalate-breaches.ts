import type { EventBus } from '../events/domain-events.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { Stores } from '../ports/store.js';
import { escalatedPriority } from './priority-policy.js';

/**
 * Marks every ticket past its first-response deadline as breached, raising its priority a step,
 * and announces each once. Safe to run concurrently and repeatedly: the store marks each ticket
 * with a conditional update, so only one run announces it.
 */
export async function escalateBreaches(
  deps: { stores: Pick<Stores, 'tickets' | 'dailyStats'>; events: EventBus },
  now: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await deps.stores.tickets.listDueForBreach(now, 100);
    for (const t of due) {
      const ticket = await deps.stores.tickets.markBreached(t.id, now, escalatedPriority(t.priority));
      if (!ticket) continue; // another worker marked it
      total++;
      await deps.stores.dailyStats.add(dayKeyOf(now), { breached: 1 });
      await deps.events.publish('sla.breached', { ticket });
      await deps.events.publish('ticket.updated', {
        ticket,
        change: {
          action: 'sla_breached',
          before: { status: t.status, ...(t.assigneeId ? { assigneeId: t.assigneeId } : {}) },
        },
      });
    }
    if (due.length < 100) return total;
  }
}
