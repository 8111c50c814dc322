import type { NewTicket, Stores } from '../ports/store.js';
import type { TicketView } from '../views/ticket.js';
import { handoffPatch } from './ticket-rules.js';

/**
 * The conversation's live ticket after a hand-off: opened when there is none, otherwise updated
 * by the hand-off rules. Safe under races without transactions: the store's unique index allows
 * one live ticket per conversation, and updates are compare-and-set on what the rules read.
 */
export async function openOrUpdateTicket(
  deps: { stores: Pick<Stores, 'tickets'> },
  input: NewTicket,
): Promise<{ ticket: TicketView; opened: boolean }> {
  const { tickets } = deps.stores;
  for (let attempt = 0; attempt < 5; attempt++) {
    const live = await tickets.findLive(input.conversationId);
    if (live) {
      const updated = await tickets.updateIfUnchanged(
        live.id,
        { kind: live.kind, priority: live.priority, firstResponseDueAt: live.sla.firstResponseDueAt },
        handoffPatch(live, input),
      );
      if (updated) return { ticket: updated, opened: false };
      continue; // it changed (or closed) meanwhile: read it again
    }
    const created = await tickets.create(input);
    if (created) return { ticket: created, opened: true };
    // Another message of the same conversation opened it first: update that one instead.
  }
  throw new Error(`could not open or update the ticket of conversation ${input.conversationId}`);
}
