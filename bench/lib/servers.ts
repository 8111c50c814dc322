import path from 'node:path';
import { startEmbeddedMongo } from '../../src/infra/embedded/mongodb.js';
import { type EmbeddedServer, startEmbeddedRedis } from '../../src/infra/embedded/redis-server.js';
import { createLogger } from '../../src/infra/logger.js';

/** MONGODB_URI / REDIS_URL when set (FerretDB on PostgreSQL in CI), else the embedded defaults. */
export async function benchServers(): Promise<{
  mongoUri: string;
  redisUrl: string;
  label: string;
  stop(): Promise<void>;
}> {
  const log = createLogger('warn');
  const started: EmbeddedServer[] = [];
  const dataDir = path.resolve('.data/bench');
  let redisUrl = process.env.REDIS_URL;
  let mongoUri = process.env.MONGODB_URI;
  let label = mongoUri ? `MONGODB_URI (${new URL(mongoUri.replace(/^mongodb(\+srv)?:/, 'http:')).host})` : '';
  if (!redisUrl) {
    const r = await startEmbeddedRedis(dataDir, log);
    started.push(r);
    redisUrl = r.url;
  }
  if (!mongoUri) {
    const m = await startEmbeddedMongo(dataDir, 'auto', log);
    started.push(m);
    mongoUri = m.url;
    label = `embedded ${m.kind}`;
  }
  return {
    mongoUri: mongoUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, '$1/'),
    redisUrl,
    label,
    async stop() {
      for (const s of started.reverse()) await s.stop();
    },
  };
}
