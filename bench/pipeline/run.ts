/**
 * Pipeline benchmark: N widget sockets send customer messages through the real server to a
 * connected agent socket. Reports acknowledged latency (send → ack, i.e. stored in MongoDB) and
 * message-to-agent latency (send → the agent's `message:new`), at a fixed rate and at
 * saturation, next to the raw ceiling of the same database for the writes one message needs.
 *
 *   npm run bench               (all benchmarks)
 *   npx tsx bench/pipeline/run.ts
 * Env: BENCH_SOCKETS (20), BENCH_RATE (total msg/s of the fixed-rate phase, 40),
 *      BENCH_SECONDS (10 per phase), MONGODB_URI / REDIS_URL (else embedded servers).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mongoose, { Schema } from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { benchServers } from '../lib/servers.js';
import { percentile, printTable, round } from '../lib/stats.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ADMIN = { email: 'bench@parley.local', password: 'bench-password-123' };

const TEXTS = [
  'Where is my order 10023?',
  'Do you ship to Canada?',
  'My package arrived damaged, I want a refund',
  'How do I reset my password?',
  '我的订单什么时候发货？',
  'Can I change the delivery address?',
];

type Ack = { ok: boolean; data?: { message: { id: string } } };

interface PhaseResult {
  phase: string;
  sent: number;
  acked: number;
  atAgent: number;
  seconds: number;
  msgPerSec: number;
  ackP50: number;
  ackP99: number;
  agentP50: number;
  agentP99: number;
}

function connectSocket(url: string, ns: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

async function main() {
  const servers = await benchServers();
  const dbName = `bench_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RUN_WORKERS: 'false',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
    // Every benchmark socket comes from 127.0.0.1, far faster than customers: measure the pipeline, not the limits.
    RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000000',
  });
  const app = await buildApp({
    config,
    log: createLogger('warn'),
    mongoUri: servers.mongoUri,
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
  });
  const url = await app.listen(0, '127.0.0.1');
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await res.json()) as { token: string };
  const agent = await connectSocket(url, '/agents', { token });
  const atAgent = new Map<string, number>();
  agent.on('message:new', (m: { id: string; author: { kind: string } }) => {
    if (m.author.kind === 'customer') atAgent.set(m.id, performance.now());
  });
  const widgets = await Promise.all(Array.from({ length: SOCKETS }, () => connectSocket(url, '/widget', {})));

  let seq = 0;
  async function sendOne(socket: Socket, sent: Map<string, number>, ackMs: number[]): Promise<boolean> {
    const t0 = performance.now();
    const ack = (await socket.timeout(30_000).emitWithAck('message:send', {
      clientMessageId: `b-${seq++}`,
      text: TEXTS[seq % TEXTS.length],
    })) as Ack;
    if (!ack.ok || !ack.data) return false;
    ackMs.push(performance.now() - t0);
    sent.set(ack.data.message.id, t0);
    return true;
  }

  async function settle(sent: Map<string, number>) {
    const end = Date.now() + 10_000;
    while (Date.now() < end && [...sent.keys()].some((id) => !atAgent.has(id)))
      await new Promise((r) => setTimeout(r, 50));
  }

  function summarise(
    phase: string,
    sentCount: number,
    sent: Map<string, number>,
    ackMs: number[],
    seconds: number,
  ): PhaseResult {
    const agentMs = [...sent].flatMap(([id, t0]) => {
      const t1 = atAgent.get(id);
      return t1 === undefined ? [] : [t1 - t0];
    });
    return {
      phase,
      sent: sentCount,
      acked: ackMs.length,
      atAgent: agentMs.length,
      seconds: round(seconds, 2),
      msgPerSec: round(ackMs.length / seconds),
      ackP50: round(percentile(ackMs, 50), 2),
      ackP99: round(percentile(ackMs, 99), 2),
      agentP50: round(percentile(agentMs, 50), 2),
      agentP99: round(percentile(agentMs, 99), 2),
    };
  }

  // Warm-up: every socket's first message creates its customer, conversation and ticket.
  await Promise.all(widgets.map((w) => sendOne(w, new Map(), [])));
  await app.ctx.pipeline.drain();

  // Phase 1: a fixed total rate, spread evenly over the sockets (open loop).
  const fixed = await (async () => {
    const sent = new Map<string, number>();
    const ackMs: number[] = [];
    const total = RATE * SECONDS;
    const intervalMs = 1000 / RATE;
    const start = performance.now();
    const pending: Promise<boolean>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(sendOne(widgets[i % widgets.length] as Socket, sent, ackMs));
    }
    await Promise.all(pending);
    const seconds = (performance.now() - start) / 1000;
    await settle(sent);
    return summarise(`fixed ${RATE} msg/s`, total, sent, ackMs, seconds);
  })();

  // Phase 2: saturation — every socket sends its next message as soon as the last is acknowledged.
  const saturated = await (async () => {
    const sent = new Map<string, number>();
    const ackMs: number[] = [];
    let count = 0;
    const start = performance.now();
    const stopAt = start + SECONDS * 1000;
    await Promise.all(
      widgets.map(async (w) => {
        while (performance.now() < stopAt) {
          count++;
          await sendOne(w, sent, ackMs);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    await settle(sent);
    return summarise(`saturated, ${SOCKETS} in flight`, count, sent, ackMs, seconds);
  })();
  await app.ctx.pipeline.drain();

  // The database's own ceiling for one message's minimum writes (insert + upsert), same concurrency.
  const ceiling = await (async () => {
    const conn = await mongoose.createConnection(servers.mongoUri, { dbName: `${dbName}_raw` }).asPromise();
    const Msg = conn.model(
      'RawMessage',
      new Schema({ k: { type: String, unique: true }, text: String, at: Date }),
    );
    const Conv = conn.model(
      'RawConversation',
      new Schema({ k: { type: String, unique: true }, n: Number, at: Date }),
    );
    await Msg.createIndexes();
    await Conv.createIndexes();
    const lat: number[] = [];
    let n = 0;
    const start = performance.now();
    const stopAt = start + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: SOCKETS }, async (_, w) => {
        while (performance.now() < stopAt) {
          const t0 = performance.now();
          await Msg.create({ k: `m-${n++}`, text: 'hello', at: new Date() });
          await Conv.updateOne(
            { k: `c-${w}` },
            { $inc: { n: 1 }, $set: { at: new Date() } },
            { upsert: true },
          );
          lat.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    await conn.dropDatabase();
    await conn.close();
    return {
      msgPerSec: round(lat.length / seconds),
      p50: round(percentile(lat, 50), 2),
      p99: round(percentile(lat, 99), 2),
    };
  })();

  const fraction = round((saturated.msgPerSec / ceiling.msgPerSec) * 100, 1);
  console.log(
    `\nParley pipeline benchmark — database: ${servers.mongoLabel}; ${SOCKETS} widget sockets → 1 agent socket\n`,
  );
  printTable([fixed, saturated].map((r) => ({ ...r })));
  console.log('');
  printTable([
    {
      measure: `database ceiling: insert + upsert, ${SOCKETS} in flight`,
      'msg/s': ceiling.msgPerSec,
      p50_ms: ceiling.p50,
      p99_ms: ceiling.p99,
    },
    {
      measure: 'Parley saturated (full pipeline per message)',
      'msg/s': saturated.msgPerSec,
      p50_ms: saturated.ackP50,
      p99_ms: saturated.ackP99,
    },
  ]);
  console.log(`\nParley sustains ${fraction} % of the database's raw insert+upsert rate.`);

  const result = {
    benchmark: 'pipeline',
    at: new Date().toISOString(),
    node: process.version,
    database: servers.mongoLabel,
    sockets: SOCKETS,
    phases: [fixed, saturated],
    databaseCeiling: ceiling,
    fractionOfCeilingPercent: fraction,
  };
  const out = path.resolve('bench/results/pipeline.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${path.relative(process.cwd(), out)}`);

  agent.close();
  for (const w of widgets) w.close();
  await app.core.infra.mongo.dropDatabase();
  await app.close();
  await servers.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
