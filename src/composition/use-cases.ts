import type { Config } from '../config/load-config.js';
import { mirrorMessage, refreshTicketCard } from '../core/agent-desk/mirror-to-desk.js';
import { replyFromDesk, staffForSlackUser } from '../core/agent-desk/reply-from-desk.js';
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
import * as campaigns from '../core/outreach/campaigns.js';
import { DEFAULT_OUTREACH, type OutreachDeps } from '../core/outreach/outreach-deps.js';
import { sendCampaign } from '../core/outreach/send-campaign.js';
import { readUnsubscribeLink, unsubscribe } from '../core/outreach/unsubscribe.js';
import type { AgentDesk, DeskMirror } from '../core/ports/agent-desk.js';
import type { AuditLog } from '../core/ports/audit-log.js';
import type { ChannelRegistry } from '../core/ports/channel-adapter.js';
import type { ClassifierHolder } from '../core/ports/classifier-holder.js';
import type { FaqRetriever } from '../core/ports/faq-retriever.js';
import type { RetrainingRequests } from '../core/ports/jobs.js';
import type { Locks } from '../core/ports/locks.js';
import type { ModelRegistry, ModelVersionLog } from '../core/ports/model-registry.js';
import type { Outbox } from '../core/ports/outbox.js';
import type {
  Mailer,
  OutreachJobs,
  SendRate,
  TemplateEngine,
  UnsubscribeLinks,
} from '../core/ports/outreach.js';
import type { SegmentationRequests } from '../core/ports/segmentation.js';
import type { Stores } from '../core/ports/store.js';
import { DEFAULT_SEGMENTATION, runSegmentation } from '../core/segmentation/run-segmentation.js';
import * as segments from '../core/segmentation/segments.js';
import { linkSlackUser } from '../core/staff/link-slack-user.js';
import { escalateBreaches } from '../core/tickets/escalate-breaches.js';
import { liveQueue, liveStats } from '../core/tickets/live-queue.js';
import { replyToTicket } from '../core/tickets/reply-to-ticket.js';
import {
  addTicketNote,
  claimTicket,
  resolveTicket,
  setTicketPriority,
} from '../core/tickets/ticket-lifecycle.js';
import type { Actor } from '../core/views/staff.js';
import type { Logger } from '../infra/logger.js';
import { type EncoderEnsemble, PermanentRetrainError, runRetraining } from '../nlp/index.js';

export interface UseCaseDeps {
  config: Config;
  log: Logger;
  stores: Stores;
  events: EventBus;
  audit: AuditLog;
  outbox: Outbox;
  locks: Locks;
  channels: ChannelRegistry;
  /** Queues posts to the agents' Slack channel (a no-op when there is none). */
  desk: DeskMirror;
  /** The agents' Slack channel itself, for the mirror jobs; null when off. */
  agentDesk: AgentDesk | null;
  pipeline: IngestPipeline;
  faq: FaqRetriever;
  classifier: ClassifierHolder;
  ensemble: EncoderEnsemble | null;
  modelRegistry: ModelRegistry;
  versionLog: ModelVersionLog;
  retraining: RetrainingRequests;
  segmentationRequests: SegmentationRequests;
  outreachJobs: OutreachJobs;
  mailer: Mailer;
  templates: TemplateEngine;
  unsubscribeLinks: UnsubscribeLinks;
  sendRate: SendRate;
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
  const segmentationDeps = {
    segmentation: d.stores.segmentation,
    locks: d.locks,
    events: d.events,
    log: d.log.child({ component: 'segmentation' }),
    settings: { ...DEFAULT_SEGMENTATION, sampleSize: d.config.segmentation.sampleSize },
  };
  const segmentsDeps = {
    segmentation: d.stores.segmentation,
    requests: d.segmentationRequests,
    audit: d.audit,
  };
  const outreach: OutreachDeps = {
    campaigns: d.stores.campaigns,
    deliveries: d.stores.campaignDeliveries,
    audience: d.stores.audience,
    suppressions: d.stores.suppressions,
    segmentation: d.stores.segmentation,
    mailer: d.mailer,
    templates: d.templates,
    links: d.unsubscribeLinks,
    rate: d.sendRate,
    jobs: d.outreachJobs,
    locks: d.locks,
    events: d.events,
    audit: d.audit,
    log: d.log.child({ component: 'outreach' }),
    settings: {
      ...DEFAULT_OUTREACH,
      // Claimed at once: one per pooled connection. A crash leaves at most three chunks unrecorded
      // (one claimed ahead, one sending, one being written): the most that can become unknown.
      chunkSize: Math.max(10, d.config.outreach.smtpConnections),
      maxAttempts: d.config.outreach.maxAttempts,
      retryBaseMs: d.config.outreach.retryDelayMs,
    },
  };
  const lifecycleDeps = { stores: d.stores, events: d.events, audit: d.audit, desk: d.desk };
  const deskDeps = () => {
    if (!d.agentDesk) throw new PermanentFailure("there is no agents' Slack channel (SLACK_AGENTS_CHANNEL)");
    return {
      stores: d.stores,
      desk: d.agentDesk,
      locks: d.locks,
      interactive: !d.config.slack.alertsOnly,
      log: d.log.child({ component: 'slack-desk' }),
    };
  };
  const deskReplyDeps = {
    ...d,
    notePrefix: d.config.slack.notePrefix,
    alertsOnly: d.config.slack.alertsOnly,
  };
  return {
    segmentation: {
      /** The segmentation job. */
      run: (cmd: Parameters<typeof runSegmentation>[1], onProgress?: (percent: number) => Promise<void>) =>
        runSegmentation(segmentationDeps, cmd, onProgress),
      listCurrent: (...a: Tail<Parameters<typeof segments.listCurrentSegments>>) =>
        segments.listCurrentSegments(segmentsDeps, ...a),
      customerSegment: (...a: Tail<Parameters<typeof segments.customerSegment>>) =>
        segments.customerSegment(segmentsDeps, ...a),
      rename: (...a: Tail<Parameters<typeof segments.renameSegment>>) =>
        segments.renameSegment(segmentsDeps, ...a),
      requestRun: (...a: Tail<Parameters<typeof segments.requestSegmentationRun>>) =>
        segments.requestSegmentationRun(segmentsDeps, ...a),
      listRuns: (...a: Tail<Parameters<typeof segments.listSegmentationRuns>>) =>
        segments.listSegmentationRuns(segmentsDeps, ...a),
      getRun: (...a: Tail<Parameters<typeof segments.getSegmentationRun>>) =>
        segments.getSegmentationRun(segmentsDeps, ...a),
      projection: (...a: Tail<Parameters<typeof segments.segmentationProjection>>) =>
        segments.segmentationProjection(segmentsDeps, ...a),
    },
    outreach: {
      create: (...a: Tail<Parameters<typeof campaigns.createCampaign>>) =>
        campaigns.createCampaign(outreach, ...a),
      update: (...a: Tail<Parameters<typeof campaigns.updateCampaign>>) =>
        campaigns.updateCampaign(outreach, ...a),
      get: (...a: Tail<Parameters<typeof campaigns.getCampaign>>) => campaigns.getCampaign(outreach, ...a),
      list: (...a: Tail<Parameters<typeof campaigns.listCampaigns>>) =>
        campaigns.listCampaigns(outreach, ...a),
      deliveries: (...a: Tail<Parameters<typeof campaigns.listCampaignDeliveries>>) =>
        campaigns.listCampaignDeliveries(outreach, ...a),
      preview: (...a: Tail<Parameters<typeof campaigns.previewCampaign>>) =>
        campaigns.previewCampaign(outreach, ...a),
      testSend: (...a: Tail<Parameters<typeof campaigns.requestTestSend>>) =>
        campaigns.requestTestSend(outreach, ...a),
      schedule: (...a: Tail<Parameters<typeof campaigns.scheduleCampaign>>) =>
        campaigns.scheduleCampaign(outreach, ...a),
      pause: (...a: Tail<Parameters<typeof campaigns.pauseCampaign>>) =>
        campaigns.pauseCampaign(outreach, ...a),
      resume: (...a: Tail<Parameters<typeof campaigns.resumeCampaign>>) =>
        campaigns.resumeCampaign(outreach, ...a),
      cancel: (...a: Tail<Parameters<typeof campaigns.cancelCampaign>>) =>
        campaigns.cancelCampaign(outreach, ...a),
      suppressions: (...a: Tail<Parameters<typeof campaigns.listSuppressions>>) =>
        campaigns.listSuppressions(outreach, ...a),
      suppress: (...a: Tail<Parameters<typeof campaigns.addSuppression>>) =>
        campaigns.addSuppression(outreach, ...a),
      /** Public, no sign-in: the signed link decides. */
      readUnsubscribeLink: (token: string) => readUnsubscribeLink(outreach, token),
      unsubscribe: (token: string, via: 'link' | 'one-click') => unsubscribe(outreach, token, via),
      /** Jobs. */
      send: (campaignId: string, onProgress?: (percent: number) => Promise<void>) =>
        sendCampaign(outreach, campaignId, onProgress),
      sendTest: (input: { campaignId: string; to: string }) => campaigns.sendTestEmail(outreach, input),
      dispatchDue: () => campaigns.dispatchDueCampaigns(outreach),
    },
    replyToTicket: (cmd: Parameters<typeof replyToTicket>[1]) => replyToTicket(d, cmd),
    /** The ticket lifecycle the Slack buttons need (and any edge may call). */
    tickets: {
      claim: (...a: Tail<Parameters<typeof claimTicket>>) => claimTicket(lifecycleDeps, ...a),
      setPriority: (...a: Tail<Parameters<typeof setTicketPriority>>) =>
        setTicketPriority(lifecycleDeps, ...a),
      resolve: (...a: Tail<Parameters<typeof resolveTicket>>) => resolveTicket(lifecycleDeps, ...a),
      addNote: (...a: Tail<Parameters<typeof addTicketNote>>) => addTicketNote(lifecycleDeps, ...a),
      liveQueue: (...a: Tail<Parameters<typeof liveQueue>>) => liveQueue(d, ...a),
      liveStats: (...a: Tail<Parameters<typeof liveStats>>) => liveStats(d, ...a),
    },
    /** The agents' Slack desk: the mirror jobs, and what agents do in its threads. */
    desk: {
      mirrorMessage: (input: Parameters<typeof mirrorMessage>[1]) => mirrorMessage(deskDeps(), input),
      refreshTicketCard: (ticketId: string) => refreshTicketCard(deskDeps(), ticketId),
      replyFromDesk: (input: Parameters<typeof replyFromDesk>[1]) => replyFromDesk(deskReplyDeps, input),
      staffForSlackUser: (slackUserId: string, emailOf: () => Promise<string | null>) =>
        staffForSlackUser(d, slackUserId, emailOf),
    },
    linkSlackUser: (...a: Tail<Parameters<typeof linkSlackUser>>) =>
      linkSlackUser({ staff: d.stores.staff, audit: d.audit }, ...a),
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
