import { forbidden, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import { MAX_MESSAGE_LENGTH } from '../ingest/inbound-message.js';
import type { Stores } from '../ports/store.js';
import type { MessageView, TicketView } from '../views/views.js';

export interface Staff {
  id: string;
  role: 'agent' | 'supervisor' | 'admin';
}

export interface ReplyCommand {
  staff: Staff;
  ticketId: string;
  text: string;
  /** The console's id for this reply: a resend after a reconnect is stored and delivered once. */
  clientMessageId: string;
}

/**
 * A staff reply on a ticket: stored once, the ticket's first response recorded, and
 * `reply.sent` raised so the customer's channel delivers it. An agent may answer an unassigned
 * ticket (and then holds it) or their own; supervisors and admins may answer any.
 */
export async function replyToTicket(
  deps: { stores: Stores; events: EventBus; now?: () => Date },
  cmd: ReplyCommand,
): Promise<{ message: MessageView; ticket: TicketView; duplicate: boolean }> {
  const text = cmd.text.trim();
  if (!text) throw invalid('text must not be empty');
  if (text.length > MAX_MESSAGE_LENGTH)
    throw invalid(`text must be at most ${MAX_MESSAGE_LENGTH} characters`);
  const at = deps.now?.() ?? new Date();
  const ticket = await deps.stores.tickets.get(cmd.ticketId);
  if (!ticket) throw notFound('ticket');
  if (cmd.staff.role === 'agent' && ticket.assigneeId && ticket.assigneeId !== cmd.staff.id) {
    throw forbidden('this ticket is assigned to another agent');
  }
  if (ticket.status === 'closed') throw invalid('this ticket is closed');

  const { message, duplicate } = await deps.stores.messages.insertOnce({
    conversationId: ticket.conversationId,
    customerId: ticket.customerId,
    channel: ticket.channel,
    direction: 'out',
    author: { kind: 'agent', id: cmd.staff.id },
    text,
    clientKey: `agent:${cmd.staff.id}:${cmd.clientMessageId}`,
    clientMessageId: cmd.clientMessageId,
    ticketId: ticket.id,
    processed: true,
    at,
  });
  if (duplicate) return { message, ticket, duplicate };
  const updated = (await deps.stores.tickets.recordAgentReply(ticket.id, cmd.staff.id, at)) ?? ticket;
  await deps.stores.conversations.recordMessage(ticket.conversationId, at);
  await deps.events.publish('message.stored', { message });
  await deps.events.publish('reply.sent', { message, ticket: updated });
  await deps.events.publish('ticket.updated', { ticket: updated });
  return { message, ticket: updated, duplicate };
}
