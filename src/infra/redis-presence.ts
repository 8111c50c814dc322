import type { Redis } from 'ioredis';
import type { Presence } from '../core/ports/presence.js';

/**
 * Console connections per staff member in Redis, one sorted set each: member = connection id,
 * score = when it expires. Its process renews it every `ttlMs / 3`; a process that dies stops
 * renewing, and its connections stop counting after `ttlMs`.
 */
export function redisPresence(redis: Redis, prefix: string, ttlMs = 60_000): Presence {
  const key = (agentId: string) => `${prefix}presence:${agentId}`;
  const live = async (agentId: string) => {
    const now = Date.now();
    const res = await redis.multi().zremrangebyscore(key(agentId), '-inf', now).zcard(key(agentId)).exec();
    const count = res?.[1]?.[1];
    return typeof count === 'number' ? count : 0;
  };
  return {
    async connect(agentId, connectionId) {
      await redis
        .multi()
        .zadd(key(agentId), Date.now() + ttlMs, connectionId)
        .pexpire(key(agentId), ttlMs)
        .exec();
      return live(agentId);
    },
    async disconnect(agentId, connectionId) {
      await redis.zrem(key(agentId), connectionId);
      return live(agentId);
    },
    count: live,
    async renew(entries) {
      if (entries.length === 0) return;
      const until = Date.now() + ttlMs;
      const tx = redis.multi();
      // XX: a connection that was removed (disconnected) is not brought back.
      for (const e of entries)
        tx.zadd(key(e.agentId), 'XX', until, e.connectionId).pexpire(key(e.agentId), ttlMs);
      await tx.exec();
    },
  };
}
