import path from 'node:path';
import { ensureServers, type Servers } from '../../src/infra/embedded/ensure-servers.js';
import { createLogger } from '../../src/infra/logger.js';
import { withoutDatabase } from '../../src/infra/mongo.js';

/** MONGODB_URI / REDIS_URL when set (FerretDB on PostgreSQL in CI), else the embedded defaults. */
export async function benchServers(): Promise<Servers> {
  const servers = await ensureServers({
    mongoUri: process.env.MONGODB_URI,
    redisUrl: process.env.REDIS_URL,
    dataDir: path.resolve('.data/bench'),
    embeddedMongo: 'auto',
    log: createLogger('warn'),
  });
  // Each benchmark names its own database; drop any database path from the URI.
  return {
    ...servers,
    mongoUri: withoutDatabase(servers.mongoUri),
  };
}
