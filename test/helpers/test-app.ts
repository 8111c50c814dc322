import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type AppOptions, buildApp, type ParleyApp } from '../../src/app.js';
import { workerContextOf } from '../../src/composition/worker-context.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MessageClassifier } from '../../src/core/ports/classifier.js';
import { createLogger } from '../../src/infra/logger.js';
import { withoutDatabase } from '../../src/infra/mongo.js';
import { type RunningWorkers, startWorkers } from '../../workers/start-workers.js';

export const ADMIN = { email: 'admin@test.local', password: 'correct horse battery' };
export const API_KEY = 'test-integration-key-0123456789';

export interface TestApp {
  app: ParleyApp;
  url: string;
  dbName: string;
  close(): Promise<void>;
}

/** The run's MongoDB URI without a database path, so MONGODB_DB picks the database. */
export function serverUri(): string {
  return withoutDatabase(inject('mongoUri'));
}

/** Unique per test file (and per call), so files running in parallel never share data. */
export function uniqueName(tag: string): string {
  return `t_${tag.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/**
 * The real app on the run's real MongoDB-protocol and Redis servers, in its own database and
 * Redis key prefix, listening on a free port.
 */
export async function startTestApp(
  tag: string,
  opts: {
    env?: Record<string, string>;
    classifier?: MessageClassifier;
    listen?: boolean;
    /** Share another app's database and Redis prefix (several processes of one deployment). */
    dbName?: string;
    /**
     * Run the BullMQ workers on this app's core, as the workers' process would (default true:
     * deliveries to customers go through them).
     */
    workers?: boolean;
    /** Options for the platform clients (Slack, Discord) of this app. */
    platformOptions?: AppOptions['platformOptions'];
    /** Servers of the test's own (fault tests kill and restart them) instead of the run's. */
    redisUrl?: string;
    mongoUri?: string;
  } = {},
): Promise<TestApp> {
  const dbName = opts.dbName ?? uniqueName(tag);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    INTEGRATION_API_KEY: API_KEY,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    RUN_WORKERS: 'false',
    DATA_DIR: '.data/test',
    ...opts.env,
  });
  const log = createLogger(config.logLevel, { test: tag });
  const app = await buildApp({
    config,
    log,
    mongoUri: opts.mongoUri ?? serverUri(),
    redisUrl: opts.redisUrl ?? inject('redisUrl'),
    redisPrefix: `${dbName}:`,
    classifier: opts.classifier,
    platformOptions: opts.platformOptions,
  });
  const workers: RunningWorkers | null =
    opts.workers === false ? null : await startWorkers(workerContextOf(app.core));
  const url = opts.listen === false ? '' : await app.listen(0, '127.0.0.1');
  return {
    app,
    url,
    dbName,
    async close() {
      await workers?.close();
      await app.core.infra.mongo.dropDatabase().catch(() => {});
      await app.close();
    },
  };
}
