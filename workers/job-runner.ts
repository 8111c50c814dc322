import { type Job, type Processor, UnrecoverableError } from 'bullmq';
import { PermanentFailure } from '../src/core/errors.js';
import type { JobData, JobName, JobResult, QueueName } from '../src/infra/queues.js';

/** A processor of one queue, typed by what its jobs carry and return (src/infra/queues.ts). */
export type TypedProcessor<N extends QueueName> = Processor<JobData<N>, JobResult<N>, JobName<N>>;

/** A job that can never succeed (bad data) stops retrying; anything else retries under its options. */
export function withPermanentFailures<N extends QueueName>(processor: TypedProcessor<N>): TypedProcessor<N> {
  return async (job: Job<JobData<N>, JobResult<N>, JobName<N>>, token?: string) => {
    try {
      return await processor(job, token);
    } catch (err) {
      if (err instanceof PermanentFailure) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
