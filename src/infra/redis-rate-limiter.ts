import type { Redis } from 'ioredis';
import type { RateLimiter } from '../core/ports/rate-limiter.js';
import type { Logger } from './logger.js';

// A fixed window per key: counted and given its expiry in one step, so parallel hits count exactly.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then return math.max(redis.call('TTL', KEYS[1]), 1) end
return 0`;

/**
 * The RateLimiter port on Redis, shared by every process. It fails open: while Redis is away no
 * one is limited (the rest of Parley is degraded then anyway, and a limit is not worth refusing
 * every customer for).
 */
export function redisRateLimiter(redis: Redis, prefix: string, log: Logger): RateLimiter {
  return {
    async hit(bucket, key, limit, windowSeconds) {
      try {
        return Number(await redis.eval(HIT, 1, `${prefix}rate:${bucket}:${key}`, windowSeconds, limit));
      } catch (err) {
        log.warn({ err, bucket }, 'rate limit not checked: Redis is not answering');
        return 0;
      }
    },
  };
}
