import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureServers } from '../../src/infra/embedded/ensure-servers.js';
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
  const { mongoUri, redisUrl, stop } = await ensureServers({
    mongoUri: process.env.MONGODB_URI,
    redisUrl: process.env.REDIS_URL,
    dataDir: path.resolve('.data/test'),
    embeddedMongo: 'auto',
    log,
  });
  project.provide('mongoUri', mongoUri);
  project.provide('redisUrl', redisUrl);
  return stop;
}
