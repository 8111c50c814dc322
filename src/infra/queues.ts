import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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
  segmentation: 'segmentation',
  outreach: 'outreach',
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

/** The producers the request path uses; the connection fails fast, so a Redis outage is an error, not a hang. */
export interface Producers {
  delivery: TypedQueue<'delivery'>;
  retraining: TypedQueue<'classifier-retraining'>;
  segmentation: TypedQueue<'segmentation'>;
  outreach: TypedQueue<'outreach'>;
  close(): Promise<void>;
}

export function createProducers(connection: Redis, prefix: string, log: Logger): Producers {
  const delivery = openQueue('delivery', connection, prefix, log);
  const retraining = openQueue('classifier-retraining', connection, prefix, log);
  const segmentation = openQueue('segmentation', connection, prefix, log);
  const outreach = openQueue('outreach', connection, prefix, log);
  return {
    delivery,
    retraining,
    segmentation,
    outreach,
    async close() {
      await Promise.all([delivery.close(), retraining.close(), segmentation.close(), outreach.close()]);
    },
  };
}

/** The Outbox port: one delivery job per message, its id from the message id (a second add is a no-op). */
export function queueOutbox(queue: TypedQueue<'delivery'>, maxAttempts: number): Outbox {
  const options = deliveryJobOptions(maxAttempts);
  const add = (message: { id: string; conversationId: string }) =>
    queue.add(
      'deliver',
      { messageId: message.id, conversationId: message.conversationId },
      { ...options, jobId: `deliver-${message.id}` },
    );
  return {
    async enqueue(message) {
      await add(message);
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
