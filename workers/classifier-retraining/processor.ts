import type { Job } from 'bullmq';
import type { AppContext } from '../../src/app-context.js';
import { retrainAndMaybePromote } from '../../src/nlp/learning-loop.js';

/** Thin: the job carries nothing; the use case reads corpus, corrections and the model in use. */
export function classifierRetrainingProcessor(ctx: AppContext) {
  return async (_job: Job) =>
    retrainAndMaybePromote({
      registry: ctx.modelRegistry,
      holder: ctx.classifier,
      events: ctx.events,
      log: ctx.log.child({ component: 'retraining' }),
    });
}
