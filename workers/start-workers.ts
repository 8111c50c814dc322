import { Worker } from 'bullmq';
import type { WorkerContext } from '../src/composition/worker-context.js';
import {
  type JobData,
  type JobName,
  type JobResult,
  openQueue,
  periodicJobs,
  QUEUES,
  type QueueName,
  SEGMENTATION_SCHEDULER,
} from '../src/infra/queues.js';
import { createRedis } from '../src/infra/redis.js';
import { agentPresenceProcessor } from './agent-presence/processor.js';
import { classifierRetrainingProcessor } from './classifier-retraining/processor.js';
import { deliveryProcessor } from './delivery/processor.js';
import { type TypedProcessor, withPermanentFailures } from './job-runner.js';
import { messageRecoveryProcessor } from './message-recovery/processor.js';
import { outreachProcessor } from './outreach/processor.js';
import { segmentationProcessor } from './segmentation/processor.js';
import { slaEscalationProcessor } from './sla-escalation/processor.js';
import { slackMirrorProcessor } from './slack-mirror/processor.js';
import { ticketAutoCloseProcessor } from './ticket-auto-close/processor.js';
import { webhooksProcessor } from './webhooks/processor.js';

/** How often the workers check that their job schedulers still exist. */
const SCHEDULER_CHECK_MS = 5_000;
/** An outreach job of a worker that died is taken over after about this long. */
const OUTREACH_LOCK_MS = 15_000;

/**
 * The job lock of the queues people wait on (deliveries, the agents' desk). BullMQ renews it
 * every half of it while the job runs; a job of a killed worker is taken up again after about
 * this long plus half of it (the stalled check), instead of BullMQ's 30 s + 30 s. The other
 * queues keep BullMQ's default: retraining may hold the event loop for seconds, and nobody waits.
 */
const CUSTOMER_FACING_LOCK_MS = 5_000;

export interface RunningWorkers {
  close(): Promise<void>;
}

export interface WorkerOptions {
  /**
   * How long a job's lock lasts without renewal (BullMQ's default 30 s): a job of a worker that
   * died is taken up again after about this long. Tests of a killed worker shorten it.
   */
  lockDurationMs?: number;
}

/**
 * Starts every BullMQ worker and schedules the periodic jobs. Schedulers are upserted by id, so
 * any number of processes may call this: each job runs once per tick, on whichever worker takes it.
 */
export async function startWorkers(ctx: WorkerContext, options: WorkerOptions = {}): Promise<RunningWorkers> {
  const prefix = ctx.queuePrefix;
  const log = ctx.log.child({ component: 'workers' });
  const connection = createRedis(ctx.redisUrl, 'blocking', log);
  const closers: (() => Promise<void>)[] = [];

  const add = <N extends QueueName>(
    name: N,
    processor: TypedProcessor<N>,
    concurrency = 1,
    /** This queue's own lock duration (the options' one, for tests, wins). */
    queueLockMs?: number,
  ) => {
    const lockDurationMs = options.lockDurationMs ?? queueLockMs;
    const worker = new Worker<JobData<N>, JobResult<N>, JobName<N>>(name, withPermanentFailures(processor), {
      connection,
      prefix,
      concurrency,
      ...(lockDurationMs
        ? { lockDuration: lockDurationMs, stalledInterval: Math.max(500, lockDurationMs / 2) }
        : {}),
    });
    worker.on('error', (err) => log.error({ err, queue: name }, 'worker error'));
    worker.on('failed', (job, err) => log.error({ err, queue: name, jobId: job?.id }, 'job failed'));
    closers.unshift(() => worker.close());
  };

  add(QUEUES.slaEscalation, slaEscalationProcessor(ctx));
  add(QUEUES.messageRecovery, messageRecoveryProcessor(ctx));
  // On demand (POST /api/v1/nlp/retrain), not on a schedule: a person decides when corrections warrant it.
  add(QUEUES.classifierRetraining, classifierRetrainingProcessor(ctx));
  // Deliveries of different conversations go out side by side; one conversation's in order (a lock).
  add(QUEUES.delivery, deliveryProcessor(ctx), 16, CUSTOMER_FACING_LOCK_MS);
  // Outgoing webhooks to integrations: each call waits on a receiver, so several at once.
  add(QUEUES.webhooks, webhooksProcessor(ctx), 8);
  add(QUEUES.ticketAutoClose, ticketAutoCloseProcessor(ctx));
  add(QUEUES.agentPresence, agentPresenceProcessor(ctx));
  // Nightly by default (SEGMENTATION_CRON) and on demand; one run at a time (a lock in the use case).
  add(QUEUES.segmentation, segmentationProcessor(ctx));
  // Campaigns send side by side, each under its own lock. A killed worker's campaign is taken
  // over by the stalled-job check once its lock lapses (15 s here), or by the next scan.
  add(QUEUES.outreach, outreachProcessor(ctx), 4, OUTREACH_LOCK_MS);
  // Posts for different tickets go side by side; one ticket's one at a time (a lock).
  if (ctx.slackDesk) add(QUEUES.slackMirror, slackMirrorProcessor(ctx), 8, CUSTOMER_FACING_LOCK_MS);

  // The schedulers live in Redis: a Redis that restarts without persistence forgets them. They
  // are registered now, again whenever the connection comes back, and checked every few seconds.
  const jobs = periodicJobs(ctx.config);
  const queues = new Map(jobs.map((j) => [j.queue, openQueue(j.queue, connection, prefix, log)]));
  for (const q of queues.values()) closers.push(() => q.close());
  if (!ctx.config.segmentation.cron) {
    // SEGMENTATION_CRON=off: a schedule registered by an earlier start is removed.
    const segmentation = openQueue(QUEUES.segmentation, connection, prefix, log);
    await segmentation.removeJobScheduler(SEGMENTATION_SCHEDULER);
    await segmentation.close();
  }
  const ensureSchedulers = async () => {
    for (const job of jobs) {
      const queue = queues.get(job.queue);
      if (!queue || (await queue.getJobScheduler(job.schedulerId))) continue;
      await queue.upsertJobScheduler(job.schedulerId as never, job.repeat, {
        name: job.name as never,
        data: job.data as never,
        opts: { removeOnComplete: 100, removeOnFail: 500 },
      });
      log.info({ queue: job.queue }, 'job scheduler registered');
    }
  };
  await ensureSchedulers();
  const check = () =>
    void ensureSchedulers().catch((err: unknown) => log.warn({ err }, 'checking job schedulers failed'));
  const timer = setInterval(check, SCHEDULER_CHECK_MS);
  timer.unref();
  connection.on('ready', check);
  closers.unshift(async () => {
    clearInterval(timer);
    connection.off('ready', check);
  });
  log.info(
    { queues: Object.values(QUEUES).filter((q) => ctx.slackDesk || q !== QUEUES.slackMirror) },
    'workers started',
  );

  return {
    async close() {
      // worker.close() waits for active jobs; a job cut off by a crash is retried as stalled.
      for (const close of closers) await close();
      connection.disconnect();
    },
  };
}
