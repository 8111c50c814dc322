import { conflict } from '../errors.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { Actor } from '../views/staff.js';
import { isLive, type TicketView } from '../views/ticket.js';
import { offerWaitingTickets } from './assignment.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, SYSTEM, type TicketDeps } from './ticket-deps.js';

/**
 * Closes a ticket for good (spam, a duplicate, or a resolved one nobody needs to wait on). A live
 * one lets go of its conversation and its assignee's slot. Closing a closed ticket changes nothing.
 */
export async function closeTicket(deps: TicketDeps, actor: Actor, ticketId: string): Promise<TicketView> {
  // Compare-and-set on the revision, retried: a change landing between the read and the write
  // must not turn the close into an error.
  for (let attempt = 0; attempt < 5; attempt++) {
    const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
    if (ticket.status === 'closed') return ticket;
    const at = deps.now();
    const closed = await deps.stores.tickets.applyChange(
      ticket.id,
      { status: [ticket.status], rev: ticket.rev },
      { status: 'closed', closedAt: at, releaseConversation: true, queuedAt: null, addParticipant: actor.id },
    );
    if (closed) return afterClose(deps, actor, ticket, closed, at);
  }
  throw conflict('the ticket keeps changing; reload it and try again');
}

async function afterClose(
  deps: TicketDeps,
  actor: Actor,
  ticket: TicketView,
  closed: TicketView,
  at: Date,
): Promise<TicketView> {
  if (isLive(ticket.status)) {
    await deps.stores.conversations.setBotState(ticket.conversationId, { lowConfidenceStreak: 0 });
    if (ticket.assigneeId) await deps.stores.staff.releaseSlot(ticket.assigneeId);
  }
  await deps.stores.dailyStats.add(dayKeyOf(at), { closed: 1 });
  await recordTicketChange(deps, closed, 'closed', actor, ticket);
  if (isLive(ticket.status) && ticket.assigneeId) await offerWaitingTickets(deps);
  return closed;
}

/**
 * Closes resolved tickets whose reopen window has passed (the periodic job). Each close is
 * conditional (still resolved), so concurrent runs close each ticket once. Returns how many.
 */
export async function closeExpiredResolved(deps: TicketDeps): Promise<number> {
  const now = deps.now();
  const before = new Date(now.getTime() - deps.settings.reopenWindowHours * 3600_000);
  let total = 0;
  for (;;) {
    const due = await deps.stores.tickets.listResolvedBefore(before, 200);
    let closedNow = 0;
    for (const t of due) {
      const closed = await deps.stores.tickets.applyChange(
        t.id,
        { status: ['resolved'] },
        { status: 'closed', closedAt: now },
      );
      if (!closed) continue; // reopened or closed meanwhile
      closedNow++;
      await deps.stores.dailyStats.add(dayKeyOf(now), { closed: 1 });
      await recordTicketChange(deps, closed, 'closed', SYSTEM, t, { reason: 'reopen window passed' });
    }
    total += closedNow;
    if (due.length < 200 || closedNow === 0) return total;
  }
}
