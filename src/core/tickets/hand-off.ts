import { dayKeyOf } from '../ports/daily-stats.js';
import type { NewTicket } from '../ports/store.js';
import type { TicketView } from '../views/ticket.js';
import { autoAssign } from './assignment.js';
import { type KnownLiveTicket, openOrUpdateTicket } from './open-or-update-ticket.js';
import { recordTicketChange, SYSTEM, type TicketDeps } from './ticket-deps.js';

export interface HandOffResult {
  ticket: TicketView;
  opened: boolean;
  reopened: boolean;
}

/**
 * A customer message needs a person (the pipeline decided): it joins the conversation's live
 * ticket, or reopens the one resolved within REOPEN_WINDOW_HOURS, or opens a new one. A new or
 * reopened ticket is counted for the day and offered to the agents; a reopened one goes back to
 * its assignee when they are online with room, else to the queue.
 */
export async function handOffToTicket(
  deps: TicketDeps,
  input: NewTicket,
  known?: KnownLiveTicket,
): Promise<HandOffResult> {
  const result = await openOrUpdateTicket(deps, input, {
    reopenWindowHours: deps.settings.reopenWindowHours,
    known,
  });
  let { ticket } = result;
  const day = dayKeyOf(input.at);
  if (result.opened) {
    await deps.stores.dailyStats.add(day, {
      opened: 1,
      [`channel.${ticket.channel}`]: 1,
      [`kind.${ticket.kind}`]: 1,
      ...(ticket.intent ? { [`intent.${ticket.intent}`]: 1 } : {}),
    });
    await deps.events.publish('ticket.opened', { ticket });
    ticket = (await autoAssign(deps, ticket)).ticket;
  } else if (result.reopened) {
    await deps.stores.dailyStats.add(day, { reopened: 1 });
    await recordTicketChange(deps, ticket, 'reopened', SYSTEM, result.before);
    ticket = await giveReopenedTicketOut(deps, ticket, false);
  } else {
    await recordTicketChange(deps, ticket, 'customer_wrote', null, result.before);
  }
  return { ticket, opened: result.opened, reopened: result.reopened };
}

/**
 * A reopened ticket that still names its assignee: it stays theirs when they can take it (a
 * person reopening it decided, so beyond capacity too); otherwise it goes back to the queue and
 * is offered, them first should they come back.
 */
export async function giveReopenedTicketOut(
  deps: TicketDeps,
  ticket: TicketView,
  byHand: boolean,
): Promise<TicketView> {
  const { staff, tickets } = deps.stores;
  const previous = ticket.assigneeId;
  if (!previous) return (await autoAssign(deps, ticket)).ticket;
  const at = deps.now();
  if (byHand) {
    await staff.addLoad(previous, at);
    return ticket;
  }
  if (await staff.reserveSlot(previous, at)) return ticket;
  const queued = await tickets.applyChange(
    ticket.id,
    { assigneeId: previous, status: ['open', 'pending'] },
    { assigneeId: null, queuedAt: at },
  );
  if (!queued) return (await tickets.get(ticket.id)) ?? ticket;
  await recordTicketChange(deps, queued, 'unassigned', SYSTEM, ticket, {
    from: previous,
    reason: 'reopened',
  });
  return (await autoAssign(deps, queued, { prefer: previous })).ticket;
}
