import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { StaffMemberView } from '../views/staff.js';
import { type Actor, isLead } from '../views/staff.js';
import { isLive, LIVE_STATUSES, TICKET_PRIORITIES, type TicketView } from '../views/ticket.js';
import { loadWorkable } from './ticket-access.js';
import { recordTicketChange, SYSTEM, type TicketDeps } from './ticket-deps.js';

/**
 * Assignment. A new or reopened ticket goes to an online agent below capacity, preferring its
 * language and the skill named after its intent (or kind), least loaded first; when nobody is
 * free it waits, and is assigned when capacity frees up (a resolve, an agent coming online, a
 * raised capacity, and a periodic sweep). Race-safe without transactions: an agent's slot is
 * taken with a conditional $inc (only while below capacity), then the ticket with a conditional
 * update (only while unassigned); when the second fails the slot is given back.
 */

const rank = (p: TicketView['priority']) => TICKET_PRIORITIES.indexOf(p);

/** Candidates in the order they are offered the ticket. Pure, for tests. */
export function rankCandidates(
  ticket: Pick<TicketView, 'language' | 'intent' | 'kind'>,
  candidates: readonly StaffMemberView[],
  prefer?: string,
): StaffMemberView[] {
  const lang = ticket.language && ticket.language !== 'other' ? ticket.language : undefined;
  const skills: string[] = ticket.intent ? [ticket.intent, ticket.kind] : [ticket.kind];
  const key = (a: StaffMemberView) => [
    a.id === prefer ? 0 : 1,
    lang && a.languages.includes(lang) ? 0 : 1,
    skills.some((s) => a.skills.includes(s)) ? 0 : 1,
    a.openTickets,
    a.capacity > 0 ? a.openTickets / a.capacity : 1,
  ];
  return [...candidates].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const d = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (d !== 0) return d;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Waiting tickets in the order they get agents: most urgent first, then longest waiting. */
export function queueOrder(tickets: readonly TicketView[]): TicketView[] {
  return [...tickets].sort(
    (a, b) =>
      rank(b.priority) - rank(a.priority) ||
      (a.queuedAt ?? a.createdAt).localeCompare(b.queuedAt ?? b.createdAt) ||
      a.number - b.number,
  );
}

export interface AutoAssignResult {
  ticket: TicketView;
  assigned: boolean;
  /** Whether any agent could take tickets at all (false: stop offering more). */
  anyoneFree: boolean;
}

/** Offers a waiting ticket to the free agents in order; the first whose slot can be taken gets it. */
export async function autoAssign(
  deps: TicketDeps,
  ticket: TicketView,
  opts: { exclude?: readonly string[]; prefer?: string } = {},
): Promise<AutoAssignResult> {
  if (ticket.assigneeId || !isLive(ticket.status) || ticket.mergedInto) {
    return { ticket, assigned: false, anyoneFree: true };
  }
  const { staff, tickets } = deps.stores;
  const candidates = (await staff.listAssignable()).filter((a) => !opts.exclude?.includes(a.id));
  for (const agent of rankCandidates(ticket, candidates, opts.prefer)) {
    const at = deps.now();
    if (!(await staff.reserveSlot(agent.id, at))) continue; // full or gone meanwhile: the next one
    const updated = await tickets.applyChange(
      ticket.id,
      { assigneeId: null, status: LIVE_STATUSES, notMerged: true },
      { assigneeId: agent.id, assignedAt: at, queuedAt: null, addParticipant: agent.id },
    );
    if (!updated) {
      // Someone claimed it (or it closed) between the read and now: the slot goes back.
      await staff.releaseSlot(agent.id);
      const now = await tickets.get(ticket.id);
      return { ticket: now ?? ticket, assigned: false, anyoneFree: true };
    }
    await recordTicketChange(deps, updated, 'auto_assigned', SYSTEM, ticket, { agentId: agent.id });
    return { ticket: updated, assigned: true, anyoneFree: true };
  }
  return { ticket, assigned: false, anyoneFree: candidates.length > 0 };
}

/**
 * Offers the waiting tickets, most urgent and oldest first, until nobody is free. Safe to run in
 * several processes at once (every step is conditional); returns how many it assigned.
 */
export async function assignWaiting(deps: TicketDeps, limit = 200): Promise<number> {
  const waiting = queueOrder(await deps.stores.tickets.listWaiting(limit));
  let assigned = 0;
  for (const ticket of waiting) {
    const r = await autoAssign(deps, ticket);
    if (r.assigned) assigned++;
    else if (!r.anyoneFree) break;
  }
  return assigned;
}

/** assignWaiting after something freed capacity, without failing the action that freed it. */
export async function offerWaitingTickets(deps: TicketDeps): Promise<void> {
  try {
    await assignWaiting(deps);
  } catch (err) {
    deps.log.error({ err }, 'assigning waiting tickets failed (the periodic sweep retries)');
  }
}

/**
 * An agent takes a ticket: one from the queue, or (supervisors and admins) any live ticket. A
 * person decided, so it may go beyond their capacity. Claiming one's own ticket again is a no-op.
 */
export async function claimTicket(deps: TicketDeps, actor: Actor, ticketId: string): Promise<TicketView> {
  const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
  if (!isLive(ticket.status))
    throw invalid(`ticket #${ticket.number} is ${ticket.status}: it cannot be claimed`);
  if (ticket.assigneeId === actor.id) return ticket;
  return moveTicket(deps, actor, ticket, actor.id, 'claimed');
}

/**
 * Assigns a ticket to a staff member (a transfer when it had one), or with `agentId` null puts it
 * back in the queue, where it is offered to others first. Supervisors and admins may move any
 * ticket; an agent only their own or one from the queue.
 */
export async function assignTicket(
  deps: TicketDeps,
  actor: Actor,
  ticketId: string,
  agentId: string | null,
): Promise<TicketView> {
  const ticket = await loadWorkable(deps.stores.tickets, actor, ticketId);
  if (!isLive(ticket.status)) throw invalid(`a ${ticket.status} ticket cannot be assigned; reopen it first`);
  if (agentId === null) {
    if (!ticket.assigneeId) return ticket;
    const previous = ticket.assigneeId;
    const at = deps.now();
    const updated = await deps.stores.tickets.applyChange(
      ticket.id,
      { assigneeId: previous, status: LIVE_STATUSES },
      { assigneeId: null, queuedAt: at, addParticipant: actor.id },
    );
    if (!updated) throw conflictMoved();
    await deps.stores.staff.releaseSlot(previous);
    await recordTicketChange(deps, updated, 'unassigned', actor, ticket, { from: previous });
    const offered = await autoAssign(deps, updated, { exclude: [previous] });
    await offerWaitingTickets(deps);
    return offered.ticket;
  }
  if (ticket.assigneeId === agentId) return ticket;
  const target = await deps.stores.staff.get(agentId);
  if (!target) throw notFound('staff member');
  if (!target.active) throw invalid('that staff member is deactivated');
  return moveTicket(deps, actor, ticket, agentId, agentId === actor.id ? 'claimed' : 'assigned');
}

async function moveTicket(
  deps: TicketDeps,
  actor: Actor,
  first: TicketView,
  to: string,
  action: 'claimed' | 'assigned',
): Promise<TicketView> {
  let ticket = first;
  for (let attempt = 0; ; attempt++) {
    if (!isLead(actor.role) && ticket.assigneeId && ticket.assigneeId !== actor.id) {
      throw forbidden('this ticket is assigned to another agent');
    }
    if (ticket.assigneeId === to) return ticket;
    const at = deps.now();
    const previous = ticket.assigneeId ?? null;
    const updated = await deps.stores.tickets.applyChange(
      ticket.id,
      { assigneeId: previous, status: LIVE_STATUSES, notMerged: true },
      { assigneeId: to, assignedAt: at, queuedAt: null, addParticipant: to },
    );
    if (!updated) {
      // Someone moved it meanwhile (two claims at once): look again, and the rules decide anew.
      const now = await deps.stores.tickets.get(ticket.id);
      if (!now || !isLive(now.status) || attempt >= 2) throw conflictMoved();
      ticket = now;
      continue;
    }
    await deps.stores.staff.addLoad(to, at);
    if (previous) await deps.stores.staff.releaseSlot(previous);
    if (actor.id !== to) await deps.stores.tickets.applyChange(ticket.id, {}, { addParticipant: actor.id });
    await recordTicketChange(deps, updated, action, actor, ticket, {
      to,
      ...(previous ? { from: previous } : {}),
    });
    if (previous) await offerWaitingTickets(deps);
    return updated;
  }
}

const conflictMoved = () =>
  conflict('the ticket changed meanwhile (assigned, resolved or closed); reload it');

/**
 * Agents offline longer than the grace period give their live tickets back to the queue, where
 * they are offered to the agents who are there. Returns how many tickets went back.
 */
export async function returnTicketsOfAbsentAgents(deps: TicketDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - deps.settings.awayGraceMinutes * 60_000);
  const absent = await deps.stores.staff.listOfflineHoldingTickets(before);
  let returned = 0;
  for (const agent of absent) returned += await returnTicketsOf(deps, agent.id, 'away');
  if (returned > 0) await offerWaitingTickets(deps);
  return returned;
}

/** Puts every live ticket of one agent back in the queue (they left, or were deactivated). */
export async function returnTicketsOf(deps: TicketDeps, agentId: string, reason: string): Promise<number> {
  let returned = 0;
  for (;;) {
    const held = await deps.stores.tickets.listLiveAssignedTo(agentId, 100);
    let moved = 0;
    for (const ticket of held) {
      const updated = await deps.stores.tickets.applyChange(
        ticket.id,
        { assigneeId: agentId, status: LIVE_STATUSES },
        { assigneeId: null, queuedAt: deps.now() },
      );
      if (!updated) continue;
      moved++;
      await deps.stores.staff.releaseSlot(agentId);
      await recordTicketChange(deps, updated, 'unassigned', SYSTEM, ticket, { from: agentId, reason });
    }
    returned += moved;
    if (held.length < 100 || moved === 0) return returned;
  }
}

/**
 * Corrects load counters that drifted from the tickets (a process that died between taking a
 * slot and the ticket). A mismatch is corrected only when it is seen twice, `settleMs` apart,
 * with the same values, so an assignment in flight is never "corrected".
 */
export async function reconcileLoad(
  deps: TicketDeps,
  settle: () => Promise<void> = () => new Promise((r) => setTimeout(r, 2000)),
): Promise<number> {
  const scan = async () => {
    const counters = await deps.stores.staff.loadCounters();
    const actual = await deps.stores.tickets.liveLoadByAgent();
    const off = new Map<string, { expected: number; actual: number; capacity: number }>();
    for (const c of counters) {
      const real = actual.get(c.id) ?? 0;
      if (c.openTickets !== real || c.freeSlots !== c.capacity - c.openTickets) {
        off.set(c.id, { expected: c.openTickets, actual: real, capacity: c.capacity });
      }
    }
    return off;
  };
  const first = await scan();
  if (first.size === 0) return 0;
  await settle();
  const second = await scan();
  let corrected = 0;
  for (const [id, a] of second) {
    const b = first.get(id);
    if (!b || b.expected !== a.expected || b.actual !== a.actual) continue;
    if (await deps.stores.staff.correctLoad(id, { openTickets: a.expected, capacity: a.capacity }, a.actual))
      corrected++;
  }
  if (corrected > 0) {
    deps.log.warn({ corrected }, 'agent load counters corrected');
    await offerWaitingTickets(deps);
  }
  return corrected;
}
