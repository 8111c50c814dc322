import { dayKeyOf } from '../ports/daily-stats.js';
import type { NewTicket } from '../ports/store.js';
import type { TicketView } from '../views/ticket.js';
import { autoAssign } from './assignment.js';
import { type KnownLiveTicket, openOrUpdateTicket } from './open-or-update-ticket.js';
import { recordTicketChange, SYSTEM, type TicketDeps } from './ticket-deps.js';
import { handoffsPatch, liveTicketGuard } from './ticket-rules.js';

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
 * Several messages of one conversation that all join its live ticket (a busy conversation's
 * run): one compare-and-set update does what their hand-offs would have done one after the
 * other, and counts them all. Null when the ticket changed meanwhile (or is no longer live): the
 * caller hands them off one at a time instead, which reads it again.
 */
export async function handOffAllToLive(
  deps: TicketDeps,
  inputs: NewTicket[],
  live: TicketView,
  opts: { remembered?: boolean } = {},
): Promise<HandOffResult | null> {
  const updated = await deps.stores.tickets.updateIfUnchanged(
    live.id,
    // Remembered from an earlier run (KnownLiveTicket.remembered): only if nothing changed since.
    liveTicketGuard(live, opts.remembered === true),
    handoffsPatch(live, inputs),
    inputs.length,
  );
  if (!updated) return null;
  await recordTicketChange(deps, updated, 'customer_wrote', null, live);
  return { ticket: updated, opened: false, reopened: false };
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
