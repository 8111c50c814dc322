import { conflict, invalid } from '../errors.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { Actor } from '../views/staff.js';
import { LIVE_STATUSES, type TicketView } from '../views/ticket.js';
import { offerWaitingTickets } from './assignment.js';
import { requestCsat } from './csat.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, secondsBetween, type TicketDeps } from './ticket-deps.js';

/**
 * Resolves a live ticket. It lets go of its conversation, so the customer's next message goes
 * through the bot again (and reopens this ticket if it needs a person within the reopen window);
 * the assignee's slot frees up for a waiting ticket; the customer is asked to rate it.
 * Resolving a resolved ticket again changes nothing.
 */
export async function resolveTicket(deps: TicketDeps, actor: Actor, ticketId: string): Promise<TicketView> {
  // Compare-and-set on the ticket's revision, retried: a note, a Slack post refresh or a message
  // landing between the read and the write must not turn the agent's resolve into an error.
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
    if (ticket.status === 'resolved') return ticket;
    if (ticket.status === 'closed') throw invalid('this ticket is closed');
    const at = deps.now();
    const resolved = await deps.stores.tickets.applyChange(
      ticket.id,
      { status: LIVE_STATUSES, rev: ticket.rev },
      {
        status: 'resolved',
        resolvedAt: at,
        releaseConversation: true,
        queuedAt: null,
        addParticipant: actor.id,
      },
    );
    if (resolved) return afterResolve(deps, actor, ticket, resolved, at);
  }
  throw conflict('the ticket keeps changing; reload it and try again');
}

const RETRIES = 5;

async function afterResolve(
  deps: TicketDeps,
  actor: Actor,
  ticket: TicketView,
  resolved: TicketView,
  at: Date,
): Promise<TicketView> {
  await deps.stores.tickets.recordResolution(ticket.id, at, secondsBetween(ticket.createdAt, at));
  // The bot starts afresh with this customer: no half-finished clarification carried over.
  await deps.stores.conversations.setBotState(ticket.conversationId, { lowConfidenceStreak: 0 });
  if (ticket.assigneeId) await deps.stores.staff.releaseSlot(ticket.assigneeId);
  await deps.stores.dailyStats.add(dayKeyOf(at), { resolved: 1 });
  await recordTicketChange(deps, resolved, 'resolved', actor, ticket);
  try {
    await requestCsat(deps, resolved);
  } catch (err) {
    // The rating request is a courtesy: a failure must not undo the resolve.
    deps.log.error({ err, ticketId: ticket.id }, 'asking for a rating failed');
  }
  await offerWaitingTickets(deps);
  return (await deps.stores.tickets.get(ticket.id)) ?? resolved;
}
