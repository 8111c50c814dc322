import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/**
 * Thin: the assignment's safety net, every step conditional and safe to re-run. Consoles whose
 * process died show offline; agents offline past AGENT_AWAY_GRACE_MINUTES give their tickets
 * back; waiting tickets are offered again (a trigger lost to a crash); drifted load counters
 * are corrected.
 */
export function agentPresenceProcessor(ctx: WorkerContext): TypedProcessor<'agent-presence'> {
  return async () => {
    const swept = await ctx.useCases.presence.sweep();
    const returned = await ctx.useCases.tickets.returnTicketsOfAbsentAgents();
    const assigned = await ctx.useCases.tickets.assignWaiting();
    const corrected = await ctx.useCases.tickets.reconcileLoad();
    const result = { swept, returned, assigned, corrected };
    if (swept + returned + assigned + corrected > 0) ctx.log.info(result, 'presence and queue sweep');
    return result;
  };
}
