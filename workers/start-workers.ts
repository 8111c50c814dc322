import { type Processor, Queue, Worker } from 'bullmq';
import type { AppContext } from '../src/app-context.js';
import { createRedis } from '../src/infra/redis.js';
import { classifierRetrainingProcessor } from './classifier-retraining/processor.js';
import { messageRecoveryProcessor } from './message-recovery/processor.js';
import { QUEUES } from './queues.js';
import { slaEscalationProcessor } from './sla-escalation/processor.js';

export interface RunningWorkers {
  close(): Promise<void>;
}

/**
 * Starts every BullMQ worker and schedules the periodic jobs. Schedulers are upserted by id, so
 * any number of processes may call this: each job runs once per tick, on whichever worker takes it.
 */
export async function startWorkers(ctx: AppContext, redisUrl: string): Promise<RunningWorkers> {
  const prefix = `${ctx.redisPrefix}bull`;
  const connection = createRedis(redisUrl, 'blocking');
  const log = ctx.log.child({ component: 'workers' });
  const queues: Queue[] = [];
  const workers: Worker[] = [];

  const add = async (name: string, processor: Processor, everyMs: number | null) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (err) => log.error({ err, queue: name }, 'queue error'));
    if (everyMs !== null)
      await queue.upsertJobScheduler(
        `${name}-tick`,
        { every: everyMs },
        {
          name: 'tick',
          opts: { removeOnComplete: 100, removeOnFail: 500 },
        },
      );
    const worker = new Worker(name, processor, { connection, prefix, concurrency: 1 });
    worker.on('error', (err) => log.error({ err, queue: name }, 'worker error'));
    worker.on('failed', (job, err) => log.error({ err, queue: name, jobId: job?.id }, 'job failed'));
    queues.push(queue);
    workers.push(worker);
  };

  await add(
    QUEUES.slaEscalation,
    slaEscalationProcessor(ctx),
    ctx.config.workers.slaScanIntervalSeconds * 1000,
  );
  await add(QUEUES.messageRecovery, messageRecoveryProcessor(ctx), 60_000);
  // On demand (POST /api/v1/nlp/retrain), not on a schedule: a person decides when corrections warrant it.
  await add(QUEUES.classifierRetraining, classifierRetrainingProcessor(ctx), null);
  log.info({ queues: queues.map((q) => q.name) }, 'workers started');

  return {
    async close() {
      // worker.close() waits for active jobs; a job cut off by a crash is retried as stalled.
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(queues.map((q) => q.close()));
      connection.disconnect();
    },
  };
}
