import { DomainError } from '../errors.js';
import type { StaffAccount } from '../ports/staff.js';
import type { Stores } from '../ports/store.js';
import { type ReplyDeps, replyToTicket } from '../tickets/reply-to-ticket.js';
import { addNote } from '../tickets/ticket-notes.js';
import type { MessageView } from '../views/message.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';

/**
 * Who a Slack user is in Parley: the member of staff explicitly linked to them, otherwise the
 * active account with their Slack profile's email (asked only when there is no link).
 */
export async function staffForSlackUser(
  deps: { stores: Pick<Stores, 'staff'> },
  slackUserId: string,
  emailOf: () => Promise<string | null>,
): Promise<StaffAccount | null> {
  const linked = await deps.stores.staff.findBySlackUserId(slackUserId);
  if (linked) return linked.active ? linked : null;
  const email = await emailOf().catch(() => null);
  if (!email) return null;
  const byEmail = await deps.stores.staff.findByEmail(email);
  // An account linked to another Slack user is not this one, whatever the email says.
  if (!byEmail?.active || (byEmail.slackUserId && byEmail.slackUserId !== slackUserId)) return null;
  return byEmail;
}

export const actorOfStaff = (s: StaffAccount): Actor => ({ id: s.id, role: s.role });

/** The ticket rules' dependencies (the console's reply and note use cases run here too). */
export interface DeskReplyDeps extends ReplyDeps {
  /** A reply starting with this (any case) is an internal note. */
  notePrefix: string;
  alertsOnly: boolean;
}

export type DeskReplyOutcome =
  /** Not a ticket's thread: chatter in the agents' channel, left alone. */
  | { kind: 'not_a_ticket' }
  | { kind: 'alerts_only'; ticket: TicketView }
  | { kind: 'unlinked'; ticket: TicketView }
  | { kind: 'note'; ticket: TicketView; added: boolean }
  | { kind: 'sent'; ticket: TicketView; message: MessageView; duplicate: boolean }
  /** A rule refused it (assigned to another agent, closed ticket): said to the agent only. */
  | { kind: 'refused'; ticket: TicketView; reason: string };

/**
 * A reply typed in a ticket's thread in the agents' channel. Only a linked (or email-matched)
 * member of staff reaches the customer, through the same reply use case as the console, so the
 * console shows it as theirs and the outbox delivers it; a prefixed reply is a note; nothing goes
 * out when the desk is alerts-only. The Slack message id makes a retry a no-op: it is the reply's
 * client id, and the message keeps its Slack ts under a unique index (it is never mirrored back).
 */
export async function replyFromDesk(
  deps: DeskReplyDeps,
  input: { channel: string; threadTs: string; ts: string; text: string; staff: StaffAccount | null },
): Promise<DeskReplyOutcome> {
  const ticket = await deps.stores.tickets.findBySlackThread(input.channel, input.threadTs);
  if (!ticket) return { kind: 'not_a_ticket' };
  if (deps.alertsOnly) return { kind: 'alerts_only', ticket };
  if (!input.staff) return { kind: 'unlinked', ticket };
  const actor = actorOfStaff(input.staff);
  const key = `slack:${input.channel}:${input.ts}`;
  try {
    const note = noteText(input.text, deps.notePrefix);
    if (note !== null) {
      const { added } = await addNote(deps, actor, ticket.id, note, { key });
      return { kind: 'note', ticket, added };
    }
    const result = await replyToTicket(deps, {
      staff: actor,
      ticketId: ticket.id,
      text: input.text,
      clientMessageId: `slack-${input.channel}-${input.ts}`,
      slackPost: { channel: input.channel, ts: input.ts },
    });
    return { kind: 'sent', ticket: result.ticket, message: result.message, duplicate: result.duplicate };
  } catch (err) {
    if (err instanceof DomainError) return { kind: 'refused', ticket, reason: err.message };
    throw err;
  }
}

/** The note's text when the reply starts with the prefix (any case), else null. */
export function noteText(text: string, prefix: string): string | null {
  const t = text.trimStart();
  return t.toLowerCase().startsWith(prefix.toLowerCase()) ? t.slice(prefix.length).trim() : null;
}
