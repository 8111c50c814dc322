import { type Job, UnrecoverableError } from 'bullmq';
import type { AppContext } from '../../src/app-context.js';
import { PermanentRetrainError, runRetraining } from '../../src/nlp/index.js';

/**
 * Thin: the job carries nothing; the use case reads corpus, corrections and the active model.
 * Bad data does not improve with retries (UnrecoverableError); a lost connection may.
 */
export function classifierRetrainingProcessor(ctx: AppContext) {
  const log = ctx.log.child({ component: 'retraining' });
  return async (_job: Job) => {
    try {
      return await runRetraining({
        registry: ctx.modelRegistry,
        holder: ctx.classifier,
        events: ctx.events,
        log,
        ensemble: ctx.ensemble,
      });
    } catch (err) {
      if (err instanceof PermanentRetrainError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
