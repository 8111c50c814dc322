import closeWithGrace from 'close-with-grace';
import { buildContext } from '../src/app.js';
import { loadConfigOrExit } from '../src/config/load-config-or-exit.js';
import { createLogger } from '../src/infra/logger.js';
import { startWorkers } from './start-workers.js';

/**
 * The workers' own process (docker compose runs it beside the app, which then has
 * RUN_WORKERS=false). `npm start` runs the workers inside the app process instead.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, { process: 'workers' });
  if (!config.mongo.uri || !config.redis.url) {
    process.stderr.write(
      'The workers process needs MONGODB_URI and REDIS_URL (npm start runs workers in-process).\n',
    );
    process.exit(78);
  }
  const { ctx, close } = await buildContext({
    config,
    log,
    mongoUri: config.mongo.uri,
    redisUrl: config.redis.url,
  });
  const workers = await startWorkers(ctx, config.redis.url);
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'workers shutting down after an error');
    else log.info({ signal }, 'workers shutting down');
    await workers.close();
    await close();
  });
}

void main();
