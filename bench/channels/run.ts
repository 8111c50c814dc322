/**
 * Channels benchmark: the real Bolt receiver and discord.js client against the local Slack and
 * Discord fakes (test/fakes), with the app's workers running in the same process.
 *
 *   1. Signed Slack events per second through POST /slack/events into stored messages (each
 *      event is answered once its message is stored; the count is checked in the database).
 *   2. Discord MESSAGE_CREATE dispatches per second through the gateway into stored messages.
 *   3. From an agent's reply in a ticket's Slack thread (the signed event leaving) to the
 *      Discord fake receiving the delivery call to the customer's DM: p50 / p99.
 *
 *   npm run bench:channels
 * Env: BENCH_EVENTS (Slack events, 600), BENCH_CONCURRENCY (Slack requests in flight, 16),
 *      BENCH_DISPATCHES (Discord dispatches, 600), BENCH_REPLIES (agent replies, 200),
 *      BENCH_REPLY_RATE (replies per second, 10), BENCH_ENCODERS (true = sentence encoders on;
 *      default off, as the channels are measured), MONGODB_URI / REDIS_URL (else embedded servers).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { workerContextOf } from '../../src/composition/worker-context.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { DiscordFake, type DiscordUser } from '../../test/fakes/discord-fake.js';
import { SlackFake } from '../../test/fakes/slack-fake.js';
import { startWorkers } from '../../workers/start-workers.js';
import { benchServers } from '../lib/servers.js';
import { percentile, printTable, round } from '../lib/stats.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DISPATCHES = Number(process.env.BENCH_DISPATCHES ?? 600);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 200);
const REPLY_RATE = Number(process.env.BENCH_REPLY_RATE ?? 10);
const ENCODERS = process.env.BENCH_ENCODERS === 'true';
const AGENTS = 'CBENCHAGENTS';
const CUSTOMERS = 50;
const TICKETS = 10;
const ADMIN = { email: 'bench@parley.local', password: 'bench-password-123' };

const TEXTS = [
  'Where is my order 10023?',
  'Do you ship to Canada?',
  'How do I reset my password?',
  'Can I change the delivery address?',
  'Hello!',
  'Thanks, bye',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

async function main() {
  const servers = await benchServers();
  const dbName = `bench_ch_${randomBytes(3).toString('hex')}`;
  const dms = Array.from({ length: CUSTOMERS }, (_, i) => `D0BENCH${String(i).padStart(3, '0')}`);
  const slack = await new SlackFake({
    channels: [AGENTS, ...dms],
    users: [
      { id: 'UAGENT', name: 'agent', email: ADMIN.email },
      ...dms.map((_, i) => ({ id: `UC${String(i).padStart(4, '0')}`, name: `customer${i}` })),
    ],
  }).start();
  const discord = await new DiscordFake({
    textChannels: [{ id: '910000000000000001', name: 'support' }],
  }).start();

  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RUN_WORKERS: 'false',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
    NLP_SENTENCE_ENCODER: ENCODERS ? 'true' : 'false',
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_AGENTS_CHANNEL: AGENTS,
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
  });
  const app = await buildApp({
    config,
    log: createLogger('warn'),
    mongoUri: servers.mongoUri,
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
  });
  const workers = await startWorkers(workerContextOf(app.core));
  const url = await app.listen(0, '127.0.0.1');
  slack.appUrl = url;
  await app.platforms.slack?.ready;
  await discord.waitFor('the gateway', () => app.platforms.discord?.isConnected(), 30_000);
  const Message = app.core.infra.models.Message;

  // 1. Signed Slack events → stored messages.
  const slackPhase = await (async () => {
    const ackMs: number[] = [];
    let next = 0;
    let failed = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const i = next++;
          if (i >= EVENTS) return;
          const c = i % CUSTOMERS;
          const t0 = performance.now();
          const { response } = await slack.userWrites(
            `UC${String(c).padStart(4, '0')}`,
            dms[c] ?? '',
            TEXTS[i % TEXTS.length] ?? 'Hi',
          );
          if (response?.status === 200) ackMs.push(performance.now() - t0);
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const stored = await Message.countDocuments({ channel: 'slack', direction: 'in' });
    return {
      phase: `Slack: ${EVENTS} signed events, ${CONCURRENCY} in flight`,
      stored,
      failed,
      seconds: round(seconds, 2),
      perSecond: round(stored / seconds),
      ackP50ms: round(percentile(ackMs, 50), 2),
      ackP99ms: round(percentile(ackMs, 99), 2),
    };
  })();
  console.log(`slack: ${slackPhase.perSecond} stored/s, ack p50 ${slackPhase.ackP50ms} ms`);
  await app.ctx.pipeline.drain();

  // 2. Discord dispatches → stored messages.
  const discordPhase = await (async () => {
    const users: DiscordUser[] = Array.from({ length: CUSTOMERS }, (_, i) => ({
      id: String(950000000000000000n + BigInt(i)),
      username: `dc${i}`,
      discriminator: '0',
      global_name: `Discord ${i}`,
      avatar: null,
    }));
    // At most WINDOW dispatches not yet stored at a time: saturating, without flooding the shared
    // database with hundreds of concurrent writes (a busy guild's burst, not an unbounded one).
    const WINDOW = 32;
    const storedNow = () => Message.countDocuments({ channel: 'discord', direction: 'in' });
    const start = performance.now();
    let sent = 0;
    let stored = 0;
    while (stored < DISPATCHES) {
      while (sent < DISPATCHES && sent - stored < WINDOW) {
        discord.dm(users[sent % CUSTOMERS] as DiscordUser, TEXTS[sent % TEXTS.length] ?? 'Hi');
        sent++;
      }
      await sleep(10);
      stored = await storedNow();
      if (performance.now() - start > 300_000) throw new Error('timed out: dispatches not stored');
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      phase: `Discord: ${DISPATCHES} MESSAGE_CREATE dispatches, up to 32 unstored`,
      stored: await Message.countDocuments({ channel: 'discord', direction: 'in' }),
      failed: 0,
      seconds: round(seconds, 2),
      perSecond: round(DISPATCHES / seconds),
      ackP50ms: 0,
      ackP99ms: 0,
    };
  })();
  console.log(`discord: ${discordPhase.perSecond} stored/s`);
  await app.ctx.pipeline.drain();

  // The backlog of phases 1 and 2 (bot answers, desk posts) goes out before latency is measured.
  const idle = async () => {
    const { delivery, slackMirror } = app.core.infra.producers;
    for (const q of [delivery, slackMirror]) {
      await until(
        `${q.name} idle`,
        async () => {
          const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          return Object.values(c).every((n) => n === 0);
        },
        300_000,
      );
    }
  };
  await idle();

  // 3. Agent reply in a Slack thread → the Discord customer's DM.
  const replyPhase = await (async () => {
    await app.core.infra.models.Agent.updateOne({ email: ADMIN.email }, { $set: { slackUserId: 'UAGENT' } });
    const threads: { root: string; dm: string }[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const u: DiscordUser = {
        id: String(960000000000000000n + BigInt(i)),
        username: `t${i}`,
        discriminator: '0',
        global_name: `Ticket ${i}`,
        avatar: null,
      };
      discord.dm(u, 'My parcel arrived broken, I want a refund now!');
      const dm = await discord.waitFor('dm', () => discord.dmChannelOf(u.id));
      let ticketId = '';
      await until('ticket', async () => {
        const identity = await app.core.infra.models.Identity.findOne({
          channel: 'discord',
          externalId: u.id,
        }).lean();
        const ticket = identity
          ? await app.core.infra.models.Ticket.findOne({ customerId: identity.customerId }).lean()
          : null;
        ticketId = ticket ? String(ticket._id) : '';
        return Boolean(ticketId);
      });
      const root = await slack.waitFor('desk post', () =>
        slack.botPosts(AGENTS).find((p) => !p.threadTs && p.metadata?.event_payload.id === ticketId),
      );
      threads.push({ root: root.ts, dm });
    }
    await app.ctx.pipeline.drain();
    await idle();
    const sentAt = new Map<string, number>();
    const latency: number[] = [];
    discord.onMessage = (m) => {
      const key = /bench-reply-\d+/.exec(m.content)?.[0];
      const t0 = key ? sentAt.get(key) : undefined;
      if (t0 !== undefined) latency.push(performance.now() - t0);
    };
    const start = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < REPLIES; i++) {
      const due = start + (i * 1000) / REPLY_RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const thread = threads[i % TICKETS] as { root: string; dm: string };
      const key = `bench-reply-${i}`;
      sentAt.set(key, performance.now());
      pending.push(
        slack.userWrites('UAGENT', AGENTS, `Sorry about that (${key})`, { threadTs: thread.root }),
      );
    }
    await Promise.all(pending);
    await until('every reply delivered', async () => latency.length >= REPLIES, 60_000);
    discord.onMessage = null;
    return {
      replies: REPLIES,
      ratePerSecond: REPLY_RATE,
      p50ms: round(percentile(latency, 50), 1),
      p99ms: round(percentile(latency, 99), 1),
      maxMs: round(Math.max(...latency), 1),
    };
  })();

  console.log(
    `\nParley channels benchmark — database: ${servers.mongoLabel}; encoders ${ENCODERS ? 'on' : 'off'}\n`,
  );
  printTable([slackPhase, discordPhase]);
  console.log('');
  printTable([
    {
      measure: `agent's Slack thread reply → customer's Discord DM (${REPLY_RATE}/s)`,
      replies: replyPhase.replies,
      p50_ms: replyPhase.p50ms,
      p99_ms: replyPhase.p99ms,
      max_ms: replyPhase.maxMs,
    },
  ]);
  const result = {
    benchmark: 'channels',
    at: new Date().toISOString(),
    node: process.version,
    database: servers.mongoLabel,
    encoders: ENCODERS,
    slack: slackPhase,
    discord: discordPhase,
    agentReplyToCustomer: replyPhase,
    // The table of `npm run bench`.
    table: [
      {
        name: 'Slack: signed events stored per second',
        value: slackPhase.perSecond,
        unit: '/s',
        target: null,
      },
      { name: 'Slack: event acknowledged, p99', value: slackPhase.ackP99ms, unit: 'ms', target: null },
      {
        name: 'Discord: dispatches stored per second',
        value: discordPhase.perSecond,
        unit: '/s',
        target: null,
      },
      {
        name: "Agent's Slack thread reply → customer's Discord DM, p99",
        value: replyPhase.p99ms,
        unit: 'ms',
        target: null,
      },
    ],
  };
  const out = path.resolve('bench/results/channels.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);

  await workers.close();
  await app.core.infra.mongo.dropDatabase();
  await app.close();
  await discord.stop();
  await slack.stop();
  await servers.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
