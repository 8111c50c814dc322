import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/**
 * Thin: resumes messages acknowledged but never processed (a process died after the ack), and
 * queues again deliveries whose job was lost.
 */
export function messageRecoveryProcessor(ctx: WorkerContext): TypedProcessor<'message-recovery'> {
  return async () => {
    const result = await ctx.useCases.recoverMessages();
    if (result.resumed > 0 || result.requeued > 0) ctx.log.warn(result, 'recovered messages and deliveries');
    return result;
  };
}
