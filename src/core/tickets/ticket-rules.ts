import type { TicketPatch } from '../ports/store.js';
import type { TicketKind, TicketPriority, TicketView } from '../views/ticket.js';
import { isHigherPriority } from './priority-policy.js';

/**
 * What a new hand-off does to the conversation's live ticket:
 * - the customer wrote, so a pending ticket (waiting on them) is open again;
 * - a complaint upgrades a consultation, never the other way round;
 * - priority only rises;
 * - a raised priority tightens a first-response deadline not yet met, never loosens it.
 */
export function handoffPatch(
  current: TicketView,
  input: { kind: TicketKind; priority: TicketPriority; firstResponseDueAt: Date },
): TicketPatch {
  const patch: TicketPatch = { status: 'open' };
  if (input.kind === 'complaint' && current.kind !== 'complaint') patch.kind = 'complaint';
  if (isHigherPriority(input.priority, current.priority)) {
    patch.priority = input.priority;
    if (
      !current.sla.firstRespondedAt &&
      input.firstResponseDueAt.getTime() < new Date(current.sla.firstResponseDueAt).getTime()
    ) {
      patch.firstResponseDueAt = input.firstResponseDueAt;
    }
  }
  return patch;
}
