import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedMongo } from '../../src/infra/embedded/mongodb.js';
import { type EmbeddedServer, startEmbeddedRedis } from '../../src/infra/embedded/redis-server.js';
import { createLogger } from '../../src/infra/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    redisUrl: string;
  }
}

/**
 * Real servers for the whole run: MONGODB_URI / REDIS_URL when set (CI points them at FerretDB
 * on PostgreSQL and redis-server), otherwise the same embedded servers `npm start` uses.
 */
export default async function setup(project: TestProject) {
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', { component: 'test-servers' });
  const dataDir = path.resolve('.data/test');
  const started: EmbeddedServer[] = [];
  let mongoUri = process.env.MONGODB_URI;
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    const redis = await startEmbeddedRedis(dataDir, log);
    started.push(redis);
    redisUrl = redis.url;
  }
  if (!mongoUri) {
    const mongo = await startEmbeddedMongo(dataDir, 'auto', log);
    started.push(mongo);
    mongoUri = mongo.url;
  }
  project.provide('mongoUri', mongoUri);
  project.provide('redisUrl', redisUrl);
  return async () => {
    for (const s of started.reverse()) await s.stop();
  };
}
