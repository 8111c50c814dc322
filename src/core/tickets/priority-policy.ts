import type { Classification } from '../views/classification.js';
import { TICKET_PRIORITIES, type TicketPriority } from '../views/ticket.js';

/**
 * A complaint with strong negative sentiment or urgent words is raised; urgent words plus strong
 * anger is urgent. Consultations stay normal unless the customer is urgent.
 */
export function priorityFor(c: Classification): TicketPriority {
  const angry = c.sentiment <= -0.5;
  const urgent = c.urgency >= 0.5;
  if (c.kind === 'complaint') {
    if (angry && urgent) return 'urgent';
    if (angry || urgent) return 'high';
    return 'normal';
  }
  return urgent ? 'high' : 'normal';
}

const ORDER: readonly TicketPriority[] = TICKET_PRIORITIES;

/** True when `a` outranks `b`. */
export const isHigherPriority = (a: TicketPriority, b: TicketPriority): boolean =>
  ORDER.indexOf(a) > ORDER.indexOf(b);

/** One step up (an SLA breach escalates); urgent stays urgent. */
export const escalatedPriority = (p: TicketPriority): TicketPriority =>
  ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(p) + 1)] ?? 'urgent';
