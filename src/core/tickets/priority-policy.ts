import type { Classification } from '../ports/classifier.js';
import type { TicketPriority } from '../views/views.js';

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

const ORDER: TicketPriority[] = ['low', 'normal', 'high', 'urgent'];
export const higherPriority = (a: TicketPriority, b: TicketPriority): TicketPriority =>
  ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
