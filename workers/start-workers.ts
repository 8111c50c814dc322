import { Worker } from 'bullmq';
import type { WorkerContext } from '../src/composition/worker-context.js';
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
import { type TypedProcessor, withPermanentFailures } from './job-runner.js';
import { messageRecoveryProcessor } from './message-recovery/processor.js';
import { slaEscalationProcessor } from './sla-escalation/processor.js';

export interface RunningWorkers {
  close(): Promise<void>;
}

/**
 * Starts every BullMQ worker and schedules the periodic jobs. Schedulers are upserted by id, so
 * any number of processes may call this: each job runs once per tick, on whichever worker takes it.
 */
export async function startWorkers(ctx: WorkerContext): Promise<RunningWorkers> {
  const prefix = ctx.queuePrefix;
  const log = ctx.log.child({ component: 'workers' });
  const connection = createRedis(ctx.redisUrl, 'blocking', log);
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
  log.info({ queues: Object.values(QUEUES) }, 'workers started');

  return {
    async close() {
      // worker.close() waits for active jobs; a job cut off by a crash is retried as stalled.
      for (const close of closers) await close();
      connection.disconnect();
    },
  };
}
