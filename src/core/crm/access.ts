import { forbidden } from '../errors.js';
import type { AuditEntry } from '../ports/audit-log.js';
import type { Scope } from '../views/integration.js';
import type { Actor, Role } from '../views/staff.js';

/**
 * Who is calling a CRM use case: a signed-in member of staff (with a role), or an integration
 * holding an API token (with scopes). Use cases check both themselves; the edges only say who.
 */
export type Caller =
  | { kind: 'staff'; id: string; role: Role }
  | { kind: 'integration'; id: string; scopes: readonly Scope[] };

export const staffCaller = (actor: Actor): Caller => ({ kind: 'staff', id: actor.id, role: actor.role });

export const ALL_STAFF: readonly Role[] = ['agent', 'supervisor', 'admin'];
export const LEADS: readonly Role[] = ['supervisor', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];

/**
 * Staff pass with one of `roles`; integrations pass with `scope` (none: staff only).
 * The message names what is missing, so a caller knows what to ask for.
 */
export function authorize(
  caller: Caller,
  rule: { roles: readonly Role[]; scope?: Scope },
  what: string,
): void {
  if (caller.kind === 'staff') {
    if (!rule.roles.includes(caller.role))
      throw forbidden(`${what} needs the role ${rule.roles.join(' or ')}`);
    return;
  }
  if (!rule.scope) throw forbidden(`${what} is for staff only, not API tokens`);
  if (!caller.scopes.includes(rule.scope))
    throw forbidden(`${what} needs an API token with the scope ${rule.scope}`);
}

/** How a caller is named in histories (`by`) and logs. */
export const callerId = (caller: Caller): string =>
  caller.kind === 'staff' ? caller.id : `integration:${caller.id}`;

export function auditActor(caller: Caller): AuditEntry['actor'] {
  return caller.kind === 'staff' ? { id: caller.id, role: caller.role } : { id: 'integration' };
}

/** Audit details that say which token acted, for integrations. */
export const auditDetails = (
  caller: Caller,
  details: Record<string, unknown> = {},
): Record<string, unknown> => (caller.kind === 'integration' ? { ...details, tokenId: caller.id } : details);
