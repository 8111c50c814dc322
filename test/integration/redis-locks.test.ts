import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { redisLocks } from '../../src/infra/redis-locks.js';
import { sleep } from '../helpers/wait.js';

/**
 * The conversation leases of deliveries and the agents' desk: short-lived if their holder dies
 * (a worker SIGKILLed mid-delivery holds its customers up for seconds), held as long as live work runs.
 */
describe('Redis locks', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `t_locks_${randomBytes(4).toString('hex')}:`;
  const locks = redisLocks(redis, prefix);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('a lease stays held while its work runs past the TTL, and is free once the work ends', async () => {
    const seen: boolean[] = [];
    const held = locks.tryWithLease('conv-1', 300, async () => {
      for (let i = 0; i < 6; i++) {
        await sleep(200);
        seen.push((await locks.tryWithLock('conv-1', 300, async () => 'second')).acquired);
      }
      return 'first';
    });
    expect(await held).toEqual({ acquired: true, value: 'first' });
    expect(seen).toEqual([false, false, false, false, false, false]);
    expect(await locks.tryWithLock('conv-1', 300, async () => 'after')).toEqual({
      acquired: true,
      value: 'after',
    });
  });

  it("a dead holder's lock (no one renews it) frees itself after the TTL", async () => {
    await redis.set(`${prefix}lock:conv-2`, 'a-dead-worker', 'PX', 300);
    expect((await locks.tryWithLease('conv-2', 300, async () => 1)).acquired).toBe(false);
    await sleep(400);
    expect(await locks.tryWithLease('conv-2', 300, async () => 2)).toEqual({ acquired: true, value: 2 });
  });
});
