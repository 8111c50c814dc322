/** Short mutual exclusion across processes (Redis SET NX PX in src/infra/redis-locks.ts). */
export interface Locks {
  /**
   * Runs `work` holding `key`, or returns `{ acquired: false }` at once when another holder has
   * it. The lock expires after `ttlMs` if its holder dies.
   */
  tryWithLock<T>(
    key: string,
    ttlMs: number,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}
