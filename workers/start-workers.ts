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
import { slaEscalationProcessor } from './sla-escalation/processor.js';
import { webhooksProcessor } from './webhooks/processor.js';

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
    opts: { everyMs?: number; tickName?: JobName<N>; concurrency?: number } = {},
  ) => {
    if (opts.everyMs !== undefined && opts.tickName) {
      const queue = openQueue(name, connection, prefix, log);
      await queue.upsertJobScheduler(
        `${name}-tick` as never,
        { every: opts.everyMs },
        { name: opts.tickName as never, opts: { removeOnComplete: 100, removeOnFail: 500 } },
      );
      closers.push(() => queue.close());
    }
    const worker = new Worker<JobData<N>, JobResult<N>, JobName<N>>(name, withPermanentFailures(processor), {
      connection,
      prefix,
      concurrency: opts.concurrency ?? 1,
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
  // Outgoing webhooks to integrations: each call waits on a receiver, so several at once.
  await add(QUEUES.webhooks, webhooksProcessor(ctx), { concurrency: 8 });
  log.info({ queues: Object.values(QUEUES) }, 'workers started');

  return {
    async close() {
      // worker.close() waits for active jobs; a job cut off by a crash is retried as stalled.
      for (const close of closers) await close();
      connection.disconnect();
    },
  };
}
