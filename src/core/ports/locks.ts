/** Short mutual exclusion across processes (Redis SET NX PX in src/infra/redis-locks.ts). */
export interface Locks {
  /**
   * Runs `work` holding `key`, or returns `{ acquired: false }` at once when another holder has
   * it. The lock expires after `ttlMs` if its holder dies. Throws LockUnavailable when the lock
   * store cannot be reached (and then `work` has not run).
   */
  tryWithLock<T>(
    key: string,
    ttlMs: number,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
  /**
   * For long work (a segmentation run, a campaign): like tryWithLock, but the lock is renewed every
   * ttlMs/3 while `work` runs, so it lasts as long as the holder lives and lapses ttlMs after it
   * dies. `lease.lost` turns true if a renewal found the lock gone (the holder stalled past ttlMs
   * and another took over): the work must then stop.
   */
  tryWithLease<T>(
    key: string,
    ttlMs: number,
    work: (lease: Lease) => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

export interface Lease {
  readonly lost: boolean;
}

/** The lock store did not answer (an outage): callers decide whether to go on without the lock. */
export class LockUnavailable extends Error {
  constructor(cause: unknown) {
    super('the lock store is not answering', { cause });
    this.name = 'LockUnavailable';
  }
}
