/** Background work the use cases ask for; the BullMQ producers are in src/infra/queues.ts. */
export interface RetrainingRequests {
  /** Deduplicated: a request while a retraining waits or runs joins it. */
  request(): Promise<{ jobId: string | null }>;
}
