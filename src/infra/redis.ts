import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A Redis client. BullMQ workers and stream readers block until Redis is back
 * (`maxRetriesPerRequest: null`); request-path clients fail fast instead, so an outage surfaces
 * as a 503, not a hang. Every client logs its errors through pino (without a listener ioredis
 * prints them to the console as unhandled).
 */
export function createRedis(url: string, purpose: 'command' | 'blocking' | 'subscriber', log: Logger): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: purpose === 'command' ? 2 : null,
    enableReadyCheck: true,
    lazyConnect: false,
    connectionName: `parley:${purpose}`,
    // Reconnect quickly after an outage: 50 ms, doubling, at most one second apart.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
  };
  const client = new Redis(url, options);
  let down = false;
  client.on('error', (err: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (!down) log.error({ err, redis: purpose }, 'Redis connection error');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ redis: purpose }, 'Redis connection is back');
    down = false;
  });
  return client;
}
