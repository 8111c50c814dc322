import closeWithGrace from 'close-with-grace';
import { buildCore } from '../src/composition/core.js';
import { workerContextOf } from '../src/composition/worker-context.js';
import { loadConfigOrExit } from '../src/config/load-config-or-exit.js';
import { createLogger } from '../src/infra/logger.js';
import { startWorkers } from './start-workers.js';

/**
 * The workers' own process: docker compose runs it as a service beside the app, and `npm start`
 * runs it as a child of the app. It builds the core only: no staff accounts, sessions or
 * visitor tokens.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, { process: 'workers' });
  if (!config.mongo.uri || !config.redis.url) {
    process.stderr.write('The workers process needs MONGODB_URI and REDIS_URL (npm start passes them).\n');
    process.exit(78);
  }
  const core = await buildCore({ config, log, mongoUri: config.mongo.uri, redisUrl: config.redis.url });
  const workers = await startWorkers(workerContextOf(core));
  // Whatever LOG_LEVEL says: the app that spawned this process waits for this line.
  process.stdout.write('parley workers ready\n');
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'workers shutting down after an error');
    else log.info({ signal }, 'workers shutting down');
    await workers.close();
    await core.close();
  });
}

void main();
