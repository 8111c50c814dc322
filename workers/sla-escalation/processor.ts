import type { Job } from 'bullmq';
import type { AppContext } from '../../src/app-context.js';
import { escalateBreaches } from '../../src/core/tickets/escalate-breaches.js';

/** Thin: the job carries nothing; the use case reads the state and is safe to re-run. */
export function slaEscalationProcessor(ctx: AppContext) {
  return async (_job: Job) => {
    const breached = await escalateBreaches(ctx, new Date());
    if (breached > 0) ctx.log.info({ breached }, 'SLA breaches escalated');
    return { breached };
  };
}
