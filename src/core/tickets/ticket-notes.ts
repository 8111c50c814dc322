import { randomUUID } from 'node:crypto';
import { conflict, invalid } from '../errors.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';
import { loadVisible } from './ticket-access.js';
import { recordTicketChange, type TicketDeps } from './ticket-deps.js';

export const MAX_NOTE_LENGTH = 5000;
export const MAX_NOTES_PER_TICKET = 500;

/**
 * An internal note: stored on the ticket for staff, never a message, so it can never reach the
 * customer. Anyone who sees the ticket may write one (and then keeps seeing it). A note with a
 * `key` (a Slack message's id) is added once however often it is retried: `added` says whether
 * this call added it.
 */
export async function addNote(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
  text: string,
  opts: { key?: string } = {},
): Promise<{ ticket: TicketView; added: boolean }> {
  const body = text.trim();
  if (!body) throw invalid('text must not be empty');
  if (body.length > MAX_NOTE_LENGTH) throw invalid(`text must be at most ${MAX_NOTE_LENGTH} characters`);
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  if (ticket.notes.length >= MAX_NOTES_PER_TICKET)
    throw invalid('this ticket has as many notes as it can hold');
  const updated = await deps.stores.tickets.applyChange(
    ticket.id,
    opts.key !== undefined ? { noteKeyAbsent: opts.key } : {},
    {
      addNote: {
        id: randomUUID(),
        ...(opts.key !== undefined ? { key: opts.key } : {}),
        authorId: actor.id,
        text: body,
        at: deps.now().toISOString(),
      },
      addParticipant: actor.id,
    },
  );
  if (!updated) {
    // A keyed note that is there already (a retry): nothing to add.
    if (opts.key !== undefined) return { ticket, added: false };
    throw conflict('the ticket is gone');
  }
  await recordTicketChange(deps, updated, 'note_added', actor, ticket);
  return { ticket: updated, added: true };
}
