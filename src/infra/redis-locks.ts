import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type Lease, type Locks, LockUnavailable } from '../core/ports/locks.js';

// Deletes the key only if this holder still owns it (a lock that expired and was taken by
// another holder is left alone).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
// Extends the key's life only if this holder still owns it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** The Locks port on Redis: SET NX PX with a random token, released by compare-and-delete. */
export function redisLocks(redis: Redis, prefix: string): Locks {
  const acquire = async (key: string, ttlMs: number) => {
    const name = `${prefix}lock:${key}`;
    const token = randomBytes(12).toString('base64url');
    let ok: string | null;
    try {
      ok = await redis.set(name, token, 'PX', ttlMs, 'NX');
    } catch (err) {
      throw new LockUnavailable(err);
    }
    return ok === 'OK' ? { name, token } : null;
  };
  const release = (name: string, token: string) => redis.eval(RELEASE, 1, name, token).catch(() => {});
  return {
    async tryWithLock(key, ttlMs, work) {
      const held = await acquire(key, ttlMs);
      if (!held) return { acquired: false };
      try {
        return { acquired: true, value: await work() };
      } finally {
        await release(held.name, held.token);
      }
    },
    async tryWithLease(key, ttlMs, work) {
      const held = await acquire(key, ttlMs);
      if (!held) return { acquired: false };
      const lease = { lost: false };
      const timer = setInterval(
        () => {
          redis
            .eval(RENEW, 1, held.name, held.token, String(ttlMs))
            .then((renewed) => {
              if (renewed !== 1) lease.lost = true;
            })
            // A failed renewal (Redis briefly away) is not a loss yet; the next one decides.
            .catch(() => {});
        },
        Math.max(50, Math.floor(ttlMs / 3)),
      );
      timer.unref();
      try {
        return { acquired: true, value: await work(lease as Lease) };
      } finally {
        clearInterval(timer);
        await release(held.name, held.token);
      }
    },
  };
}
