import type { Logger } from '../logger.js';
import { type EmbeddedMongoKind, startEmbeddedMongo } from './mongodb.js';
import { type EmbeddedServer, startEmbeddedRedis } from './redis-server.js';

export interface Servers {
  mongoUri: string;
  redisUrl: string;
  /** Which MongoDB-protocol server this is, for logs and benchmark reports. */
  mongoLabel: string;
  /** Stops the embedded servers this started (none when both URLs were given). */
  stop(): Promise<void>;
}

/**
 * The servers Parley runs on: the given URLs, or embedded ones under `dataDir` for what is
 * missing. Shared by `npm start`, the test suite and the benchmarks, so all three run the same way.
 */
export async function ensureServers(opts: {
  mongoUri: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  embeddedMongo: EmbeddedMongoKind;
  log: Logger;
}): Promise<Servers> {
  const started: EmbeddedServer[] = [];
  const stop = async () => {
    for (const server of started.reverse()) {
      await server
        .stop()
        .catch((err: unknown) => opts.log.error({ err }, 'stopping an embedded server failed'));
    }
  };
  try {
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis(opts.dataDir, opts.log);
      started.push(redis);
      redisUrl = redis.url;
    }
    let mongoUri = opts.mongoUri;
    let mongoLabel = mongoUri ? `MONGODB_URI (${mongoUri.replace(/\/\/[^@/]*@/, '//')})` : '';
    if (!mongoUri) {
      const mongo = await startEmbeddedMongo(opts.dataDir, opts.embeddedMongo, opts.log);
      started.push(mongo);
      mongoUri = mongo.url;
      mongoLabel = `embedded ${mongo.kind}`;
    }
    return { mongoUri, redisUrl, mongoLabel, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
