import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/** Thin: the job carries nothing; the use case reads the state and is safe to re-run. */
export function slaEscalationProcessor(ctx: WorkerContext): TypedProcessor<'sla-escalation'> {
  return async () => {
    const breached = await ctx.useCases.escalateBreaches(new Date());
    if (breached > 0) ctx.log.info({ breached }, 'SLA breaches escalated');
    return { breached };
  };
}
