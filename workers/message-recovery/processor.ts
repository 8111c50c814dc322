import type { Job } from 'bullmq';
import type { AppContext } from '../../src/app-context.js';

/** Messages stored but not processed for a minute (the process died after acknowledging them). */
const STALE_AFTER_MS = 60_000;

export function messageRecoveryProcessor(ctx: AppContext) {
  return async (_job: Job) => {
    const resumed = await ctx.pipeline.recoverUnprocessed(STALE_AFTER_MS);
    if (resumed > 0) ctx.log.warn({ resumed }, 'resumed unprocessed messages');
    return { resumed };
  };
}
