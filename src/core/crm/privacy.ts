import { MovedError, notFound } from '../errors.js';
import type { CustomerDossier } from '../ports/crm.js';
import { ADMINS, auditActor, authorize, type Caller } from './access.js';
import { customerChanged } from './customers.js';
import { type CrmDeps, nowOf } from './deps.js';

/**
 * Conversations close before messages are wiped: a process that still remembers the erased
 * customer for a channel identity finds no open conversation under them after that, so it
 * looks the identity up again (core/ingest), and no message is stored after the wipe.
 */
const ERASE_STEPS = [
  'identities',
  'conversations',
  'messages',
  'tickets',
  'orders',
  'needs',
  'interactions',
  'webhooks',
  'profile',
] as const;

export interface CustomerExport extends CustomerDossier {
  exportedAt: string;
  format: 'parley.customer-export.v1';
}

/** Everything kept about a customer as one JSON document (admins only; audited). */
export async function exportCustomer(deps: CrmDeps, caller: Caller, id: string): Promise<CustomerExport> {
  authorize(caller, { roles: ADMINS }, 'exporting a customer');
  const customer = await deps.crm.customers.get(id);
  if (!customer) throw notFound('customer');
  if (customer.mergedInto) throw new MovedError(id, customer.mergedInto, `customer ${id}`);
  const dossier = await deps.crm.privacy.dossier(id);
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.export',
    target: { kind: 'customer', id },
  });
  return { format: 'parley.customer-export.v1', exportedAt: nowOf(deps).toISOString(), ...dossier };
}

/**
 * Erases a customer's personal data (admins only; audited): name, contact details, identities,
 * attributes and every message text go; tickets, orders and figures stay, anonymised. Marked
 * first, then cleaned collection by collection; each step is idempotent, so a second call
 * finishes an erasure cut short.
 */
export async function eraseCustomer(
  deps: CrmDeps,
  caller: Caller,
  id: string,
): Promise<{ customerId: string; erased: Record<string, number> }> {
  authorize(caller, { roles: ADMINS }, 'erasing a customer');
  const customer = await deps.crm.customers.get(id);
  if (!customer) throw notFound('customer');
  if (customer.mergedInto) throw new MovedError(id, customer.mergedInto, `customer ${id}`);
  const firstTime = await deps.crm.privacy.markErased(id, nowOf(deps));
  const erased: Record<string, number> = {};
  for (const step of ERASE_STEPS) erased[step] = await deps.crm.privacy.eraseStep(step, id);
  await deps.audit.record({
    actor: auditActor(caller),
    action: 'customer.erase',
    target: { kind: 'customer', id },
    details: { erased, resumed: !firstTime },
  });
  const after = await deps.crm.customers.get(id);
  if (after && firstTime) await customerChanged(deps, after, 'erased');
  return { customerId: id, erased };
}
