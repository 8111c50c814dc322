import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeskMirror } from '../core/ports/agent-desk.js';
import type { WebhookJobs } from '../core/ports/crm.js';
import type { RetrainingRequests } from '../core/ports/jobs.js';
import type { Outbox } from '../core/ports/outbox.js';
import type { OutreachJobs } from '../core/ports/outreach.js';
import type { SegmentationRequests } from '../core/ports/segmentation.js';
import type { Logger } from './logger.js';

/**
 * Every BullMQ queue, with what its jobs carry and return: producers (here) and workers
 * (workers/) share these names and types. Jobs carry ids, never documents or secrets.
 */
export const QUEUES = {
  slaEscalation: 'sla-escalation',
  messageRecovery: 'message-recovery',
  classifierRetraining: 'classifier-retraining',
  delivery: 'delivery',
  webhooks: 'webhooks',
  ticketAutoClose: 'ticket-auto-close',
  agentPresence: 'agent-presence',
  segmentation: 'segmentation',
  outreach: 'outreach',
  slackMirror: 'slack-mirror',
} as const;

/** Outreach jobs: the periodic scan for due campaigns, sending one campaign, one test email. */
export type OutreachJobData =
  | { kind: 'tick' }
  | { kind: 'send'; campaignId: string }
  | { kind: 'test-send'; campaignId: string; to: string; requestedBy: string };

export interface QueueJobs {
  'sla-escalation': { data: Record<string, never>; result: { breached: number }; name: 'tick' };
  'message-recovery': {
    data: Record<string, never>;
    result: { resumed: number; requeued: number };
    name: 'tick';
  };
  'classifier-retraining': { data: Record<string, never>; result: unknown; name: 'retrain' };
  delivery: {
    data: { messageId: string; conversationId: string };
    result: { delivered: number };
    name: 'deliver';
  };
  /** One outgoing webhook event to one webhook (the delivery record holds the rest). */
  webhooks: { data: { deliveryId: string }; result: { status: string }; name: 'deliver' };
  segmentation: {
    data: { trigger: 'schedule' | 'api'; k?: number; requestedBy?: string };
    result: {
      status: string;
      runId?: string;
      k?: number;
      customers?: number;
      reason?: string;
      error?: string;
    };
    name: 'run';
  };
  outreach: {
    data: OutreachJobData;
    result: { outcome: string; detail?: string };
    name: 'tick' | 'send' | 'test-send';
  };
  /** Closes resolved tickets whose reopen window passed. */
  'ticket-auto-close': { data: Record<string, never>; result: { closed: number }; name: 'tick' };
  /**
   * Staff presence and the queue's safety net: consoles whose process died show offline, agents
   * offline past the grace period give their tickets back, waiting tickets are offered again,
   * drifted load counters are corrected.
   */
  'agent-presence': {
    data: Record<string, never>;
    result: { swept: number; returned: number; assigned: number; corrected: number };
    name: 'tick';
  };
  /** The agents' Slack desk: a message into its ticket's thread, or a ticket's post refreshed. */
  'slack-mirror': {
    data:
      | { kind: 'message'; messageId: string; ticketId: string; opened: boolean }
      | { kind: 'card'; ticketId: string };
    result: { done: true };
    name: 'mirror';
  };
}

export type QueueName = keyof QueueJobs;
export type JobData<N extends QueueName> = QueueJobs[N]['data'];
export type JobResult<N extends QueueName> = QueueJobs[N]['result'];
export type JobName<N extends QueueName> = QueueJobs[N]['name'];
export type TypedQueue<N extends QueueName> = Queue<JobData<N>, JobResult<N>, JobName<N>>;

/**
 * A delivery job retries with exponential backoff from one second. It may run out of attempts only
 * after its message did (the message counts its own attempts, DELIVERY_MAX_ATTEMPTS), so it gets
 * two more than that.
 */
export function deliveryJobOptions(maxAttempts: number): JobsOptions {
  return {
    attempts: maxAttempts + 2,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}

export function openQueue<N extends QueueName>(
  name: N,
  connection: Redis,
  prefix: string,
  log: Logger,
): TypedQueue<N> {
  const queue = new Queue<JobData<N>, JobResult<N>, JobName<N>>(name, { connection, prefix });
  queue.on('error', (err) => log.error({ err, queue: name }, 'queue error'));
  return queue;
}

type ScheduledQueue =
  | 'sla-escalation'
  | 'message-recovery'
  | 'ticket-auto-close'
  | 'agent-presence'
  | 'segmentation'
  | 'outreach';

/** A job that runs on a schedule: its queue, its scheduler's id, how often (or a cron pattern) and what it carries. */
export type PeriodicJob = {
  [N in ScheduledQueue]: {
    queue: N;
    schedulerId: string;
    repeat: { every: number } | { pattern: string };
    name: JobName<N>;
    data: JobData<N>;
  };
}[ScheduledQueue];

/** The nightly segmentation's scheduler; removed when SEGMENTATION_CRON is off. */
export const SEGMENTATION_SCHEDULER = 'segmentation-nightly';

/**
 * The periodic jobs. The workers register their schedulers (and register them again if Redis
 * lost them); the app's readiness checks that they exist.
 */
export function periodicJobs(settings: {
  workers: { slaScanIntervalSeconds: number };
  outreach: { scanIntervalSeconds: number };
  segmentation: { cron: string | null };
}): PeriodicJob[] {
  const jobs: PeriodicJob[] = [
    {
      queue: 'sla-escalation',
      schedulerId: 'sla-escalation-tick',
      repeat: { every: settings.workers.slaScanIntervalSeconds * 1000 },
      name: 'tick',
      data: {},
    },
    {
      queue: 'message-recovery',
      schedulerId: 'message-recovery-tick',
      repeat: { every: 10_000 },
      name: 'tick',
      data: {},
    },
    // Campaigns due, and any a stopped worker left unfinished, are (re)queued by this scan.
    {
      queue: 'outreach',
      schedulerId: 'outreach-tick',
      repeat: { every: settings.outreach.scanIntervalSeconds * 1000 },
      name: 'tick',
      data: { kind: 'tick' },
    },
    // Resolved tickets close when the reopen window passes; minutes late is fine.
    {
      queue: 'ticket-auto-close',
      schedulerId: 'ticket-auto-close-tick',
      repeat: { every: 5 * 60_000 },
      name: 'tick',
      data: {},
    },
    // Presence sweep, tickets of absent agents back to the queue, waiting tickets offered again.
    {
      queue: 'agent-presence',
      schedulerId: 'agent-presence-tick',
      repeat: { every: 30_000 },
      name: 'tick',
      data: {},
    },
  ];
  if (settings.segmentation.cron) {
    jobs.push({
      queue: 'segmentation',
      schedulerId: SEGMENTATION_SCHEDULER,
      repeat: { pattern: settings.segmentation.cron },
      name: 'run',
      data: { trigger: 'schedule' },
    });
  }
  return jobs;
}

/** The producers the request path uses; the connection fails fast, so a Redis outage is an error, not a hang. */
export interface Producers {
  delivery: TypedQueue<'delivery'>;
  retraining: TypedQueue<'classifier-retraining'>;
  webhooks: TypedQueue<'webhooks'>;
  segmentation: TypedQueue<'segmentation'>;
  outreach: TypedQueue<'outreach'>;
  slackMirror: TypedQueue<'slack-mirror'>;
  /** Throws naming the first periodic job whose scheduler is missing (for readiness). */
  checkSchedulers(jobs: PeriodicJob[]): Promise<void>;
  /** Every queue, for the admins' queue dashboard. */
  all(): readonly TypedQueue<QueueName>[];
  close(): Promise<void>;
}

export function createProducers(connection: Redis, prefix: string, log: Logger): Producers {
  const delivery = openQueue('delivery', connection, prefix, log);
  const retraining = openQueue('classifier-retraining', connection, prefix, log);
  const webhooks = openQueue('webhooks', connection, prefix, log);
  const segmentation = openQueue('segmentation', connection, prefix, log);
  const outreach = openQueue('outreach', connection, prefix, log);
  const periodic = {
    'sla-escalation': openQueue('sla-escalation', connection, prefix, log),
    'message-recovery': openQueue('message-recovery', connection, prefix, log),
    'ticket-auto-close': openQueue('ticket-auto-close', connection, prefix, log),
    'agent-presence': openQueue('agent-presence', connection, prefix, log),
    segmentation,
    outreach,
  };
  const slackMirror = openQueue('slack-mirror', connection, prefix, log);
  const all = [
    delivery,
    retraining,
    webhooks,
    slackMirror,
    ...Object.values(periodic),
  ] as TypedQueue<QueueName>[];
  return {
    delivery,
    retraining,
    webhooks,
    segmentation,
    outreach,
    slackMirror,
    all: () => all,
    async checkSchedulers(jobs) {
      for (const job of jobs) {
        const scheduler = await periodic[job.queue].getJobScheduler(job.schedulerId);
        if (!scheduler)
          throw new Error(`the ${job.queue} job scheduler is missing (are the workers running?)`);
      }
    },
    async close() {
      await Promise.all(all.map((q) => q.close()));
    },
  };
}

/**
 * The Outbox port: one delivery job per message, its id from the message id (a second add is a
 * no-op). When Redis is away the message is already stored (queued), so enqueueing never fails
 * the caller: the job is kept in memory and added when Redis is back (and, should this process
 * die meanwhile, the recovery job queues stale messages again).
 */
export function queueOutbox(queue: TypedQueue<'delivery'>, maxAttempts: number, log: Logger): Outbox {
  const options = deliveryJobOptions(maxAttempts);
  const add = (message: { id: string; conversationId: string }) =>
    queue.add(
      'deliver',
      { messageId: message.id, conversationId: message.conversationId },
      { ...options, jobId: `deliver-${message.id}` },
    );
  const waiting = new Map<string, { id: string; conversationId: string }>();
  let retrying = false;
  const retry = async () => {
    if (retrying) return;
    retrying = true;
    let backoff = 100;
    while (waiting.size > 0) {
      await new Promise((r) => setTimeout(r, backoff).unref());
      for (const [id, message] of waiting) {
        try {
          await add(message);
          waiting.delete(id);
          backoff = 100;
        } catch {
          backoff = Math.min(backoff * 2, 2000);
          break;
        }
      }
    }
    retrying = false;
  };
  return {
    async enqueue(message) {
      try {
        await add(message);
      } catch (err) {
        log.warn({ err, messageId: message.id }, 'delivery job waits for Redis');
        waiting.set(message.id, { id: message.id, conversationId: message.conversationId });
        void retry();
      }
    },
    async revive(message) {
      // An add with the id of a job that still exists returns that job instead of a new one.
      const job = await add(message);
      const state = await job.getState();
      if (state === 'failed' || state === 'completed') await job.retry(state);
    },
  };
}

export function queueRetraining(queue: TypedQueue<'classifier-retraining'>): RetrainingRequests {
  return {
    async request() {
      // Deduplicated: a second click while a retraining waits or runs joins it.
      const job = await queue.add(
        'retrain',
        {},
        { deduplication: { id: 'retrain' }, removeOnComplete: 50, removeOnFail: 50, attempts: 1 },
      );
      return { jobId: job.id ?? null };
    },
  };
}

/**
 * The WebhookJobs port: one job per delivery record, its id from the record's, retried with
 * exponential backoff (the delivery log records each attempt).
 */
export function queueWebhooks(
  queue: TypedQueue<'webhooks'>,
  settings: { maxAttempts: number; retryBaseMs: number },
): WebhookJobs {
  return {
    async enqueue(deliveryId) {
      await queue.add(
        'deliver',
        { deliveryId },
        {
          jobId: `webhook-${deliveryId}`,
          attempts: settings.maxAttempts,
          backoff: { type: 'exponential', delay: settings.retryBaseMs },
          removeOnComplete: 1000,
          removeOnFail: 5000,
        },
      );
    },
  };
}

/** One segmentation at a time: a request while a run waits or runs joins it (and the run holds a lock too). */
export function queueSegmentation(queue: TypedQueue<'segmentation'>): SegmentationRequests {
  return {
    async request({ k, requestedBy }) {
      const job = await queue.add(
        'run',
        { trigger: 'api', requestedBy, ...(k !== undefined ? { k } : {}) },
        { deduplication: { id: 'segmentation' }, removeOnComplete: 50, removeOnFail: 50, attempts: 1 },
      );
      return { jobId: job.id ?? null };
    },
  };
}

export function queueOutreach(queue: TypedQueue<'outreach'>): OutreachJobs {
  return {
    async runCampaign(campaignId, at) {
      const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
      // One sending job per campaign while one waits or runs; a sooner request moves a delayed one up.
      await queue.add(
        'send',
        { kind: 'send', campaignId },
        {
          deduplication: { id: `campaign-${campaignId}`, reschedule: true },
          delay,
          attempts: 5,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: 200,
          removeOnFail: 500,
        },
      );
    },
    async testSend({ campaignId, to, requestedBy }) {
      const job = await queue.add(
        'test-send',
        { kind: 'test-send', campaignId, to, requestedBy },
        {
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: 100,
          removeOnFail: 100,
        },
      );
      return { jobId: job.id ?? null };
    },
  };
}

const MIRROR_JOB: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
};

/**
 * The DeskMirror port: one job per message (`mirror-msg-<id>`) and one per ticket change
 * (`card-<id>-<updatedAt>`), so every process and every re-run asking for the same thing adds
 * the same job once.
 */
export function queueDeskMirror(queue: TypedQueue<'slack-mirror'>): DeskMirror {
  return {
    async message({ messageId, ticketId, opened }) {
      await queue.add(
        'mirror',
        { kind: 'message', messageId, ticketId, opened },
        { ...MIRROR_JOB, jobId: `mirror-msg-${messageId}` },
      );
    },
    async ticketChanged(ticket) {
      await queue.add(
        'mirror',
        { kind: 'card', ticketId: ticket.id },
        { ...MIRROR_JOB, jobId: `card-${ticket.id}-${new Date(ticket.updatedAt).getTime()}` },
      );
    },
  };
}
