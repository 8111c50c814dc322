import { conflict, invalid, notFound } from '../errors.js';
import type { NeedInput, NeedPatch, NeedStatus, NeedTransition, NeedView } from '../views/need.js';
import { ALL_STAFF, auditActor, authorize, type Caller, callerId } from './access.js';
import { liveCustomer, writableCustomer } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';

/** Where a need may go from each status: forward to the end, and back when it comes up again. */
export const NEED_TRANSITIONS: Record<NeedStatus, readonly NeedStatus[]> = {
  discovered: ['in_progress', 'resolved', 'dropped'],
  in_progress: ['resolved', 'dropped'],
  resolved: ['in_progress'],
  dropped: ['discovered', 'in_progress'],
};

export const mayMoveNeed = (from: NeedStatus, to: NeedStatus): boolean => NEED_TRANSITIONS[from].includes(to);

const READ = { roles: ALL_STAFF, scope: 'customers:read' } as const;
const WRITE = { roles: ALL_STAFF, scope: 'customers:write' } as const;

async function assertOwner(deps: CrmDeps, ownerId: string | null | undefined): Promise<void> {
  if (!ownerId) return;
  const owner = await deps.stores.staff.get(ownerId);
  if (!owner?.active) throw invalid('ownerId is not an active member of staff');
}

/** A customer's requirement, noted by hand or from a ticket (then it names the ticket). */
export async function openNeed(
  deps: CrmDeps,
  caller: Caller,
  customerId: string,
  input: NeedInput,
  ticketId?: string,
): Promise<NeedView> {
  authorize(caller, WRITE, 'tracking needs');
  await writableCustomer(deps, customerId);
  await assertOwner(deps, input.ownerId);
  const need = await deps.crm.needs.create({
    customerId,
    title: input.title,
    description: input.description,
    priority: input.priority ?? 'normal',
    ownerId: input.ownerId,
    ticketId,
    by: callerId(caller),
    at: nowOf(deps),
  });
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'need.open',
    target: { kind: 'need', id: need.id },
    details: { customerId, ...(ticketId ? { ticketId } : {}) },
  });
  return need;
}

export async function openNeedFromTicket(
  deps: CrmDeps,
  caller: Caller,
  ticketId: string,
  input: NeedInput,
): Promise<NeedView> {
  authorize(caller, WRITE, 'tracking needs');
  const ticket = await deps.stores.tickets.get(ticketId);
  if (!ticket) throw notFound('ticket');
  const customer = await deps.crm.customers.get(ticket.customerId);
  // A ticket of a merged-away customer now belongs to the one it was merged into.
  return openNeed(deps, caller, customer?.mergedInto ?? ticket.customerId, input, ticketId);
}

export async function getNeed(deps: CrmDeps, caller: Caller, id: string): Promise<NeedView> {
  authorize(caller, READ, 'reading needs');
  const need = await deps.crm.needs.get(id);
  if (!need) throw notFound('need');
  return need;
}

export async function listNeeds(
  deps: CrmDeps,
  caller: Caller,
  filter: { customerId?: string; status?: NeedStatus; ownerId?: string; limit: number },
): Promise<NeedView[]> {
  authorize(caller, READ, 'reading needs');
  if (filter.customerId) await liveCustomer(deps, filter.customerId);
  return deps.crm.needs.list(filter);
}

export async function updateNeed(
  deps: CrmDeps,
  caller: Caller,
  id: string,
  patch: NeedPatch,
): Promise<NeedView> {
  authorize(caller, WRITE, 'tracking needs');
  await assertOwner(deps, patch.ownerId);
  const need = await deps.crm.needs.update(id, patch);
  if (!need) throw notFound('need');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'need.update',
    target: { kind: 'need', id },
    details: { fields: Object.keys(patch) },
  });
  return need;
}

/** Moves a need a step, with who and when; a race with another change is a 409, never a lost step. */
export async function moveNeed(
  deps: CrmDeps,
  caller: Caller,
  id: string,
  input: NeedTransition,
): Promise<NeedView> {
  authorize(caller, WRITE, 'tracking needs');
  const need = await deps.crm.needs.get(id);
  if (!need) throw notFound('need');
  if (need.status === input.status) return need;
  if (!mayMoveNeed(need.status, input.status)) {
    throw invalid(
      `a ${need.status.replace('_', ' ')} need cannot become ${input.status.replace('_', ' ')} (allowed: ${NEED_TRANSITIONS[need.status].join(', ')})`,
    );
  }
  const moved = await deps.crm.needs.transition(id, need.status, input.status, {
    by: callerId(caller),
    at: nowOf(deps),
    note: input.note,
  });
  if (!moved) throw conflict('the need changed meanwhile; read it again');
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'need.status',
    target: { kind: 'need', id },
    details: { from: need.status, to: input.status },
  });
  return moved;
}
