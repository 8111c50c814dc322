import { conflict, invalid } from '../errors.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';
import { giveReopenedTicketOut } from './hand-off.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, type TicketDeps } from './ticket-deps.js';

/**
 * Staff reopen a resolved ticket: it takes its conversation back and is open again, staying with
 * its assignee (or going to the queue when it has none). A closed ticket is final; when the
 * conversation has another live ticket, that one must be merged instead.
 */
export async function reopenTicket(deps: TicketDeps, actor: Actor, ticketId: string): Promise<TicketView> {
  // The reopen is compare-and-set on the revision, retried when something else changed it.
  for (let attempt = 0; attempt < 5; attempt++) {
    const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
    if (ticket.status === 'open' || ticket.status === 'pending') return ticket;
    if (ticket.status === 'closed') throw invalid('a closed ticket cannot be reopened');
    const at = deps.now();
    const result = await deps.stores.tickets.reopen(ticket.id, at, ticket.rev);
    if (result === 'conflict') {
      throw conflict('the conversation has another live ticket; merge this one into it instead');
    }
    if (result) return afterReopen(deps, actor, ticket, result, at);
  }
  throw conflict('the ticket keeps changing; reload it and try again');
}

async function afterReopen(
  deps: TicketDeps,
  actor: Actor,
  ticket: TicketView,
  result: TicketView,
  at: Date,
): Promise<TicketView> {
  const withActor =
    (await deps.stores.tickets.applyChange(ticket.id, {}, { addParticipant: actor.id })) ?? result;
  await deps.stores.dailyStats.add(dayKeyOf(at), { reopened: 1 });
  await recordTicketChange(deps, withActor, 'reopened', actor, ticket);
  return giveReopenedTicketOut(deps, withActor, true);
}
