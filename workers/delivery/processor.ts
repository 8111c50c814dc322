import { DelayedError } from 'bullmq';
import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/** While another worker delivers the same conversation, this job waits this long and looks again. */
const BUSY_RETRY_MS = 200;

/**
 * Thin: the job carries the message id; the use case delivers it (and the conversation's earlier
 * queued messages) in order. Waiting (a busy conversation, a platform's 429) moves the job back
 * to the delayed set without spending an attempt; a failure is retried with backoff.
 */
export function deliveryProcessor(ctx: WorkerContext): TypedProcessor<'delivery'> {
  return async (job, token) => {
    const outcome = await ctx.useCases.deliverMessage(job.data.messageId);
    if (outcome.kind === 'done') return { delivered: outcome.delivered };
    const wait = outcome.kind === 'busy' ? BUSY_RETRY_MS : outcome.ms;
    await job.moveToDelayed(Date.now() + wait, token);
    throw new DelayedError();
  };
}
