import type { LiveTicketCounts, Stores } from '../ports/store.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';

export interface QueueEntry {
  ticket: TicketView;
  customerName: string;
}

/** The live tickets, oldest first, with their customers' names: what `/parley queue` shows staff. */
export async function liveQueue(
  deps: { stores: Pick<Stores, 'tickets' | 'customers'> },
  _actor: Actor,
  limit = 15,
): Promise<{ entries: QueueEntry[]; counts: LiveTicketCounts }> {
  const [tickets, counts] = await Promise.all([
    deps.stores.tickets.list({ status: ['open', 'pending'], sort: 'created', limit }),
    deps.stores.tickets.liveCounts(),
  ]);
  const entries = await Promise.all(
    tickets.map(async (ticket) => ({
      ticket,
      customerName: (await deps.stores.customers.nameOf(ticket.customerId)) ?? 'a customer',
    })),
  );
  return { entries, counts };
}

/** The live numbers (`/parley stats`): any member of staff may see them. */
export function liveStats(
  deps: { stores: Pick<Stores, 'tickets'> },
  _actor: Actor,
): Promise<LiveTicketCounts> {
  return deps.stores.tickets.liveCounts();
}
