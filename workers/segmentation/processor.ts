import type { WorkerContext } from '../../src/composition/worker-context.js';
import type { TypedProcessor } from '../job-runner.js';

/**
 * Thin: the job says who asked (the nightly scheduler or a supervisor, with an optional k); the
 * use case reads the customers, fits, assigns and stores the run, reporting progress on the job.
 * A run already in progress elsewhere makes this one a no-op ("skipped").
 */
export function segmentationProcessor(ctx: WorkerContext): TypedProcessor<'segmentation'> {
  return async (job) => {
    const outcome = await ctx.useCases.segmentation.run(
      { trigger: job.data.trigger, k: job.data.k, requestedBy: job.data.requestedBy, jobId: job.id },
      (percent) => job.updateProgress(percent),
    );
    return outcome;
  };
}
