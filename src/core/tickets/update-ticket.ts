import { conflict, invalid } from '../errors.js';
import { correctIntent } from '../learning/intent-learning.js';
import type { TicketChange } from '../ports/store.js';
import type { Actor } from '../views/staff.js';
import {
  isLive,
  MAX_TAGS,
  TAG_PATTERN,
  type TicketKind,
  type TicketPriority,
  type TicketView,
} from '../views/ticket.js';
import { firstResponseDue } from './sla-policy.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, type TicketDeps } from './ticket-deps.js';

export interface TicketEdit {
  priority?: TicketPriority;
  kind?: TicketKind;
  /** The whole new list (lower-cased, de-duplicated). */
  tags?: string[];
}

const TAG = new RegExp(TAG_PATTERN);

export function normaliseTags(tags: readonly string[]): string[] {
  const out = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  for (const t of out)
    if (!TAG.test(t)) throw invalid(`tag "${t}" must be 1–40 letters, digits, spaces, _ . -`);
  if (out.length > MAX_TAGS) throw invalid(`a ticket has at most ${MAX_TAGS} tags`);
  return out;
}

/**
 * Staff change a ticket's priority, kind or tags. A changed kind is also a correction of what the
 * classifier understood: the opening message is labelled with the right kind for the next
 * retraining. A new priority or kind moves a first-response deadline not yet met or missed.
 */
export async function updateTicket(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
  edit: TicketEdit,
): Promise<TicketView> {
  if (edit.priority === undefined && edit.kind === undefined && edit.tags === undefined) {
    throw invalid('nothing to change: give priority, kind or tags');
  }
  const tags = edit.tags ? normaliseTags(edit.tags) : undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
    if (ticket.status === 'closed') throw invalid('a closed ticket cannot be changed');
    // Priority orders the work still to do; kind and tags stay editable on a resolved ticket
    // (a kind corrected later still teaches the classifier, tags still sort the reports).
    if (edit.priority !== undefined && !isLive(ticket.status)) {
      throw invalid(`ticket #${ticket.number} is ${ticket.status}: its priority no longer matters`);
    }
    const change: TicketChange = { addParticipant: actor.id };
    const kindChanged = edit.kind !== undefined && edit.kind !== ticket.kind;
    const priorityChanged = edit.priority !== undefined && edit.priority !== ticket.priority;
    if (kindChanged) change.kind = edit.kind;
    if (priorityChanged) change.priority = edit.priority;
    if (tags) change.tags = tags;
    if ((kindChanged || priorityChanged) && !ticket.sla.firstRespondedAt && !ticket.sla.breachedAt) {
      change.firstResponseDueAt = firstResponseDue(
        deps.sla,
        edit.kind ?? ticket.kind,
        edit.priority ?? ticket.priority,
        new Date(ticket.createdAt),
      );
    }
    const updated = await deps.stores.tickets.applyChange(ticket.id, { rev: ticket.rev }, change);
    if (!updated) continue; // changed meanwhile: apply the edit to what it is now
    if (kindChanged && edit.kind) await labelOpeningMessage(deps, actor, ticket, edit.kind);
    await recordTicketChange(deps, updated, 'updated', actor, ticket, {
      ...(kindChanged ? { kind: { from: ticket.kind, to: edit.kind } } : {}),
      ...(priorityChanged ? { priority: { from: ticket.priority, to: edit.priority } } : {}),
      ...(tags ? { tags } : {}),
    });
    return updated;
  }
  throw conflict('the ticket keeps changing; reload it and try again');
}

/** The learning loop: the message that opened the ticket is labelled with the kind staff chose. */
async function labelOpeningMessage(deps: TicketDeps, actor: Actor, ticket: TicketView, kind: TicketKind) {
  let messageId = ticket.openedByMessageId;
  if (!messageId) {
    // Tickets opened before the opening message was recorded: the first customer message of it.
    const messages = await deps.stores.messages.listForConversation(ticket.conversationId, { limit: 200 });
    messageId = messages.find((m) => m.ticketId === ticket.id && m.author.kind === 'customer')?.id;
  }
  if (!messageId) return;
  try {
    await correctIntent(deps, actor, messageId, kind);
  } catch (err) {
    deps.log.warn({ err, ticketId: ticket.id }, 'the kind change could not be recorded as a correction');
  }
}
