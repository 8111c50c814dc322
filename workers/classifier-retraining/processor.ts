import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/**
 * Thin: the job carries nothing; the use case reads corpus, corrections and the active model.
 * Bad data ends as a PermanentFailure (not retried); a lost connection may be.
 */
export function classifierRetrainingProcessor(ctx: WorkerContext): TypedProcessor<'classifier-retraining'> {
  return async () => ctx.useCases.learning.retrain();
}
