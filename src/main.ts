import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfigOrExit } from './config/load-config-or-exit.js';
import { ensureServers, type Servers } from './infra/embedded/ensure-servers.js';
import { MissingServerError } from './infra/embedded/redis-server.js';
import { startSmtpSink } from './infra/embedded/smtp-sink.js';
import { createLogger } from './infra/logger.js';
import { startWorkersProcess } from './infra/workers-process.js';

/** Process entry: read config, start what is missing, listen, and stop cleanly on signals. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  let servers: Servers | undefined;
  let workers: { stop(): Promise<void> } | undefined;
  let sink: { url: string; directory: string; stop(): Promise<void> } | undefined;
  try {
    servers = await ensureServers({
      mongoUri: config.mongo.uri,
      redisUrl: config.redis.url,
      dataDir: config.dataDir,
      embeddedMongo: config.mongo.embedded,
      log,
    });
    const { mongoUri, redisUrl } = servers;
    // Development without an SMTP server: outreach email goes to a local sink, kept as files.
    if (!config.outreach.smtpUrl && config.env === 'development' && config.workers.runInApp) {
      sink = await startSmtpSink(path.join(config.dataDir, 'mail'), log);
    }
    const app = await buildApp({ config, log, mongoUri, redisUrl });
    if (config.workers.runInApp) {
      workers = await startWorkersProcess({ mongoUri, redisUrl, smtpUrl: sink?.url }, log);
    }
    const url = await app.listen();
    // A newcomer's first start shows every part working: an empty development database gets
    // the demo shop once (never in production; DEMO_SHOP=false turns it off).
    const demo =
      config.env === 'development' && config.demo.seedOnStart
        ? await app.ctx.useCases.demo.seed({ onlyIfEmpty: true }).catch((err: unknown) => {
            log.error({ err }, 'seeding the demo shop failed (npm run seed:demo finishes it)');
            return null;
          })
        : null;

    closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an error');
      else log.info({ signal }, 'shutting down');
      await app.close();
      await workers?.stop();
      await sink?.stop();
      await servers?.stop();
    });

    if (app.firstAdminPassword) {
      // Printed once, on the terminal of the first start only.
      process.stdout.write(
        `\n  First admin created. Sign in with\n    email:    ${config.auth.adminEmail}\n    password: ${app.firstAdminPassword}\n  (shown only this once; change it after signing in)\n`,
      );
    }
    if (demo?.seeded) {
      process.stdout.write(
        [
          '',
          '  Demo shop created (FAQ, customers and orders: ask the widget "where is my order 10023" as Alice).',
          ...demo.staff.map((s) => `    ${s.role.padEnd(10)} email: ${s.email}   password: ${s.password}`),
          '  (shown only this once)',
          '',
        ].join('\n'),
      );
    }
    const base = config.publicUrl.startsWith(`http://localhost:${config.port}`) ? url : config.publicUrl;
    process.stdout.write(
      [
        '',
        `  Parley is running on ${base}`,
        `    Widget demo:  ${base}/demo`,
        `    Console:      ${base}/console`,
        `    API:          ${base}/api/v1   (docs: ${base}/docs, health: ${base}/health/ready)`,
        `    Workers:      ${config.workers.runInApp ? 'running in a child process' : 'off (RUN_WORKERS=false; run npm run workers)'}`,
        `    Queues:       ${base}/admin/queues?token=<an admin's session token>`,
        ...(sink
          ? [
              `    Email:        no SMTP_URL, so outreach email is kept in ${sink.directory} (admins: ${base}/api/v1/admin/mail)`,
            ]
          : []),
        '',
      ].join('\n'),
    );
  } catch (err) {
    await workers?.stop();
    await sink?.stop();
    await servers?.stop();
    if (err instanceof MissingServerError) {
      process.stderr.write(`\n${err.message}\n\n`);
      process.exit(69); // EX_UNAVAILABLE
    }
    log.fatal({ err }, 'start-up failed');
    process.exit(1);
  }
}

void main();
