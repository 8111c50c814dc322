import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

// Extends the lease only while this holder still owns it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaderLease {
  isLeader(): boolean;
  /** Stops leading (the work is stopped, the lease released) and stops trying. */
  stop(): Promise<void>;
}

/**
 * Runs `lead` in exactly one of the processes that call this with the same key: the one holding
 * a Redis lease (SET NX PX), renewed every third of its lifetime. The others try again on the
 * same beat, so when the holder dies (its lease is not renewed) another takes over within a
 * lease's lifetime; a holder that finds another one holding the lease stops its work, one that
 * cannot reach Redis keeps it (see the catch below).
 * `lead` starts the work and returns how to stop it; if it throws, the lease is let go and
 * taken again later.
 */
export function startLeaderLease(opts: {
  redis: Redis;
  key: string;
  ttlMs: number;
  log: Logger;
  lead: () => Promise<() => Promise<void>>;
}): LeaderLease {
  const { redis, key, ttlMs, log } = opts;
  const token = randomBytes(12).toString('base64url');
  let leading = false;
  let stopWork: (() => Promise<void>) | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  /** The led work while it starts: the beats go on meanwhile, so a slow start keeps the lease. */
  let starting: Promise<void> | null = null;

  const letGo = async (reason: string) => {
    leading = false;
    // Work still starting is stopped once it has started (else it would run unled).
    if (starting) await starting;
    const stop = stopWork;
    stopWork = null;
    if (stop) {
      if (reason === 'stopping') log.info({ key }, 'leaving the lead');
      else log.warn({ key, reason }, 'leaving the lead');
      await stop().catch((err: unknown) => log.error({ err, key }, 'stopping the led work failed'));
    }
    await redis.eval(RELEASE, 1, key, token).catch(() => {});
  };

  const beat = async () => {
    try {
      if (leading) {
        const renewed = await redis.eval(RENEW, 1, key, token, String(ttlMs));
        if (renewed === 1) return;
        // It lapsed (this process stalled past its lifetime). If nobody took it meanwhile, this
        // process still is the only one connected: take it again rather than drop the connection.
        if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
          log.warn({ key }, 'the lease had lapsed; taken again');
          return;
        }
        await letGo('another process holds the lease');
        return;
      }
      const taken = await redis.set(key, token, 'PX', ttlMs, 'NX');
      if (taken !== 'OK' || stopped) {
        if (taken === 'OK') await redis.eval(RELEASE, 1, key, token).catch(() => {});
        return;
      }
      leading = true;
      log.info({ key }, 'took the lead');
      // Not awaited here: the next beat renews the lease while the work starts (a Discord login
      // and its ready event can outlast the lease on a busy machine).
      let failed = false;
      const start = (async () => {
        try {
          stopWork = await opts.lead();
        } catch (err) {
          failed = true;
          log.error({ err, key }, 'starting the led work failed; will try again');
        }
      })();
      starting = start;
      void start.then(async () => {
        if (starting === start) starting = null;
        if (failed && leading) await letGo('start failed');
      });
    } catch (err) {
      // Redis unreachable: nobody can take the lease meanwhile, so a leader keeps its work (a
      // Discord gateway that stopped here would miss every message sent until the next leader's
      // fresh session: Discord replays nothing). When Redis answers again, the renewal above
      // tells whether it still leads. Two leaders for a moment cost nothing: every inbound
      // message is stored once by its platform id.
      log.error({ err, key, leading }, 'lease check failed; keeping the current state until Redis answers');
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = beat().finally(schedule);
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    );
  };
  running = beat().finally(schedule);

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      if (leading) await letGo('stopping');
    },
  };
}
