/** Counts requests per key in shared windows (Redis in src/infra/redis-rate-limiter.ts), for every process. */
export interface RateLimiter {
  /**
   * Counts one hit for `key` in `bucket`; returns 0 when it is within `limit` per `windowSeconds`,
   * else the seconds until the window ends. When the counter store is away, it lets the hit through.
   */
  hit(bucket: string, key: string, limit: number, windowSeconds: number): Promise<number>;
}
