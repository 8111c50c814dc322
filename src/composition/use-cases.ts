import type { Config } from '../config/load-config.js';
import { PermanentFailure } from '../core/errors.js';
import type { EventBus } from '../core/events/domain-events.js';
import {
  createFaqArticle,
  deleteFaqArticle,
  listFaqArticles,
  updateFaqArticle,
} from '../core/faq/faq-articles.js';
import type { IngestPipeline } from '../core/ingest/ingest-pipeline.js';
import { listParkedMessages, retryParkedMessage } from '../core/ingest/parked-messages.js';
import {
  correctIntent,
  listCorrections,
  listModels,
  requestRetraining,
} from '../core/learning/intent-learning.js';
import { deliverMessage } from '../core/outbound/deliver-message.js';
import { requeueStaleDeliveries } from '../core/outbound/requeue-stale-deliveries.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { ChannelRegistry } from '../core/ports/channel-adapter.js';
import type { ClassifierHolder } from '../core/ports/classifier-holder.js';
import type { FaqRetriever } from '../core/ports/faq-retriever.js';
import type { RetrainingRequests } from '../core/ports/jobs.js';
import type { Locks } from '../core/ports/locks.js';
import type { ModelRegistry, ModelVersionLog } from '../core/ports/model-registry.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { Stores } from '../core/ports/store.js';
import { escalateBreaches } from '../core/tickets/escalate-breaches.js';
import { replyToTicket } from '../core/tickets/reply-to-ticket.js';
import type { Actor } from '../core/views/staff.js';
import type { Logger } from '../infra/logger.js';
import { type EncoderEnsemble, PermanentRetrainError, runRetraining } from '../nlp/index.js';
import { bindCrmUseCases, type CrmUseCaseDeps } from './crm-use-cases.js';

export interface UseCaseDeps {
  config: Config;
  log: Logger;
  stores: Stores;
  events: EventBus;
  audit: AuditLog;
  outbox: Outbox;
  locks: Locks;
  channels: ChannelRegistry;
  pipeline: IngestPipeline;
  faq: FaqRetriever;
  classifier: ClassifierHolder;
  ensemble: EncoderEnsemble | null;
  modelRegistry: ModelRegistry;
  versionLog: ModelVersionLog;
  retraining: RetrainingRequests;
  /** The CRM's stores and the outgoing webhooks' queue and sender. */
  crm: CrmUseCaseDeps;
}

/** Messages acknowledged but unprocessed this long are resumed by the recovery job (a live process takes milliseconds). */
const UNPROCESSED_AFTER_MS = 15_000;
/** Outbound messages still queued this long get their delivery job queued again. */
const STALE_DELIVERY_AFTER_MS = 30_000;

/**
 * The use cases with their dependencies bound: what edges (routes, socket handlers, job
 * processors) call. Each is a function of core; this only wires them.
 */
export function bindCoreUseCases(d: UseCaseDeps) {
  const faqDeps = { stores: d.stores, events: d.events, audit: d.audit, retriever: d.faq };
  const learningDeps = {
    stores: d.stores,
    audit: d.audit,
    retraining: d.retraining,
    versions: d.versionLog,
    activeVersion: () => d.classifier.current().version,
    promotedVersion: () => d.modelRegistry.activeVersion(),
  };
  const deliverDeps = {
    stores: d.stores,
    channels: d.channels,
    events: d.events,
    locks: d.locks,
    log: d.log.child({ component: 'delivery' }),
    maxAttempts: d.config.delivery.maxAttempts,
  };
  return {
    replyToTicket: (cmd: Parameters<typeof replyToTicket>[1]) => replyToTicket(d, cmd),
    faq: {
      list: (filter: Parameters<typeof listFaqArticles>[1]) => listFaqArticles(faqDeps, filter),
      create: (...a: Tail<Parameters<typeof createFaqArticle>>) => createFaqArticle(faqDeps, ...a),
      update: (...a: Tail<Parameters<typeof updateFaqArticle>>) => updateFaqArticle(faqDeps, ...a),
      remove: (...a: Tail<Parameters<typeof deleteFaqArticle>>) => deleteFaqArticle(faqDeps, ...a),
    },
    learning: {
      correctIntent: (...a: Tail<Parameters<typeof correctIntent>>) => correctIntent(learningDeps, ...a),
      listCorrections: (...a: Tail<Parameters<typeof listCorrections>>) =>
        listCorrections(learningDeps, ...a),
      requestRetraining: (...a: Tail<Parameters<typeof requestRetraining>>) =>
        requestRetraining(learningDeps, ...a),
      listModels: (...a: Tail<Parameters<typeof listModels>>) => listModels(learningDeps, ...a),
      /** The retraining job. Bad data does not improve with retries: a PermanentFailure. */
      async retrain() {
        try {
          return await runRetraining({
            registry: d.modelRegistry,
            holder: d.classifier,
            events: d.events,
            log: d.log.child({ component: 'retraining' }),
            ensemble: d.ensemble,
          });
        } catch (err) {
          if (err instanceof PermanentRetrainError) throw new PermanentFailure(err.message);
          throw err;
        }
      },
    },
    ...bindCrmUseCases(d, d.crm),
    parked: {
      list: (actor: Actor, limit: number) => listParkedMessages(d, actor, limit),
      retry: (actor: Actor, id: string) =>
        retryParkedMessage({ ...d, process: (m) => d.pipeline.process(m) }, actor, id),
    },
    deliverMessage: (messageId: string) => deliverMessage(deliverDeps, messageId),
    escalateBreaches: (now: Date) => escalateBreaches(d, now),
    async recoverMessages() {
      const resumed = await d.pipeline.recoverUnprocessed(new Date(Date.now() - UNPROCESSED_AFTER_MS));
      const requeued = await requeueStaleDeliveries(d, new Date(Date.now() - STALE_DELIVERY_AFTER_MS));
      return { resumed, requeued };
    },
  };
}

export type CoreUseCases = ReturnType<typeof bindCoreUseCases>;

type Tail<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;
