import type { EventBus } from '../events/domain-events.js';
import type { EmitWebhook } from '../integrations/webhooks.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { CrmStores } from '../ports/crm.js';
import type { DomainLogger } from '../ports/logger.js';
import type { Stores } from '../ports/store.js';

/** What the CRM's use cases are given (bound once in src/composition/use-cases.ts). */
export interface CrmDeps {
  crm: CrmStores;
  /** The pipeline's stores: identities resolved race-safely, tickets, messages. */
  stores: Stores;
  audit: AuditLog;
  /** Live updates only (at-most-once). */
  events: EventBus;
  /** Outgoing webhooks (queued, retried, logged). */
  emitWebhook: EmitWebhook;
  log: DomainLogger;
  now?: () => Date;
}

export const nowOf = (deps: { now?: () => Date }): Date => deps.now?.() ?? new Date();
