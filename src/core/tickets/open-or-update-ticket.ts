import type { NewTicket, Stores } from '../ports/store.js';
import type { TicketView } from '../views/ticket.js';
import { handoffPatch, liveTicketGuard } from './ticket-rules.js';

/**
 * The conversation's live ticket as the caller has just read it (the pipeline reads it to decide):
 * the first round starts from it instead of reading it again. A stale one costs a round, never a
 * wrong result: the update is compare-and-set, and a second live ticket is refused by the index.
 */
export interface KnownLiveTicket {
  live: TicketView | null;
  /**
   * `live` was remembered from an earlier hand-off, not read for this message. It is used only if
   * the ticket is still exactly that revision; otherwise nothing is written and the hand-off
   * throws RememberedTicketChanged, so that the caller decides again from a fresh read (the
   * ticket may have ended meanwhile, and then the bot may answer instead).
   */
  remembered?: boolean;
}

/** A remembered live ticket changed since (see KnownLiveTicket.remembered): read it and decide again. */
export class RememberedTicketChanged extends Error {
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} changed since it was remembered`);
    this.name = 'RememberedTicketChanged';
  }
}

/**
 * The conversation's live ticket after a hand-off: updated by the hand-off rules when there is
 * one; otherwise the ticket resolved within the reopen window is reopened; otherwise a new one
 * is opened. Safe under races without transactions: the store's unique index allows one live
 * ticket per conversation (a reopen takes it like an open does), and updates are
 * compare-and-set on what the rules read.
 */
export async function openOrUpdateTicket(
  deps: { stores: Pick<Stores, 'tickets'> },
  input: NewTicket,
  opts: { reopenWindowHours?: number; known?: KnownLiveTicket } = {},
): Promise<{ ticket: TicketView; opened: boolean; reopened: boolean; before?: TicketView }> {
  const { tickets } = deps.stores;
  let reopened: TicketView | undefined;
  let triedReopen = opts.reopenWindowHours === undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    const live = attempt === 0 && opts.known ? opts.known.live : await tickets.findLive(input.conversationId);
    if (live) {
      const remembered = attempt === 0 && opts.known?.remembered === true;
      const updated = await tickets.updateIfUnchanged(
        live.id,
        liveTicketGuard(live, remembered),
        handoffPatch(live, input),
      );
      if (!updated && remembered) throw new RememberedTicketChanged(live.id);
      if (updated) {
        const wasReopened = reopened?.id === updated.id;
        return {
          ticket: updated,
          opened: false,
          reopened: wasReopened,
          before: wasReopened ? reopened : live,
        };
      }
      continue; // it changed (or closed) meanwhile: read it again
    }
    if (!triedReopen && opts.reopenWindowHours !== undefined) {
      const since = new Date(input.at.getTime() - opts.reopenWindowHours * 3600_000);
      const recent = await tickets.findResolvedSince(input.conversationId, since);
      if (recent) {
        const r = await tickets.reopen(recent.id, input.at, recent.rev);
        if (r && r !== 'conflict') reopened = recent;
        // A null answer means the resolved ticket changed meanwhile (its CSAT request, its Slack
        // post): read it again and retry, or the customer would get a second ticket.
        if (r !== null) triedReopen = true;
        continue; // reopened (or someone else opened one): the next round updates the live one
      }
      triedReopen = true;
    }
    const created = await tickets.create(input);
    if (created) return { ticket: created, opened: true, reopened: false };
    // Another message of the same conversation opened it first: update that one instead.
  }
  throw new Error(`could not open or update the ticket of conversation ${input.conversationId}`);
}
