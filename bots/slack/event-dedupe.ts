import type { Redis } from 'ioredis';

/** Whether this process handles an event id now, it was handled, or another process still is. */
export type Claim = 'mine' | 'done' | 'busy';

export interface EventDedupe {
  claim(eventId: string): Promise<Claim>;
  /** Handled: repeats of the id are no-ops for a day (Slack retries within minutes). */
  done(eventId: string): Promise<void>;
  /** Failed: a retry of the id may handle it. */
  release(eventId: string): Promise<void>;
}

const PENDING_MS = 15_000;
const DONE_SECONDS = 24 * 3600;

/**
 * Slack event ids seen, across every app process (Redis). A claim is `pending` for a few seconds
 * and becomes `done` once the event's work is stored; a holder that dies lets the claim lapse, so
 * Slack's next retry is handled instead of dropped. A repeat that arrives while another process
 * is on it waits a moment for the outcome.
 */
export function redisEventDedupe(redis: Redis, prefix: string, waitMs = 2500): EventDedupe {
  const key = (id: string) => `${prefix}slack:event:${id}`;
  return {
    async claim(eventId) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        if ((await redis.set(key(eventId), 'pending', 'PX', PENDING_MS, 'NX')) === 'OK') return 'mine';
        const state = await redis.get(key(eventId));
        if (state === 'done') return 'done';
        if (state === null) continue; // released or lapsed meanwhile: try to take it
        if (Date.now() >= deadline) return 'busy';
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async done(eventId) {
      await redis.set(key(eventId), 'done', 'EX', DONE_SECONDS);
    },
    async release(eventId) {
      await redis.del(key(eventId));
    },
  };
}
