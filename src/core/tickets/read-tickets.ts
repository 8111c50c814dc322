import { invalid, notFound } from '../errors.js';
import type { TicketListFilter } from '../ports/store.js';
import type { CustomerContextView } from '../views/customer-context.js';
import type { MessageView } from '../views/message.js';
import { type Actor, isLead } from '../views/staff.js';
import { LIVE_STATUSES, type TicketKind, type TicketStatus, type TicketView } from '../views/ticket.js';
import { canView, loadVisible } from './ticket-access.js';
import type { TicketDeps } from './ticket-deps.js';

/**
 * A console that lost its socket asks for what changed since the last `syncedAt` it was given.
 * Changes are stamped by the process that made them, so the server looks back this much further
 * to cover writes that were in flight at that moment; a console keeps the copy with the higher rev.
 */
export const CATCH_UP_OVERLAP_MS = 5_000;

export interface TicketQuery {
  status?: TicketStatus[];
  kind?: TicketKind;
  /** 'me', 'none' (the queue) or a staff id. */
  assignee?: string;
  customerId?: string;
  tag?: string;
  /** Tickets changed after this time (use the previous answer's syncedAt). */
  updatedSince?: Date;
  limit: number;
}

export interface TicketList {
  tickets: TicketView[];
  /** Pass as updatedSince next time. */
  syncedAt: string;
  /**
   * With updatedSince, for an agent: ids of tickets that left the shared queue since then and
   * that they no longer see (assigned to someone else, closed): drop them from the queue.
   */
  removedIds: string[];
}

/**
 * Lists tickets the actor may see. Without status: live ones (open and pending); oldest first,
 * or with updatedSince in the order they changed.
 */
export async function listTickets(deps: TicketDeps, actor: Actor, q: TicketQuery): Promise<TicketList> {
  const syncedAt = deps.now();
  const filter: TicketListFilter = {
    status: q.status?.length ? q.status : q.updatedSince ? undefined : LIVE_STATUSES,
    kind: q.kind,
    customerId: q.customerId,
    tag: q.tag,
    sort: q.updatedSince ? 'updated' : 'created',
    limit: q.limit,
  };
  if (q.assignee === 'me') filter.assigneeId = actor.id;
  else if (q.assignee === 'none') filter.assigneeId = null;
  else if (q.assignee) filter.assigneeId = q.assignee;
  if (!isLead(actor.role)) filter.visibleTo = actor.id;
  const since = q.updatedSince ? new Date(q.updatedSince.getTime() - CATCH_UP_OVERLAP_MS) : undefined;
  if (since) filter.updatedSince = since;
  const tickets = await deps.stores.tickets.list(filter);
  let removedIds: string[] = [];
  if (since && !isLead(actor.role)) {
    const left = await deps.stores.tickets.list({ leftQueueSince: since, sort: 'updated', limit: 500 });
    removedIds = left.filter((t) => !canView(actor, t)).map((t) => t.id);
  }
  return { tickets, syncedAt: syncedAt.toISOString(), removedIds };
}

export async function getTicket(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
): Promise<{ ticket: TicketView; messages: MessageView[] }> {
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  const messages = await deps.stores.messages.listForConversations(
    [ticket.conversationId, ...ticket.extraConversationIds],
    { limit: 500 },
  );
  return { ticket, messages };
}

/** The ticket's transcript, oldest first, optionally only after a time (catching up). */
export async function listTicketMessages(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
  opts: { after?: Date; limit: number },
): Promise<{ messages: MessageView[]; syncedAt: string }> {
  const syncedAt = deps.now();
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  if (opts.after && Number.isNaN(opts.after.getTime())) throw invalid('after must be a time');
  const after = opts.after ? new Date(opts.after.getTime() - CATCH_UP_OVERLAP_MS) : undefined;
  const messages = await deps.stores.messages.listForConversations(
    [ticket.conversationId, ...ticket.extraConversationIds],
    { after, limit: opts.limit },
  );
  return { messages, syncedAt: syncedAt.toISOString() };
}

/** The customer sidebar for a ticket the actor sees; reading someone's record is audited. */
export async function ticketContext(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
): Promise<CustomerContextView> {
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  const context = await deps.stores.customerContext.forCustomer(ticket.customerId, ticket.id);
  if (!context) throw notFound('customer');
  await deps.audit.record({
    actor,
    action: 'customer.context_read',
    target: { kind: 'customer', id: ticket.customerId },
    details: { ticketId: ticket.id },
  });
  return context;
}
