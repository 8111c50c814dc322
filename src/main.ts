import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { startEmbeddedMongo } from './infra/embedded/mongodb.js';
import {
  type EmbeddedServer,
  MissingServerError,
  startEmbeddedRedis,
} from './infra/embedded/redis-server.js';
import { createLogger } from './infra/logger.js';

/** Process entry: read config, start what is missing, listen, and stop cleanly on signals. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee the README's Configuration section.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const embedded: EmbeddedServer[] = [];
  const stopEmbedded = async () => {
    for (const server of embedded.reverse())
      await server.stop().catch((err) => log.error({ err }, 'stop failed'));
  };

  try {
    let redisUrl = config.redis.url;
    if (!redisUrl) {
      const redis = await startEmbeddedRedis(config.dataDir, log);
      embedded.push(redis);
      redisUrl = redis.url;
    }
    let mongoUri = config.mongo.uri;
    if (!mongoUri) {
      const mongo = await startEmbeddedMongo(config.dataDir, config.mongo.embedded, log);
      embedded.push(mongo);
      mongoUri = mongo.url;
    }
    const app = await buildApp({ config, log, mongoUri, redisUrl });
    const url = await app.listen();

    closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an error');
      else log.info({ signal }, 'shutting down');
      await app.close();
      await stopEmbedded();
    });

    const base = config.publicUrl.startsWith(`http://localhost:${config.port}`) ? url : config.publicUrl;
    process.stdout.write(
      [
        '',
        `  Parley is running on ${base}`,
        `    Widget demo:  ${base}/demo`,
        `    Console:      ${base}/console`,
        `    API:          ${base}/api/v1   (health: ${base}/health/ready)`,
        `    Workers:      ${config.workers.runInApp ? 'running in this process' : 'off (RUN_WORKERS=false)'}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    await stopEmbedded();
    if (err instanceof MissingServerError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(69); // EX_UNAVAILABLE
    }
    log.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

void main();
