import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startLeaderLease } from '../../src/infra/leader-lease.js';
import { createLogger } from '../../src/infra/logger.js';
import { sleep } from '../helpers/wait.js';

/**
 * One leader among processes (the Discord gateway): the lease is renewed while the led work is
 * still starting, so a start slower than the lease (a Discord login and its ready event on a busy
 * machine) does not let a second process lead beside it.
 */
describe('leader lease', () => {
  const redis = new Redis(inject('redisUrl'));
  const log = createLogger('silent');
  const key = `t_lease_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('keeps the lease while its work takes longer to start than the lease lives', async () => {
    const led: string[] = [];
    const stopped: string[] = [];
    const contender = (name: string, startMs: number) =>
      startLeaderLease({
        redis,
        key,
        ttlMs: 300,
        log,
        lead: async () => {
          led.push(name);
          await sleep(startMs);
          return async () => void stopped.push(name);
        },
      });
    const first = contender('first', 1000);
    await sleep(50);
    const second = contender('second', 0);
    await sleep(1500);
    expect(led).toEqual(['first']);
    expect(first.isLeader()).toBe(true);
    expect(second.isLeader()).toBe(false);

    // The leader goes: the other takes over within a lease's lifetime.
    await first.stop();
    expect(stopped).toEqual(['first']);
    await sleep(600);
    expect(led).toEqual(['first', 'second']);
    expect(second.isLeader()).toBe(true);
    await second.stop();
  });

  it('lets go when its work fails to start, and tries again', async () => {
    let attempts = 0;
    const lease = startLeaderLease({
      redis,
      key: `${key}:failing`,
      ttlMs: 200,
      log,
      lead: async () => {
        attempts++;
        if (attempts === 1) throw new Error('the platform refused the login');
        return async () => {};
      },
    });
    await sleep(500);
    expect(attempts).toBe(2);
    expect(lease.isLeader()).toBe(true);
    await lease.stop();
    expect(await redis.get(`${key}:failing`)).toBeNull();
  });
});
