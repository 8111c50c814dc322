import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/** Thin: closes resolved tickets past REOPEN_WINDOW_HOURS; each close is conditional, so re-runs are harmless. */
export function ticketAutoCloseProcessor(ctx: WorkerContext): TypedProcessor<'ticket-auto-close'> {
  return async () => {
    const closed = await ctx.useCases.tickets.closeExpired();
    if (closed > 0) ctx.log.info({ closed }, 'resolved tickets closed after the reopen window');
    return { closed };
  };
}
