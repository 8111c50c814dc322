import { invalid, notFound } from '../errors.js';
import type { InteractionInput, InteractionView } from '../views/interaction.js';
import { ALL_STAFF, auditActor, authorize, type Caller } from './access.js';
import { liveCustomer, writableCustomer } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';

/** How far ahead a logged interaction may be dated (clock skew, time zones), not more. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * Staff log what happened outside the chat: a call, a visit, an email, a note (type, summary,
 * when, who). Messages are interactions too; the timeline reads them from the conversations.
 */
export async function logInteraction(
  deps: CrmDeps,
  caller: Caller,
  customerId: string,
  input: InteractionInput,
): Promise<InteractionView> {
  authorize(caller, { roles: ALL_STAFF, scope: 'customers:write' }, 'logging interactions');
  await writableCustomer(deps, customerId);
  const now = nowOf(deps);
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
  if (Number.isNaN(occurredAt.getTime())) throw invalid('occurredAt is not a time');
  if (occurredAt.getTime() > now.getTime() + FUTURE_SLACK_MS) throw invalid('occurredAt is in the future');
  if (input.ticketId) {
    const ticket = await deps.stores.tickets.get(input.ticketId);
    if (!ticket) throw notFound('ticket');
    if (ticket.customerId !== customerId) throw invalid("that ticket is another customer's");
  }
  const interaction = await deps.crm.interactions.create({
    customerId,
    kind: input.kind,
    direction: input.direction,
    summary: input.summary,
    occurredAt,
    durationMinutes: input.durationMinutes,
    agentId: caller.kind === 'staff' ? caller.id : undefined,
    ticketId: input.ticketId,
  });
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.interaction_log',
    target: { kind: 'customer', id: customerId },
    details: { interactionId: interaction.id, kind: input.kind },
  });
  return interaction;
}

export async function listInteractions(
  deps: CrmDeps,
  caller: Caller,
  customerId: string,
  limit: number,
): Promise<InteractionView[]> {
  authorize(caller, { roles: ALL_STAFF, scope: 'customers:read' }, 'reading interactions');
  await liveCustomer(deps, customerId);
  return deps.crm.interactions.listForCustomer(customerId, { limit });
}
