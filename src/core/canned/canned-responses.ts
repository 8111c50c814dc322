import { conflict, invalid, notFound } from '../errors.js';
import type { CannedResponseInput } from '../ports/canned-responses.js';
import { loadVisible, mustLead } from '../tickets/ticket-access.js';
import type { TicketDeps } from '../tickets/ticket-deps.js';
import { type CannedResponseView, SHORTCUT_PATTERN } from '../views/canned-response.js';
import type { Actor } from '../views/staff.js';
import { checkTemplate, firstNameOf, renderTemplate } from './render-template.js';

const SHORTCUT = new RegExp(SHORTCUT_PATTERN);
export const MAX_CANNED_TEXT = 5000;

function clean(input: Partial<CannedResponseInput>): Partial<CannedResponseInput> {
  const out: Partial<CannedResponseInput> = {};
  if (input.shortcut !== undefined) {
    const s = input.shortcut.trim().replace(/^\//, '').toLowerCase();
    if (!SHORTCUT.test(s)) throw invalid('shortcut must be 1–40 lower-case letters, digits, _ or -');
    out.shortcut = s;
  }
  if (input.title !== undefined) {
    const t = input.title.trim();
    if (!t || t.length > 200) throw invalid('title must be 1 to 200 characters');
    out.title = t;
  }
  if (input.text !== undefined) {
    const t = input.text.trim();
    if (!t || t.length > MAX_CANNED_TEXT) throw invalid(`text must be 1 to ${MAX_CANNED_TEXT} characters`);
    checkTemplate(t);
    out.text = t;
  }
  if (input.language !== undefined) out.language = input.language;
  return out;
}

/** Every staff member reads them (to answer with `/shortcut`); `prefix` filters by shortcut. */
export async function listCannedResponses(
  deps: Pick<TicketDeps, 'stores'>,
  _actor: Actor,
  q: { prefix?: string; limit: number },
): Promise<CannedResponseView[]> {
  const prefix = q.prefix?.trim().replace(/^\//, '').toLowerCase();
  return deps.stores.cannedResponses.list({ ...(prefix ? { prefix } : {}), limit: q.limit });
}

export async function getCannedResponse(
  deps: Pick<TicketDeps, 'stores'>,
  _actor: Actor,
  id: string,
): Promise<CannedResponseView> {
  const found = await deps.stores.cannedResponses.get(id);
  if (!found) throw notFound('canned response');
  return found;
}

/** Supervisors and admins write them. */
export async function createCannedResponse(
  deps: TicketDeps,
  actor: Actor,
  input: CannedResponseInput,
): Promise<CannedResponseView> {
  mustLead(actor, 'writing canned responses');
  const c = clean(input) as CannedResponseInput;
  const created = await deps.stores.cannedResponses.create({ ...c, createdBy: actor.id });
  if (!created) throw conflict(`the shortcut /${c.shortcut} is taken`);
  await deps.audit.record({
    actor,
    action: 'canned.create',
    target: { kind: 'canned_response', id: created.id },
  });
  return created;
}

export async function updateCannedResponse(
  deps: TicketDeps,
  actor: Actor,
  id: string,
  patch: Partial<CannedResponseInput>,
): Promise<CannedResponseView> {
  mustLead(actor, 'writing canned responses');
  const c = clean(patch);
  if (Object.keys(c).length === 0) throw invalid('nothing to change');
  const updated = await deps.stores.cannedResponses.update(id, c);
  if (updated === 'duplicate') throw conflict(`the shortcut /${c.shortcut} is taken`);
  if (!updated) throw notFound('canned response');
  await deps.audit.record({ actor, action: 'canned.update', target: { kind: 'canned_response', id } });
  return updated;
}

export async function deleteCannedResponse(deps: TicketDeps, actor: Actor, id: string): Promise<void> {
  mustLead(actor, 'writing canned responses');
  if (!(await deps.stores.cannedResponses.remove(id))) throw notFound('canned response');
  await deps.audit.record({ actor, action: 'canned.delete', target: { kind: 'canned_response', id } });
}

/** The canned response filled in for a ticket the actor sees, ready to edit and send as a reply. */
export async function renderCannedResponse(
  deps: TicketDeps,
  actor: Actor,
  id: string,
  ticketId: string,
): Promise<{ text: string }> {
  const canned = await getCannedResponse(deps, actor, id);
  const ticket = await loadVisible(deps.stores.tickets, actor, ticketId);
  const [customer, agent] = await Promise.all([
    deps.stores.customerContext.basics(ticket.customerId),
    deps.stores.staff.getMember(actor.id),
  ]);
  return {
    text: renderTemplate(canned.text, {
      ...(customer?.name
        ? { 'customer.name': customer.name, 'customer.firstName': firstNameOf(customer.name) }
        : {}),
      ...(customer?.email ? { 'customer.email': customer.email } : {}),
      ...(agent ? { 'agent.name': agent.name, 'agent.firstName': firstNameOf(agent.name) } : {}),
      'ticket.number': String(ticket.number),
      ...(ticket.subject ? { 'ticket.subject': ticket.subject } : {}),
    }),
  };
}
