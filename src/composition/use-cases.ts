import { randomBytes } from 'node:crypto';
import type { Config } from '../config/load-config.js';
import { mirrorMessage, refreshTicketCard } from '../core/agent-desk/mirror-to-desk.js';
import { replyFromDesk, staffForSlackUser } from '../core/agent-desk/reply-from-desk.js';
import {
  createCannedResponse,
  deleteCannedResponse,
  getCannedResponse,
  listCannedResponses,
  renderCannedResponse,
  updateCannedResponse,
} from '../core/canned/canned-responses.js';
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
import type { Presence } from '../core/ports/presence.js';
import type { SegmentationRequests } from '../core/ports/segmentation.js';
import type { NewTicket, Stores } from '../core/ports/store.js';
import { getLiveQueue, readLiveQueue } from '../core/queue/live-queue.js';
import { ticketReport } from '../core/reports/ticket-report.js';
import { DEFAULT_SEGMENTATION, runSegmentation } from '../core/segmentation/run-segmentation.js';
import * as segments from '../core/segmentation/segments.js';
import { linkSlackUser } from '../core/staff/link-slack-user.js';
import { sweepPresence } from '../core/staff/presence.js';
import {
  assignTicket,
  assignWaiting,
  claimTicket,
  reconcileLoad,
  returnTicketsOfAbsentAgents,
} from '../core/tickets/assignment.js';
import { closeExpiredResolved, closeTicket } from '../core/tickets/close-ticket.js';
import { findCsatTicket, submitCsat } from '../core/tickets/csat.js';
import { escalateBreaches } from '../core/tickets/escalate-breaches.js';
import { handOffAllToLive, handOffToTicket } from '../core/tickets/hand-off.js';
import { liveQueue, liveStats } from '../core/tickets/live-queue.js';
import { mergeTickets } from '../core/tickets/merge-tickets.js';
import type { KnownLiveTicket } from '../core/tickets/open-or-update-ticket.js';
import { getTicket, listTicketMessages, listTickets, ticketContext } from '../core/tickets/read-tickets.js';
import { reopenTicket } from '../core/tickets/reopen-ticket.js';
import { replyToTicket } from '../core/tickets/reply-to-ticket.js';
import { resolveTicket } from '../core/tickets/resolve-ticket.js';
import type { TicketDeps } from '../core/tickets/ticket-deps.js';
import { addNote } from '../core/tickets/ticket-notes.js';
import { agentTyping, customerTyping } from '../core/tickets/typing.js';
import { updateTicket } from '../core/tickets/update-ticket.js';
import type { Actor } from '../core/views/staff.js';
import type { TicketPriority, TicketView } from '../core/views/ticket.js';
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
  /** The CRM's stores and the outgoing webhooks' queue and sender. */
  crm: CrmUseCaseDeps;
  segmentationRequests: SegmentationRequests;
  outreachJobs: OutreachJobs;
  mailer: Mailer;
  templates: TemplateEngine;
  unsubscribeLinks: UnsubscribeLinks;
  sendRate: SendRate;
  presence: Presence;
  /** Every time rule reads the clock through this (tests move it instead of sleeping). */
  now: () => Date;
}

/** The ticket use cases' dependencies, from the core's parts and configuration. */
export function ticketDepsOf(d: UseCaseDeps): TicketDeps {
  return {
    stores: d.stores,
    events: d.events,
    audit: d.audit,
    outbox: d.outbox,
    sla: d.config.sla,
    settings: {
      reopenWindowHours: d.config.tickets.reopenWindowHours,
      awayGraceMinutes: d.config.tickets.awayGraceMinutes,
      atRiskMinutes: d.config.tickets.atRiskMinutes,
      publicUrl: d.config.publicUrl,
    },
    log: d.log.child({ component: 'tickets' }),
    newToken: () => randomBytes(24).toString('base64url'),
    desk: d.desk,
    now: d.now,
  };
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
  const t = ticketDepsOf(d);
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
      // (two sending, one being written): the most that can become unknown.
      chunkSize: Math.max(10, d.config.outreach.smtpConnections),
      maxAttempts: d.config.outreach.maxAttempts,
      retryBaseMs: d.config.outreach.retryDelayMs,
    },
  };
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
    ...t,
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
    replyToTicket: (cmd: Parameters<typeof replyToTicket>[1]) => replyToTicket(t, cmd),
    /** The ticket lifecycle, assignment and reads; each checks the actor's role itself. */
    tickets: {
      handOff: (input: NewTicket, known?: KnownLiveTicket) => handOffToTicket(t, input, known),
      handOffAllToLive: (inputs: NewTicket[], live: TicketView, opts?: { remembered?: boolean }) =>
        handOffAllToLive(t, inputs, live, opts),
      list: (...a: Tail<Parameters<typeof listTickets>>) => listTickets(t, ...a),
      get: (...a: Tail<Parameters<typeof getTicket>>) => getTicket(t, ...a),
      messages: (...a: Tail<Parameters<typeof listTicketMessages>>) => listTicketMessages(t, ...a),
      context: (...a: Tail<Parameters<typeof ticketContext>>) => ticketContext(t, ...a),
      claim: (...a: Tail<Parameters<typeof claimTicket>>) => claimTicket(t, ...a),
      assign: (...a: Tail<Parameters<typeof assignTicket>>) => assignTicket(t, ...a),
      resolve: (...a: Tail<Parameters<typeof resolveTicket>>) => resolveTicket(t, ...a),
      reopen: (...a: Tail<Parameters<typeof reopenTicket>>) => reopenTicket(t, ...a),
      close: (...a: Tail<Parameters<typeof closeTicket>>) => closeTicket(t, ...a),
      merge: (...a: Tail<Parameters<typeof mergeTickets>>) => mergeTickets(t, ...a),
      addNote: (...a: Tail<Parameters<typeof addNote>>) => addNote(t, ...a),
      update: (...a: Tail<Parameters<typeof updateTicket>>) => updateTicket(t, ...a),
      /** The Slack card's priority menu (the same rule as PATCH /tickets/:id). */
      setPriority: (actor: Actor, ticketId: string, priority: TicketPriority) =>
        updateTicket(t, actor, ticketId, { priority }),
      /** `/parley queue` and `/parley stats` in Slack. */
      liveQueue: (...a: Tail<Parameters<typeof liveQueue>>) => liveQueue(d, ...a),
      liveStats: (...a: Tail<Parameters<typeof liveStats>>) => liveStats(d, ...a),
      reply: (cmd: Parameters<typeof replyToTicket>[1]) => replyToTicket(t, cmd),
      agentTyping: (...a: Tail<Parameters<typeof agentTyping>>) => agentTyping(t, ...a),
      customerTyping: (...a: Tail<Parameters<typeof customerTyping>>) => customerTyping(t, ...a),
      /** Jobs: close resolved tickets past the reopen window; the assignment safety net. */
      closeExpired: () => closeExpiredResolved(t),
      assignWaiting: () => assignWaiting(t),
      returnTicketsOfAbsentAgents: () => returnTicketsOfAbsentAgents(t),
      reconcileLoad: (settle?: () => Promise<void>) => reconcileLoad(t, settle),
    },
    csat: {
      find: (token: string) => findCsatTicket(t, token),
      submit: (...a: Tail<Parameters<typeof submitCsat>>) => submitCsat(t, ...a),
    },
    queue: {
      live: (...a: Tail<Parameters<typeof getLiveQueue>>) => getLiveQueue(t, ...a),
      /** For the socket push, which checked the role at the handshake. */
      read: () => readLiveQueue(t),
    },
    reports: {
      tickets: (...a: Tail<Parameters<typeof ticketReport>>) => ticketReport(t, ...a),
    },
    canned: {
      list: (...a: Tail<Parameters<typeof listCannedResponses>>) => listCannedResponses(t, ...a),
      get: (...a: Tail<Parameters<typeof getCannedResponse>>) => getCannedResponse(t, ...a),
      create: (...a: Tail<Parameters<typeof createCannedResponse>>) => createCannedResponse(t, ...a),
      update: (...a: Tail<Parameters<typeof updateCannedResponse>>) => updateCannedResponse(t, ...a),
      remove: (...a: Tail<Parameters<typeof deleteCannedResponse>>) => deleteCannedResponse(t, ...a),
      render: (...a: Tail<Parameters<typeof renderCannedResponse>>) => renderCannedResponse(t, ...a),
    },
    presence: {
      sweep: () => sweepPresence({ ...t, presence: d.presence }),
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
