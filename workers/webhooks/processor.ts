import { DelayedError } from 'bullmq';
import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/**
 * Thin: the job carries the delivery id; the use case sends the signed call and logs the attempt.
 * A failure is thrown back for BullMQ to retry with exponential backoff; a receiver's 429 moves
 * the job to the delayed set for its Retry-After without spending an attempt.
 */
export function webhooksProcessor(ctx: WorkerContext): TypedProcessor<'webhooks'> {
  return async (job, token) => {
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome = await ctx.useCases.integrations.webhooks.deliver(job.data.deliveryId, { lastAttempt });
    if (outcome.kind === 'done') return { status: outcome.status };
    await job.moveToDelayed(Date.now() + outcome.ms, token);
    throw new DelayedError();
  };
}
