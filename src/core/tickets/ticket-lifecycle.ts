import { DomainError, forbidden, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/domain-events.js';
import type { DeskMirror } from '../ports/agent-desk.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Stores } from '../ports/store.js';
import type { Actor } from '../views/staff.js';
import type { TicketPriority, TicketView } from '../views/ticket.js';

/**
 * The smallest ticket lifecycle the agents' Slack buttons need (claim, priority, resolve), as
 * use cases any edge can call (the console's routes too). Every change is one conditional store
 * update, announced on the bus and shown on the ticket's Slack post.
 */
export interface LifecycleDeps {
  stores: Pick<Stores, 'tickets'>;
  events: EventBus;
  audit: AuditLog;
  desk: DeskMirror;
  now?: () => Date;
}

export interface LifecycleResult {
  ticket: TicketView;
  /** False when the ticket already was as asked (a second press of the same button). */
  changed: boolean;
}

const isLive = (t: TicketView) => t.status === 'open' || t.status === 'pending';
const isLead = (actor: Actor) => actor.role === 'supervisor' || actor.role === 'admin';

async function liveTicket(deps: LifecycleDeps, ticketId: string): Promise<TicketView> {
  const ticket = await deps.stores.tickets.get(ticketId);
  if (!ticket) throw notFound('ticket');
  if (!isLive(ticket)) throw invalid(`ticket #${ticket.number} is ${ticket.status}`);
  return ticket;
}

/** An agent acts on unassigned tickets and their own; supervisors and admins on any. */
function mayHandle(actor: Actor, ticket: TicketView): void {
  if (!isLead(actor) && ticket.assigneeId && ticket.assigneeId !== actor.id) {
    throw forbidden(`ticket #${ticket.number} is assigned to another agent`);
  }
}

async function announce(
  deps: LifecycleDeps,
  actor: Actor,
  action: string,
  ticket: TicketView,
  details?: Record<string, unknown>,
) {
  await deps.audit.record({ actor, action, target: { kind: 'ticket', id: ticket.id }, details });
  await deps.events.publish('ticket.updated', { ticket });
  await deps.desk.ticketChanged(ticket);
}

/** Takes the ticket. An agent may take an unassigned one; a supervisor or admin may take any over. */
export async function claimTicket(
  deps: LifecycleDeps,
  actor: Actor,
  ticketId: string,
): Promise<LifecycleResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const ticket = await liveTicket(deps, ticketId);
    if (ticket.assigneeId === actor.id) return { ticket, changed: false };
    mayHandle(actor, ticket);
    const updated = await deps.stores.tickets.assign(ticket.id, actor.id, ticket.assigneeId ?? null);
    if (!updated) continue; // someone else changed it meanwhile: look again
    await announce(deps, actor, 'ticket.claim', updated, { previous: ticket.assigneeId ?? null });
    return { ticket: updated, changed: true };
  }
  throw new DomainError('conflict', 'the ticket kept changing; try again');
}

export async function setTicketPriority(
  deps: LifecycleDeps,
  actor: Actor,
  ticketId: string,
  priority: TicketPriority,
): Promise<LifecycleResult> {
  const ticket = await liveTicket(deps, ticketId);
  mayHandle(actor, ticket);
  if (ticket.priority === priority) return { ticket, changed: false };
  const updated = await deps.stores.tickets.setPriority(ticket.id, priority);
  if (!updated) throw invalid(`ticket #${ticket.number} is no longer open`);
  await announce(deps, actor, 'ticket.priority', updated, { from: ticket.priority, to: priority });
  return { ticket: updated, changed: true };
}

/** Resolves the ticket; the customer's next message opens a new one. Resolving twice is harmless. */
export async function resolveTicket(
  deps: LifecycleDeps,
  actor: Actor,
  ticketId: string,
): Promise<LifecycleResult> {
  const current = await deps.stores.tickets.get(ticketId);
  if (!current) throw notFound('ticket');
  if (current.status === 'resolved' || current.status === 'closed')
    return { ticket: current, changed: false };
  mayHandle(actor, current);
  const updated = await deps.stores.tickets.resolve(current.id, deps.now?.() ?? new Date());
  if (!updated) {
    const latest = await deps.stores.tickets.get(ticketId);
    if (latest && !isLive(latest)) return { ticket: latest, changed: false };
    throw new DomainError('conflict', 'the ticket changed meanwhile; try again');
  }
  await announce(deps, actor, 'ticket.resolve', updated);
  return { ticket: updated, changed: true };
}

/** An internal note on the ticket, never sent to the customer; stored once per key (a retry adds nothing). */
export async function addTicketNote(
  deps: Pick<LifecycleDeps, 'stores' | 'audit' | 'now'>,
  actor: Actor,
  input: { ticketId: string; text: string; key: string },
): Promise<{ ticket: TicketView; added: boolean }> {
  const text = input.text.trim();
  if (!text) throw invalid('the note is empty');
  if (text.length > 5000) throw invalid('a note must be at most 5000 characters');
  const ticket = await deps.stores.tickets.get(input.ticketId);
  if (!ticket) throw notFound('ticket');
  const added = await deps.stores.tickets.addNote(ticket.id, {
    key: input.key,
    authorId: actor.id,
    text,
    at: deps.now?.() ?? new Date(),
  });
  if (added)
    await deps.audit.record({ actor, action: 'ticket.note', target: { kind: 'ticket', id: ticket.id } });
  return { ticket, added };
}
