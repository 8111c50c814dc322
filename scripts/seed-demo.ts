/**
 * npm run seed:demo — fills the database with the demo shop by hand (FAQ in English and Chinese,
 * customers with orders such as 10023, an agent and a supervisor), once: a database that has it
 * already is left alone. Refused when NODE_ENV=production. Uses MONGODB_URI / REDIS_URL, or the
 * same embedded servers as `npm start` (stop the app first, they share DATA_DIR).
 */
import { buildCore } from '../src/composition/core.js';
import { bindDemoShop } from '../src/composition/demo-shop.js';
import { loadConfigOrExit } from '../src/config/load-config-or-exit.js';
import { ensureServers } from '../src/infra/embedded/ensure-servers.js';
import { createLogger } from '../src/infra/logger.js';

async function main(): Promise<void> {
  const loaded = loadConfigOrExit();
  if (loaded.env === 'production') {
    process.stderr.write('The demo shop is never seeded in production (NODE_ENV=production).\n');
    process.exit(1);
  }
  // Seeding classifies nothing: the small n-gram model is enough to start the core.
  const config = { ...loaded, nlp: { ...loaded.nlp, sentenceEncoder: false } };
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const servers = await ensureServers({
    mongoUri: config.mongo.uri,
    redisUrl: config.redis.url,
    dataDir: config.dataDir,
    embeddedMongo: config.mongo.embedded,
    log,
  });
  const core = await buildCore({ config, log, mongoUri: servers.mongoUri, redisUrl: servers.redisUrl });
  try {
    const result = await bindDemoShop(core).seed({ onlyIfEmpty: false });
    if (!result.seeded) {
      process.stdout.write(`Nothing to do: ${result.reason}.\n`);
      return;
    }
    process.stdout.write(
      `Demo shop seeded: ${result.articles} FAQ articles, ${result.orders} orders (ask the widget about order 10023).\n`,
    );
    for (const s of result.staff) {
      process.stdout.write(`  ${s.role.padEnd(10)} ${s.email}  password: ${s.password}\n`);
    }
  } finally {
    await core.close();
    await servers.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
