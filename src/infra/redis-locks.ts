import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Locks, LockUnavailable } from '../core/ports/locks.js';

// Deletes the key only if this holder still owns it (a lock that expired and was taken by
// another holder is left alone).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extends the key's expiry only if this holder still owns it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * The Locks port on Redis: SET NX PX with a random token, renewed while the work runs, released
 * by compare-and-delete. Renewal lets callers use a short TTL: a holder that dies (SIGKILL)
 * blocks the key for that TTL only, however long a live holder's work takes.
 */
export function redisLocks(redis: Redis, prefix: string): Locks {
  return {
    async tryWithLock(key, ttlMs, work) {
      const name = `${prefix}lock:${key}`;
      const token = randomBytes(12).toString('base64url');
      let ok: string | null;
      try {
        ok = await redis.set(name, token, 'PX', ttlMs, 'NX');
      } catch (err) {
        throw new LockUnavailable(err);
      }
      if (ok !== 'OK') return { acquired: false };
      // A failed renewal (Redis away) is left to the next one; the TTL covers a few misses' worth.
      const renew = setInterval(
        () => void redis.eval(RENEW, 1, name, token, String(ttlMs)).catch(() => {}),
        Math.max(50, Math.floor(ttlMs / 3)),
      );
      try {
        return { acquired: true, value: await work() };
      } finally {
        clearInterval(renew);
        await redis.eval(RELEASE, 1, name, token).catch(() => {});
      }
    },
  };
}
