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

/** The ticket as it reads after `patch` (for folding several hand-offs into one update). */
export function withPatch(current: TicketView, patch: TicketPatch): TicketView {
  return {
    ...current,
    ...(patch.kind ? { kind: patch.kind } : {}),
    ...(patch.priority ? { priority: patch.priority } : {}),
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.firstResponseDueAt
      ? { sla: { ...current.sla, firstResponseDueAt: patch.firstResponseDueAt.toISOString() } }
      : {}),
  };
}

/**
 * What several hand-offs to the live ticket do, one after the other, as one patch: each sees the
 * ticket as the ones before it left it.
 */
export function handoffsPatch(
  current: TicketView,
  inputs: { kind: TicketKind; priority: TicketPriority; firstResponseDueAt: Date }[],
): TicketPatch {
  const patch: TicketPatch = {};
  let ticket = current;
  for (const input of inputs) {
    const next = handoffPatch(ticket, input);
    Object.assign(patch, next);
    ticket = withPatch(ticket, next);
  }
  return patch;
}

/**
 * What a hand-off's compare-and-set expects of the live ticket it read: still these values, and
 * with `remembered` (a copy kept from an earlier run) still this very revision.
 */
export function liveTicketGuard(
  live: TicketView,
  remembered: boolean,
): { kind: TicketKind; priority: TicketPriority; firstResponseDueAt: string; rev?: number } {
  return {
    kind: live.kind,
    priority: live.priority,
    firstResponseDueAt: live.sla.firstResponseDueAt,
    ...(remembered ? { rev: live.rev } : {}),
  };
}
