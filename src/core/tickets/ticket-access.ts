import { forbidden, notFound } from '../errors.js';
import type { TicketStore } from '../ports/store.js';
import { type Actor, isLead } from '../views/staff.js';
import { isLive, type TicketView } from '../views/ticket.js';

/**
 * Who sees what: supervisors and admins see every ticket; an agent sees the queue (live tickets
 * nobody is assigned to), the tickets assigned to them, and those they took part in (were
 * assigned, replied, wrote a note).
 */
export function canView(actor: Actor, t: TicketView): boolean {
  if (isLead(actor.role)) return true;
  if (t.assigneeId === actor.id) return true;
  if (!t.assigneeId && isLive(t.status)) return true;
  return t.participantIds.includes(actor.id);
}

/**
 * Who may act on a ticket (reply, resolve, reopen, close, merge, tag, claim): supervisors and
 * admins on any; an agent on what they see that is theirs or nobody's.
 */
export function canWork(actor: Actor, t: TicketView): boolean {
  if (isLead(actor.role)) return true;
  return canView(actor, t) && (!t.assigneeId || t.assigneeId === actor.id);
}

/** The ticket if the actor may see it; not found and forbidden are told apart (ids are not secret). */
export async function loadVisible(
  tickets: Pick<TicketStore, 'get'>,
  actor: Actor,
  id: string,
): Promise<TicketView> {
  const ticket = await tickets.get(id);
  if (!ticket) throw notFound('ticket');
  if (!canView(actor, ticket)) {
    throw forbidden(
      ticket.assigneeId ? 'this ticket is assigned to another agent' : 'this ticket is not yours to see',
    );
  }
  return ticket;
}

export async function loadWorkable(
  tickets: Pick<TicketStore, 'get'>,
  actor: Actor,
  id: string,
): Promise<TicketView> {
  const ticket = await loadVisible(tickets, actor, id);
  if (!canWork(actor, ticket)) throw forbidden('this ticket is assigned to another agent');
  return ticket;
}

export function mustLead(actor: Actor, what: string): void {
  if (!isLead(actor.role)) throw forbidden(`${what} needs the role supervisor or admin`);
}

export function mustAdmin(actor: Actor, what: string): void {
  if (actor.role !== 'admin') throw forbidden(`${what} needs the role admin`);
}
