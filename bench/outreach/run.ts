/**
 * Outreach benchmark: one campaign to N consenting customers, sent through the real sender
 * (deliveries written, attempts claimed, consent re-checked, rendered, pooled SMTP, results
 * recorded) to a local SMTP server (smtp-server, in its own process) that accepts everything.
 * Reports the whole time (deliveries written, sent, recounted) and the sending throughput from
 * the first email accepted to the campaign done, in emails per second.
 *
 *   npm run bench:outreach
 * Env: BENCH_RECIPIENTS (10000), BENCH_CONNECTIONS (pooled SMTP connections, 16),
 *      BENCH_PROFILE=1 (time spent per store call), MONGODB_URI / REDIS_URL (else embedded servers).
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Types } from 'mongoose';
import { buildCore } from '../../src/composition/core.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { KeywordClassifier } from '../../src/nlp/index.js';
import { benchServers } from '../lib/servers.js';
import { printTable, round } from '../lib/stats.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PROFILE = process.env.BENCH_PROFILE === '1';

/** The SMTP server runs in a child process, so it does not take CPU from the sender measured here. */
async function localSmtp(): Promise<{ url: string; accepted: () => Promise<number>; stop(): Promise<void> }> {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'local-smtp.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [first] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `smtp://127.0.0.1:${first.port}`,
    async accepted() {
      const reply = once(child, 'message') as Promise<[{ accepted: number }]>;
      child.send('count');
      return (await reply)[0].accepted;
    },
    async stop() {
      child.disconnect();
      await once(child, 'exit');
    },
  };
}

/** Wraps every method of a store to add up the time spent in it. */
function profiled<T extends object>(
  name: string,
  store: T,
  totals: Map<string, { ms: number; calls: number }>,
): T {
  for (const key of Object.keys(store) as (keyof T)[]) {
    const fn = store[key];
    // Generators (cursors) are left as they are.
    if (typeof fn !== 'function' || fn.constructor.name === 'AsyncGeneratorFunction') continue;
    (store as Record<keyof T, unknown>)[key] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } finally {
        const entry = totals.get(`${name}.${String(key)}`) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - started;
        entry.calls++;
        totals.set(`${name}.${String(key)}`, entry);
      }
    };
  }
  return store;
}

async function main() {
  const servers = await benchServers();
  const smtp = await localSmtp();
  const dbName = `bench_outreach_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
    SMTP_URL: smtp.url,
    OUTREACH_RATE_PER_SECOND: '100000',
    OUTREACH_SMTP_CONNECTIONS: String(CONNECTIONS),
    SEGMENTATION_CRON: 'off',
  });
  const core = await buildCore({
    config,
    log: createLogger('warn'),
    mongoUri: servers.mongoUri,
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
    classifier: new KeywordClassifier(),
  });
  const totals = new Map<string, { ms: number; calls: number }>();
  if (PROFILE) {
    for (const name of ['campaigns', 'campaignDeliveries', 'audience', 'suppressions'] as const) {
      profiled(name, core.stores[name], totals);
    }
  }
  try {
    const { models } = core.infra;
    for (let i = 0; i < RECIPIENTS; i += 2000) {
      await models.Customer.insertMany(
        Array.from({ length: Math.min(2000, RECIPIENTS - i) }, (_, j) => ({
          _id: new Types.ObjectId(),
          name: `Reader ${i + j}`,
          email: `reader${i + j}@bench.test`,
          marketingConsent: { granted: true, at: new Date(), source: 'bench' },
        })),
      );
    }
    const admin = { id: 'bench', role: 'admin' as const };
    const outreach = core.useCases.outreach;
    const campaign = await outreach.create(admin, {
      name: 'Bench',
      subject: 'News for {{firstName}}',
      text: 'Hello {{name}},\nhere is this month’s news.',
      html: '<p>Hello {{name}},</p><p>here is this month’s news.</p>',
      target: { filter: {} },
    });
    await outreach.schedule(admin, campaign.id, {});
    // No worker runs here: the sending use case is called directly, as the outreach job would.
    const started = performance.now();
    let firstSend = 0;
    // When the first email arrives: sending began (the deliveries are written before).
    const watch = (async () => {
      while (!firstSend) {
        if ((await smtp.accepted()) > 0) firstSend = performance.now();
        else await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const outcome = await outreach.send(campaign.id);
    await watch;
    const seconds = (performance.now() - started) / 1000;
    const stats = await core.stores.campaignDeliveries.stats(campaign.id);
    const sendingSeconds = firstSend ? (performance.now() - firstSend) / 1000 : seconds;
    const result = {
      recipients: RECIPIENTS,
      connections: CONNECTIONS,
      outcome: outcome.state,
      sent: stats.sent,
      accepted: await smtp.accepted(),
      unknown: stats.unknown,
      'seconds total': round(seconds, 2),
      'emails/s overall': round(stats.sent / seconds, 0),
      'emails/s once sending': round(stats.sent / sendingSeconds, 0),
    };
    printTable([result]);
    if (PROFILE) {
      printTable(
        [...totals.entries()]
          .sort((a, b) => b[1].ms - a[1].ms)
          .map(([name, v]) => ({
            call: name,
            calls: v.calls,
            'total s': round(v.ms / 1000, 2),
            'ms/call': round(v.ms / v.calls, 1),
          })),
      );
    }
    const out = path.resolve('bench/results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      path.join(out, 'outreach.json'),
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          ...result,
          // The table of `npm run bench`.
          table: [
            {
              name: `Emails per second once sending (${RECIPIENTS} recipients, local SMTP)`,
              value: result['emails/s once sending'],
              unit: '/s',
              target: '≥ 300',
              pass: result['emails/s once sending'] >= 300,
            },
            {
              name: 'Emails per second overall (with preparing the audience)',
              value: result['emails/s overall'],
              unit: '/s',
              target: null,
            },
            {
              name: 'Emails the SMTP server received beyond or short of one per recipient',
              value: Math.abs(result.accepted - RECIPIENTS),
              unit: '',
              target: null,
            },
          ],
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await core.infra.mongo.dropDatabase().catch(() => {});
    await core.close();
    await smtp.stop();
    await servers.stop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
