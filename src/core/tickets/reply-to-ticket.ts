import { forbidden, invalid, notFound } from '../errors.js';
import { MAX_MESSAGE_LENGTH } from '../ingest/inbound-message.js';
import { type SendDeps, sendToCustomer } from '../outbound/send-to-customer.js';
import type { DeskMirror } from '../ports/agent-desk.js';
import type { Stores } from '../ports/store.js';
import type { MessageView } from '../views/message.js';
import type { Actor } from '../views/staff.js';
import type { TicketView } from '../views/ticket.js';

export interface ReplyCommand {
  staff: Actor;
  ticketId: string;
  text: string;
  /** The console's id for this reply: a resend after a reconnect is stored and delivered once. */
  clientMessageId: string;
  /** The reply was typed in the ticket's thread in the agents' Slack channel: that Slack message. */
  slackPost?: { channel: string; ts: string };
}

export type ReplyDeps = SendDeps & {
  stores: Pick<Stores, 'tickets'>;
  /** Shows the reply in the ticket's Slack thread (unless it was typed there). */
  desk?: DeskMirror;
  now?: () => Date;
};

/**
 * A staff reply on a ticket: stored once, the ticket's first response recorded, and queued for
 * delivery to the customer's own channel. An agent may answer an unassigned ticket (and then
 * holds it) or their own; supervisors and admins may answer any. A resend of a reply whose
 * follow-up steps were cut short (a crash after the insert) finishes them.
 */
export async function replyToTicket(
  deps: ReplyDeps,
  cmd: ReplyCommand,
): Promise<{ message: MessageView; ticket: TicketView; duplicate: boolean }> {
  const text = cmd.text.trim();
  if (!text) throw invalid('text must not be empty');
  if (text.length > MAX_MESSAGE_LENGTH)
    throw invalid(`text must be at most ${MAX_MESSAGE_LENGTH} characters`);
  const at = deps.now?.() ?? new Date();
  const { stores } = deps;
  const ticket = await stores.tickets.get(cmd.ticketId);
  if (!ticket) throw notFound('ticket');
  if (cmd.staff.role === 'agent' && ticket.assigneeId && ticket.assigneeId !== cmd.staff.id) {
    throw forbidden('this ticket is assigned to another agent');
  }
  if (ticket.status === 'closed') throw invalid('this ticket is closed');

  const { message, duplicate } = await sendToCustomer(deps, {
    conversationId: ticket.conversationId,
    customerId: ticket.customerId,
    channel: ticket.channel,
    author: { kind: 'agent', id: cmd.staff.id },
    text,
    clientKey: `agent:${cmd.staff.id}:${cmd.clientMessageId}`,
    clientMessageId: cmd.clientMessageId,
    ticketId: ticket.id,
    ...(cmd.slackPost ? { slackPost: cmd.slackPost } : {}),
    at,
  });
  // Delivered already means the follow-ups ran before: nothing more to do for a resend.
  if (duplicate && message.delivery?.status !== 'queued') return { message, ticket, duplicate };
  // Each step is idempotent (first response once, assignee only if none).
  const updated = (await stores.tickets.recordAgentReply(ticket.id, cmd.staff.id, at)) ?? ticket;
  await deps.events.publish('ticket.updated', { ticket: updated });
  // Never mirrored back to Slack when it came from there.
  if (!cmd.slackPost) await deps.desk?.message({ messageId: message.id, ticketId: ticket.id, opened: false });
  // The ticket's Slack post shows who holds it and its status.
  if (updated.assigneeId !== ticket.assigneeId || updated.status !== ticket.status) {
    await deps.desk?.ticketChanged(updated);
  }
  return { message, ticket: updated, duplicate };
}
