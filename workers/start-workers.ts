import { type Job, type Processor, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerContext } from '../src/composition/worker-context.js';
import { PermanentFailure } from '../src/core/errors.js';
import {
  type JobData,
  type JobName,
  type JobResult,
  openQueue,
  QUEUES,
  type QueueName,
} from '../src/infra/queues.js';
import { createRedis } from '../src/infra/redis.js';
import { classifierRetrainingProcessor } from './classifier-retraining/processor.js';
import { deliveryProcessor } from './delivery/processor.js';
import { messageRecoveryProcessor } from './message-recovery/processor.js';
import { outreachProcessor } from './outreach/processor.js';
import { segmentationProcessor } from './segmentation/processor.js';
import { slaEscalationProcessor } from './sla-escalation/processor.js';

/** A job that can never succeed (bad data) stops retrying; anything else retries under its options. */
export function withPermanentFailures<N extends QueueName>(processor: TypedProcessor<N>): TypedProcessor<N> {
  return async (job: Job<JobData<N>, JobResult<N>, JobName<N>>, token?: string) => {
    try {
      return await processor(job, token);
    } catch (err) {
      if (err instanceof PermanentFailure) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

export interface RunningWorkers {
  close(): Promise<void>;
}

export type TypedProcessor<N extends QueueName> = Processor<JobData<N>, JobResult<N>, JobName<N>>;

/**
 * Starts every BullMQ worker and schedules the periodic jobs. Schedulers are upserted by id, so
 * any number of processes may call this: each job runs once per tick, on whichever worker takes it.
 */
export async function startWorkers(ctx: WorkerContext): Promise<RunningWorkers> {
  const prefix = ctx.queuePrefix;
  const connection = createRedis(ctx.redisUrl, 'blocking');
  const log = ctx.log.child({ component: 'workers' });
  const closers: (() => Promise<void>)[] = [];

  const add = async <N extends QueueName>(
    name: N,
    processor: TypedProcessor<N>,
    opts: {
      everyMs?: number;
      /** A cron pattern instead of everyMs; null = no schedule (and any earlier one removed). */
      pattern?: string | null;
      tickName?: JobName<N>;
      tickData?: JobData<N>;
      concurrency?: number;
      /** How long a job's lock lasts unrenewed: a job of a killed worker is taken over after about this. */
      lockDurationMs?: number;
    } = {},
  ) => {
    if ((opts.everyMs !== undefined || opts.pattern !== undefined) && opts.tickName) {
      const queue = openQueue(name, connection, prefix, log);
      const id = `${name}-tick`;
      if (opts.pattern === null) await queue.removeJobScheduler(id);
      else {
        await queue.upsertJobScheduler(
          id as never,
          opts.pattern ? { pattern: opts.pattern } : { every: opts.everyMs },
          {
            name: opts.tickName as never,
            ...(opts.tickData ? { data: opts.tickData as never } : {}),
            opts: { removeOnComplete: 100, removeOnFail: 500 },
          },
        );
      }
      closers.push(() => queue.close());
    }
    const worker = new Worker<JobData<N>, JobResult<N>, JobName<N>>(name, withPermanentFailures(processor), {
      connection,
      prefix,
      concurrency: opts.concurrency ?? 1,
      ...(opts.lockDurationMs
        ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs }
        : {}),
    });
    worker.on('error', (err) => log.error({ err, queue: name }, 'worker error'));
    worker.on('failed', (job, err) => log.error({ err, queue: name, jobId: job?.id }, 'job failed'));
    closers.unshift(() => worker.close());
  };

  await add(QUEUES.slaEscalation, slaEscalationProcessor(ctx), {
    everyMs: ctx.config.workers.slaScanIntervalSeconds * 1000,
    tickName: 'tick',
  });
  await add(QUEUES.messageRecovery, messageRecoveryProcessor(ctx), { everyMs: 30_000, tickName: 'tick' });
  // On demand (POST /api/v1/nlp/retrain), not on a schedule: a person decides when corrections warrant it.
  await add(QUEUES.classifierRetraining, classifierRetrainingProcessor(ctx));
  // Deliveries of different conversations go out side by side; one conversation's in order (a lock).
  await add(QUEUES.delivery, deliveryProcessor(ctx), { concurrency: 16 });
  // Nightly by default (SEGMENTATION_CRON) and on demand; one run at a time (a lock in the use case).
  await add(QUEUES.segmentation, segmentationProcessor(ctx), {
    pattern: ctx.config.segmentation.cron,
    tickName: 'run',
    tickData: { trigger: 'schedule' },
  });
  // Campaigns send side by side (each under its own lock); a killed worker's campaign is taken
  // over within about 15 s by the stalled-job check, or by the next scan.
  await add(QUEUES.outreach, outreachProcessor(ctx), {
    everyMs: ctx.config.outreach.scanIntervalSeconds * 1000,
    tickName: 'tick',
    tickData: { kind: 'tick' },
    concurrency: 4,
    lockDurationMs: 15_000,
  });
  log.info({ queues: Object.values(QUEUES) }, 'workers started');

  return {
    async close() {
      // worker.close() waits for active jobs; a job cut off by a crash is retried as stalled.
      for (const close of closers) await close();
      connection.disconnect();
    },
  };
}
