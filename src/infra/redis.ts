import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis client. BullMQ workers need `maxRetriesPerRequest: null` (block until Redis is back);
 * request-path clients fail fast instead so an outage surfaces as an error, not a hang.
 */
export function createRedis(url: string, purpose: 'command' | 'blocking' | 'subscriber'): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: purpose === 'command' ? 3 : null,
    enableReadyCheck: true,
    lazyConnect: false,
    connectionName: `parley:${purpose}`,
  };
  return new Redis(url, options);
}
