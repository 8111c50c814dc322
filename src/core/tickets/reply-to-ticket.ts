import { forbidden, invalid } from '../errors.js';
import { MAX_MESSAGE_LENGTH } from '../ingest/inbound-message.js';
import { sendToCustomer } from '../outbound/send-to-customer.js';
import { dayKeyOf } from '../ports/daily-stats.js';
import type { MessageView } from '../views/message.js';
import type { Actor } from '../views/staff.js';
import { isLive, LIVE_STATUSES, type TicketView } from '../views/ticket.js';
import { loadVisible } from './ticket-access.js';
import { recordTicketChange, secondsBetween, type TicketDeps } from './ticket-deps.js';

export interface ReplyCommand {
  staff: Actor;
  ticketId: string;
  text: string;
  /** The console's id for this reply: a resend after a reconnect is stored and delivered once. */
  clientMessageId: string;
  /** The reply was typed in the ticket's thread in the agents' Slack channel: that Slack message. */
  slackPost?: { channel: string; ts: string };
}

/** The ticket rules' dependencies; `desk` shows the reply in the ticket's Slack thread (unless typed there). */
export type ReplyDeps = TicketDeps;

/**
 * A staff reply on a ticket: stored once, the ticket's first response recorded, and queued for
 * delivery to the customer's own channel. An agent may answer a ticket from the queue (and then
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
  const at = deps.now();
  const { stores } = deps;
  const ticket = await loadVisible(stores.tickets, cmd.staff, cmd.ticketId);
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
  let current = ticket;
  // Answering from the queue takes the ticket (one conditional update: only while nobody has it).
  if (!current.assigneeId && isLive(current.status)) {
    const claimed = await stores.tickets.applyChange(
      ticket.id,
      { assigneeId: null, status: LIVE_STATUSES },
      { assigneeId: cmd.staff.id, assignedAt: at, queuedAt: null, addParticipant: cmd.staff.id },
    );
    if (claimed) {
      await stores.staff.addLoad(cmd.staff.id, at);
      await recordTicketChange(deps, claimed, 'claimed', cmd.staff, current);
      current = claimed;
    }
  }
  // Each step is idempotent (first response once, pending only while live).
  const recorded = await stores.tickets.recordAgentReply(ticket.id, {
    agentId: cmd.staff.id,
    at,
    firstResponseSeconds: secondsBetween(ticket.createdAt, at),
  });
  if (recorded?.firstResponse) await stores.dailyStats.add(dayKeyOf(at), { firstResponses: 1 });
  const updated = recorded?.ticket ?? current;
  await recordTicketChange(deps, updated, 'replied', null, current);
  // The reply shows in the ticket's Slack thread, unless it was typed there (never mirrored back).
  if (!cmd.slackPost) await deps.desk?.message({ messageId: message.id, ticketId: ticket.id, opened: false });
  return { message, ticket: updated, duplicate };
}
