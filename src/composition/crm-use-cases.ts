import type { Config } from '../config/load-config.js';
import type { Caller } from '../core/crm/access.js';
import { customerAnalytics, ticketAnalytics } from '../core/crm/analytics.js';
import { churnMeter, getCustomerValue } from '../core/crm/customer-value.js';
import {
  addIdentity,
  createCustomer,
  getCustomer,
  listCustomers,
  setMarketingConsent,
  updateCustomer,
} from '../core/crm/customers.js';
import type { CrmDeps } from '../core/crm/deps.js';
import { identifyVisitor, visitorStanding } from '../core/crm/identify-visitor.js';
import { listInteractions, logInteraction } from '../core/crm/interactions.js';
import { listMerges, mergeCustomers } from '../core/crm/merge-customers.js';
import { getNeed, listNeeds, moveNeed, openNeed, openNeedFromTicket, updateNeed } from '../core/crm/needs.js';
import { openCase } from '../core/crm/open-case.js';
import { getOrder, listOrders, recordShopOrder } from '../core/crm/orders.js';
import { eraseCustomer, exportCustomer } from '../core/crm/privacy.js';
import { customerTimeline } from '../core/crm/timeline.js';
import type { EventBus } from '../core/events/domain-events.js';
import type { InboundMessage } from '../core/ingest/inbound-message.js';
import type { IngestPipeline } from '../core/ingest/ingest-pipeline.js';
import {
  authenticateApiKey,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../core/integrations/api-tokens.js';
import { postIntegrationMessage } from '../core/integrations/post-message.js';
import { forwardTicketEvents } from '../core/integrations/ticket-webhooks.js';
import {
  createWebhook,
  deliverWebhook,
  listDeliveries,
  listWebhooks,
  removeWebhook,
  updateWebhook,
  type WebhookSender,
  webhookEmitter,
} from '../core/integrations/webhooks.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { CrmStores, WebhookJobs } from '../core/ports/crm.js';
import type { Stores } from '../core/ports/store.js';
import type { TicketKind } from '../core/views/ticket.js';
import type { Logger } from '../infra/logger.js';

export interface CrmUseCaseDeps {
  stores: CrmStores;
  webhookJobs: WebhookJobs;
  webhookSender: WebhookSender;
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;

/**
 * Binds the CRM's and the integrations' use cases (core/crm, core/integrations) to their
 * dependencies, and forwards ticket events to outgoing webhooks (queue only, with deterministic
 * ids: every process hears every event).
 */
export function bindCrmUseCases(
  d: {
    config: Config;
    log: Logger;
    stores: Stores;
    events: EventBus;
    audit: AuditLog;
    pipeline: IngestPipeline;
  },
  crm: CrmUseCaseDeps,
) {
  const log = d.log.child({ component: 'crm' });
  const emitter = webhookEmitter({ webhooks: crm.stores.webhooks, jobs: crm.webhookJobs, log });
  const deps: CrmDeps = {
    crm: crm.stores,
    stores: d.stores,
    audit: d.audit,
    events: d.events,
    emitWebhook: emitter.emit,
    log,
  };
  forwardTicketEvents(d.events, emitter.emit, log);
  const valueDeps = { ...deps, churn: churnMeter(deps, d.config.clv), valueSettings: d.config.clv };
  const tokenDeps = {
    tokens: crm.stores.tokens,
    audit: d.audit,
    legacyKey: d.config.auth.integrationApiKey,
    recentlyUsed: new Map<string, number>(),
  };
  const webhookDeps = {
    webhooks: crm.stores.webhooks,
    jobs: crm.webhookJobs,
    audit: d.audit,
    sender: crm.webhookSender,
    log: d.log.child({ component: 'webhooks' }),
  };
  const bind =
    <F extends (deps: CrmDeps, ...rest: never[]) => unknown>(f: F) =>
    (...rest: Tail<Parameters<F>>) =>
      (f as unknown as (deps: CrmDeps, ...r: Tail<Parameters<F>>) => ReturnType<F>)(deps, ...rest);
  const changedHooks =
    <F extends (...a: never[]) => Promise<unknown>>(f: F) =>
    async (...a: Parameters<F>): Promise<Awaited<ReturnType<F>>> => {
      const result = (await f(...a)) as Awaited<ReturnType<F>>;
      emitter.invalidate();
      return result;
    };

  return {
    crm: {
      customers: {
        get: bind(getCustomer),
        create: bind(createCustomer),
        update: bind(updateCustomer),
        list: bind(listCustomers),
        addIdentity: bind(addIdentity),
        setConsent: bind(setMarketingConsent),
        merge: bind(mergeCustomers),
        merges: bind(listMerges),
        timeline: bind(customerTimeline),
        value: (caller: Caller, id: string) => getCustomerValue(valueDeps, caller, id),
        logInteraction: bind(logInteraction),
        interactions: bind(listInteractions),
        export: bind(exportCustomer),
        erase: bind(eraseCustomer),
      },
      needs: {
        open: bind(openNeed),
        openFromTicket: bind(openNeedFromTicket),
        get: bind(getNeed),
        list: bind(listNeeds),
        update: bind(updateNeed),
        move: bind(moveNeed),
      },
      orders: {
        record: bind(recordShopOrder),
        get: bind(getOrder),
        list: bind(listOrders),
      },
      analytics: {
        customers: bind(customerAnalytics),
        tickets: bind(ticketAnalytics),
      },
      /** A consultation or complaint from an integration, through the one pipeline. */
      openCase: (caller: Caller, inbound: InboundMessage, kind: TicketKind) =>
        openCase({ pipeline: d.pipeline }, caller, inbound, kind),
      identifyVisitor: bind(identifyVisitor),
      visitorStanding: bind(visitorStanding),
    },
    integrations: {
      authenticate: (key: string | undefined) => authenticateApiKey(tokenDeps, key),
      postMessage: (caller: Caller, inbound: InboundMessage) =>
        postIntegrationMessage({ pipeline: d.pipeline }, caller, inbound),
      tokens: {
        create: (...a: Tail<Parameters<typeof createApiToken>>) => createApiToken(tokenDeps, ...a),
        list: (...a: Tail<Parameters<typeof listApiTokens>>) => listApiTokens(tokenDeps, ...a),
        revoke: (...a: Tail<Parameters<typeof revokeApiToken>>) => revokeApiToken(tokenDeps, ...a),
      },
      webhooks: {
        create: changedHooks((...a: Tail<Parameters<typeof createWebhook>>) =>
          createWebhook(webhookDeps, ...a),
        ),
        list: (...a: Tail<Parameters<typeof listWebhooks>>) => listWebhooks(webhookDeps, ...a),
        update: changedHooks((...a: Tail<Parameters<typeof updateWebhook>>) =>
          updateWebhook(webhookDeps, ...a),
        ),
        remove: changedHooks((...a: Tail<Parameters<typeof removeWebhook>>) =>
          removeWebhook(webhookDeps, ...a),
        ),
        deliveries: (...a: Tail<Parameters<typeof listDeliveries>>) => listDeliveries(webhookDeps, ...a),
        /** The webhooks job. */
        deliver: (...a: Tail<Parameters<typeof deliverWebhook>>) => deliverWebhook(webhookDeps, ...a),
      },
    },
  };
}

export type CrmUseCases = ReturnType<typeof bindCrmUseCases>;
