/** Short mutual exclusion across processes (Redis SET NX PX in src/infra/redis-locks.ts). */
export interface Locks {
  /**
   * Runs `work` holding `key`, or returns `{ acquired: false }` at once when another holder has
   * it. The lock is renewed while `work` runs, and expires `ttlMs` after its holder dies. Throws LockUnavailable when the lock
   * store cannot be reached (and then `work` has not run).
   */
  tryWithLock<T>(
    key: string,
    ttlMs: number,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

/** The lock store did not answer (an outage): callers decide whether to go on without the lock. */
export class LockUnavailable extends Error {
  constructor(cause: unknown) {
    super('the lock store is not answering', { cause });
    this.name = 'LockUnavailable';
  }
}
