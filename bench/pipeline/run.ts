/**
 * Pipeline benchmark: widget sockets send customer messages through the real server to a
 * connected agent socket.
 *
 * 1. Round trips: the database commands of one inbound message the bot answers, one that opens a
 *    ticket, and an agent's reply (counted with the driver's command monitoring).
 * 2. Side by side, in alternating rounds (medians): the database's raw ceiling for one message's
 *    minimum writes (insert + upsert), the saturated pipeline with the n-gram classifier only, and
 *    the saturated pipeline with the sentence encoders on. Saturated = every socket sends its next
 *    message as soon as the last is acknowledged; the rate counts a message once it is stored AND
 *    processed (answered or handed to a ticket), so a backlog left behind does not count. Beside
 *    each rate: this process's CPU per message (the app and its benchmark sockets share it).
 * 3. A fixed rate at half each saturated rate: acknowledgement and message-to-agent latency.
 *
 *   npm run bench:pipeline
 * Env: BENCH_SOCKETS (20), BENCH_ROUNDS (3), BENCH_SECONDS (5 per saturated round),
 *      BENCH_FIXED_SECONDS (10), MONGODB_URI / REDIS_URL (else embedded servers).
 * Writes bench/results/pipeline.json (its `table` joins the table of `npm run bench`).
 */
import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { buildApp, type ParleyApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { benchMessage } from '../lib/messages.js';
import { type BenchRow, writeResult } from '../lib/results.js';
import { benchServers } from '../lib/servers.js';
import { median, percentile, printTable, round } from '../lib/stats.js';
import { type CaseCount, countMix, countRoundTrips } from './round-trips.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FIXED_SECONDS = Number(process.env.BENCH_FIXED_SECONDS ?? 10);
const ADMIN = { email: 'bench@parley.local', password: 'bench-password-123' };

type Ack = { ok: boolean; data?: { message: { id: string } } };

function connectSocket(url: string, ns: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

interface Bench {
  label: string;
  app: ParleyApp;
  agent: Socket;
  widgets: Socket[];
  atAgent: Map<string, number>;
  close(): Promise<void>;
}

async function startApp(
  servers: Awaited<ReturnType<typeof benchServers>>,
  label: string,
  encoders: boolean,
  opts: { monitor?: boolean; sockets: number },
): Promise<Bench> {
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
    NLP_SENTENCE_ENCODER: String(encoders),
    ...(process.env.INGEST_CONCURRENCY ? { INGEST_CONCURRENCY: process.env.INGEST_CONCURRENCY } : {}),
    // Every benchmark socket comes from 127.0.0.1, far faster than customers: measure the pipeline, not the limits.
    RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000000',
  });
  const app = await buildApp({
    config,
    log: createLogger('warn'),
    // The driver reports each command only when asked to (the round-trip count).
    mongoUri: opts.monitor ? `${servers.mongoUri}?monitorCommands=true` : servers.mongoUri,
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
  const widgets = await Promise.all(
    Array.from({ length: opts.sockets }, () => connectSocket(url, '/widget', {})),
  );
  return {
    label,
    app,
    agent,
    widgets,
    atAgent,
    async close() {
      agent.close();
      for (const w of widgets) w.close();
      await app.core.infra.mongo.dropDatabase();
      await app.close();
    },
  };
}

let seq = 0;
async function sendOne(socket: Socket, sent: Map<string, number>, ackMs: number[]): Promise<boolean> {
  const n = seq++;
  const t0 = performance.now();
  const ack = (await socket.timeout(30_000).emitWithAck('message:send', {
    clientMessageId: `b-${n}`,
    text: benchMessage(n),
  })) as Ack;
  if (!ack.ok || !ack.data) return false;
  ackMs.push(performance.now() - t0);
  sent.set(ack.data.message.id, t0);
  return true;
}

/** Waits until the agent saw every sent message (at most 10 s). */
async function settle(b: Bench, sent: Map<string, number>) {
  const end = Date.now() + 10_000;
  while (Date.now() < end && [...sent.keys()].some((id) => !b.atAgent.has(id)))
    await new Promise((r) => setTimeout(r, 20));
}

interface Saturated {
  stored: number;
  /** Acknowledged per second within the window. */
  ackPerSec: number;
  /** Stored and processed per second: the window's messages over the time until all were processed. */
  perSec: number;
  ackP50: number;
  ackP99: number;
  /** CPU of this process (the app and its benchmark clients) per stored message, in ms. */
  cpuMsPerMsg: number;
}

async function saturate(b: Bench, seconds: number): Promise<Saturated> {
  const sent = new Map<string, number>();
  const ackMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  await Promise.all(
    b.widgets.map(async (w) => {
      while (performance.now() < stopAt) await sendOne(w, sent, ackMs);
    }),
  );
  const acked = (performance.now() - start) / 1000;
  await b.app.ctx.pipeline.drain();
  const processed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await settle(b, sent);
  return {
    cpuMsPerMsg: round((cpu.user + cpu.system) / 1000 / Math.max(1, ackMs.length), 2),
    stored: ackMs.length,
    ackPerSec: round(ackMs.length / acked),
    perSec: round(ackMs.length / processed),
    ackP50: round(percentile(ackMs, 50), 1),
    ackP99: round(percentile(ackMs, 99), 1),
  };
}

/** Open loop: a fixed total rate spread evenly over the sockets. */
async function fixedRate(b: Bench, rate: number, seconds: number) {
  const sent = new Map<string, number>();
  const ackMs: number[] = [];
  const total = Math.max(1, Math.round(rate * seconds));
  const intervalMs = 1000 / rate;
  const start = performance.now();
  const pending: Promise<boolean>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(sendOne(b.widgets[i % b.widgets.length] as Socket, sent, ackMs));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  await b.app.ctx.pipeline.drain();
  await settle(b, sent);
  const agentMs = [...sent].flatMap(([id, t0]) => {
    const t1 = b.atAgent.get(id);
    return t1 === undefined ? [] : [t1 - t0];
  });
  return {
    rate: round(rate),
    sent: total,
    acked: ackMs.length,
    atAgent: agentMs.length,
    msgPerSec: round(ackMs.length / elapsed),
    ackP50: round(percentile(ackMs, 50), 1),
    ackP99: round(percentile(ackMs, 99), 1),
    agentP50: round(percentile(agentMs, 50), 1),
    agentP99: round(percentile(agentMs, 99), 1),
  };
}

/** The database's own ceiling for one message's minimum writes (insert + upsert), same concurrency. */
async function ceiling(mongoUri: string, seconds: number) {
  const conn = await mongoose
    .createConnection(mongoUri, { dbName: `bench_raw_${randomBytes(3).toString('hex')}` })
    .asPromise();
  try {
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
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const stopAt = start + seconds * 1000;
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
    const elapsed = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
      cpuMsPerMsg: round((cpu.user + cpu.system) / 1000 / Math.max(1, lat.length), 2),
      perSec: round(lat.length / elapsed),
      p50: round(percentile(lat, 50), 1),
      p99: round(percentile(lat, 99), 1),
    };
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

async function main() {
  const servers = await benchServers();

  // 1. Round trips, on an app of their own (the only one whose driver reports its commands).
  const counting = await startApp(servers, 'round trips', false, { monitor: true, sockets: SOCKETS });
  const observer = await mongoose
    .createConnection(servers.mongoUri, { dbName: counting.app.core.infra.mongo.name })
    .asPromise();
  const costs: CaseCount[] = await countRoundTrips({
    app: counting.app,
    observer,
    widget: counting.widgets[0] as Socket,
    agent: counting.agent,
  });
  // The saturated mix (what part 2 measures), per message: where its commands go.
  await Promise.all(counting.widgets.map((w) => sendOne(w, new Map(), [])));
  await counting.app.ctx.pipeline.drain();
  const mix = await countMix(counting.app, async () => (await saturate(counting, 3)).stored);
  await observer.close();
  await counting.close();
  console.log(`\nParley pipeline benchmark — database: ${servers.mongoLabel}\n`);
  console.log('Database round trips per message (writes: of which insert/update/findAndModify):');
  printTable(
    costs.map((c) => ({
      case: c.case,
      'until ack': c.ack.total,
      processing: c.processing.total,
      delivery: c.delivery.total,
      total: c.total,
      writes: c.writes,
    })),
  );
  for (const c of costs) {
    const all: Record<string, number> = {};
    for (const s of [c.ack, c.processing, c.delivery])
      for (const [k, v] of Object.entries(s.by)) all[k] = (all[k] ?? 0) + v;
    console.log(
      `  ${c.case}: ${Object.entries(all)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}`,
    );
  }

  console.log(
    `\nThe saturated mix (${SOCKETS} sockets, every message its own text): ${mix.perMessage} commands per stored message`,
  );
  console.log(
    `  ${Object.entries(mix.by)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );

  // 2. Side by side: ceiling, n-gram only, with encoders; the order turns each round.
  const ngram = await startApp(servers, 'n-gram classifier', false, { sockets: SOCKETS });
  const encoders = await startApp(servers, 'with sentence encoders', true, { sockets: SOCKETS });
  // Warm-up: every socket's first message creates its customer, conversation and ticket.
  for (const b of [ngram, encoders]) {
    await Promise.all(b.widgets.map((w) => sendOne(w, new Map(), [])));
    await b.app.ctx.pipeline.drain();
    await saturate(b, 1);
  }
  const ceilings: Awaited<ReturnType<typeof ceiling>>[] = [];
  const runs = new Map<Bench, Saturated[]>([
    [ngram, []],
    [encoders, []],
  ]);
  type Step = () => Promise<void>;
  const steps: Step[] = [
    async () => void ceilings.push(await ceiling(servers.mongoUri, SECONDS)),
    async () => void runs.get(ngram)?.push(await saturate(ngram, SECONDS)),
    async () => void runs.get(encoders)?.push(await saturate(encoders, SECONDS)),
  ];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < steps.length; i++) await (steps[(i + r) % steps.length] as Step)();
  }
  const ceilingPerSec = median(ceilings.map((c) => c.perSec));
  const sat = (b: Bench) => {
    const list = runs.get(b) ?? [];
    return {
      perSec: median(list.map((s) => s.perSec)),
      ackPerSec: median(list.map((s) => s.ackPerSec)),
      ackP50: median(list.map((s) => s.ackP50)),
      ackP99: median(list.map((s) => s.ackP99)),
      cpuMsPerMsg: median(list.map((s) => s.cpuMsPerMsg)),
      rounds: list.map((s) => s.perSec),
    };
  };
  const satN = sat(ngram);
  const satE = sat(encoders);

  // 3. Half of each saturated rate, open loop.
  const fixedN = await fixedRate(ngram, satN.perSec / 2, FIXED_SECONDS);
  const fixedE = await fixedRate(encoders, satE.perSec / 2, FIXED_SECONDS);

  console.log(
    `\nSaturated, ${SOCKETS} sockets in flight, median of ${ROUNDS} alternating rounds of ${SECONDS} s:`,
  );
  printTable([
    {
      measure: 'database ceiling: insert + upsert',
      'msg/s': ceilingPerSec,
      'ack msg/s': '',
      'of ceiling': '100 %',
      rounds: ceilings.map((c) => c.perSec).join(' / '),
      p50_ms: median(ceilings.map((c) => c.p50)),
      p99_ms: median(ceilings.map((c) => c.p99)),
      'node cpu ms/msg': median(ceilings.map((c) => c.cpuMsPerMsg)),
    },
    ...[
      [ngram, satN],
      [encoders, satE],
    ].map(([b, s]) => {
      const x = s as ReturnType<typeof sat>;
      return {
        measure: `Parley, ${(b as Bench).label} (stored + processed)`,
        'msg/s': x.perSec,
        'ack msg/s': x.ackPerSec,
        'of ceiling': `${round((x.perSec / ceilingPerSec) * 100, 1)} %`,
        rounds: x.rounds.join(' / '),
        p50_ms: x.ackP50,
        p99_ms: x.ackP99,
        'node cpu ms/msg': x.cpuMsPerMsg,
      };
    }),
  ]);
  console.log('\nAt half the saturated rate (open loop):');
  printTable([
    { measure: ngram.label, ...fixedN },
    { measure: encoders.label, ...fixedE },
  ]);
  const fraction = round((satN.perSec / ceilingPerSec) * 100, 1);
  const fractionE = round((satE.perSec / ceilingPerSec) * 100, 1);
  const encoderShare = round((satE.perSec / satN.perSec) * 100, 1);
  console.log(
    `\nParley sustains ${fraction} % of the database's insert+upsert rate (${fractionE} % with the encoders); ` +
      `with the encoders it keeps ${encoderShare} % of its rate without them.`,
  );

  const costOf = (i: number) => costs[i] as CaseCount;
  const rows: BenchRow[] = [
    {
      name: 'Database ceiling: insert + upsert pairs, 20 in flight',
      value: ceilingPerSec,
      unit: 'pairs/s',
      target: null,
    },
    {
      name: 'Pipeline saturated, n-gram classifier: share of the database ceiling',
      value: fraction,
      unit: '%',
      target: '≥ 50',
      pass: fraction >= 50,
    },
    {
      name: 'Pipeline saturated, n-gram classifier (stored + processed)',
      value: satN.perSec,
      unit: 'msg/s',
      target: null,
    },
    {
      name: 'Pipeline saturated, n-gram classifier: CPU of the benchmark process (app and its sockets) per message',
      value: satN.cpuMsPerMsg,
      unit: 'ms',
      target: null,
    },
    {
      name: 'Pipeline saturated, sentence encoders on: share of the rate without them',
      value: encoderShare,
      unit: '%',
      target: '≥ 80',
      pass: encoderShare >= 80,
    },
    {
      name: 'Pipeline saturated, sentence encoders on (stored + processed)',
      value: satE.perSec,
      unit: 'msg/s',
      target: null,
    },
    {
      name: `Pipeline at half the saturated rate (${fixedN.rate} msg/s), n-gram: ack p99`,
      value: fixedN.ackP99,
      unit: 'ms',
      target: '< 50',
      pass: fixedN.ackP99 < 50,
    },
    {
      name: `Pipeline at half the saturated rate (${fixedE.rate} msg/s), encoders on: ack p99`,
      value: fixedE.ackP99,
      unit: 'ms',
      target: '< 50',
      pass: fixedE.ackP99 < 50,
    },
    {
      name: 'Round trips: the saturated mix, per stored message',
      value: mix.perMessage,
      unit: 'commands',
      target: null,
    },
    {
      name: 'Round trips: inbound message answered by the bot',
      value: costOf(0).total,
      unit: 'commands',
      target: null,
    },
    {
      name: 'Round trips: inbound message that opens a ticket',
      value: costOf(1).total,
      unit: 'commands',
      target: null,
    },
    {
      name: 'Round trips: inbound message on its live ticket',
      value: costOf(2).total,
      unit: 'commands',
      target: null,
    },
    { name: 'Round trips: agent reply', value: costOf(3).total, unit: 'commands', target: null },
  ];
  writeResult('pipeline', {
    database: servers.mongoLabel,
    sockets: SOCKETS,
    rounds: ROUNDS,
    secondsPerRound: SECONDS,
    roundTrips: costs,
    saturatedMix: mix,
    databaseCeiling: { perSec: ceilingPerSec, rounds: ceilings },
    saturated: { ngram: satN, encoders: satE },
    halfRate: { ngram: fixedN, encoders: fixedE },
    fractionOfCeilingPercent: fraction,
    encodersShareOfRatePercent: encoderShare,
    table: rows,
  });

  await ngram.close();
  await encoders.close();
  await servers.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
