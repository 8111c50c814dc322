import type { Redis } from 'ioredis';
import type { SendRate } from '../core/ports/outreach.js';

/**
 * OUTREACH_RATE_PER_SECOND across every workers process: a counter per second in Redis. A
 * request for more than is left this second waits for the next; one larger than the whole rate
 * is taken in pieces.
 */
export function redisSendRate(redis: Redis, prefix: string, perSecond: number): SendRate {
  const take = async (n: number): Promise<void> => {
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const key = `${prefix}outreach:rate:${second}`;
      const used = await redis.incrby(key, n);
      if (used === n) await redis.pexpire(key, 2000);
      if (used <= perSecond) return;
      // Over the limit: hand the tokens back and wait for the next second.
      await redis.decrby(key, n);
      await new Promise((r) => setTimeout(r, Math.max(5, (second + 1) * 1000 - Date.now())));
    }
  };
  return {
    async acquire(n) {
      let left = n;
      while (left > 0) {
        const piece = Math.min(left, perSecond);
        await take(piece);
        left -= piece;
      }
    },
  };
}
