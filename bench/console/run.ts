/**
 * Console benchmark: the time from a customer's message to its `message:new` event in every one
 * of 200 connected staff consoles (agents and supervisors on /agents; the supervisors also on
 * /supervisors, whose `queue:live` push is throttled to one a second), at a fixed inbound rate.
 * Every message belongs to a ticket waiting in the queue, so every console sees every message
 * (the widest fan-out). The consoles run in a worker thread, the server and the widget senders
 * in the main one.
 *
 *   npm run bench:console
 * Env: BENCH_CONSOLES (200), BENCH_SUPERVISORS (50 of them), BENCH_VISITORS (20 widget sockets),
 *      BENCH_RATE (total msg/s, 5), BENCH_SECONDS (10), BENCH_ENCODER (false: the n-gram model
 *      alone, so the figures are about the fan-out), MONGODB_URI / REDIS_URL (else embedded servers).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { benchServers } from '../lib/servers.js';
import { percentile, printTable, round } from '../lib/stats.js';

const CONSOLES = Number(process.env.BENCH_CONSOLES ?? 200);
const SUPERVISORS = Math.min(CONSOLES, Number(process.env.BENCH_SUPERVISORS ?? 50));
const VISITORS = Number(process.env.BENCH_VISITORS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ENCODER = process.env.BENCH_ENCODER ?? 'false';

const now = () => performance.timeOrigin + performance.now();
type Ack = { ok: boolean; data?: { message: { id: string } } };

function connectSocket(url: string, ns: string, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${ns}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

function request<T>(worker: Worker, type: string, answer: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; message?: string }) => {
      if (msg.type === 'error') reject(new Error(msg.message));
      if (msg.type !== answer) return;
      worker.off('message', onMessage);
      resolve(msg as T);
    };
    worker.on('message', onMessage);
    if (type) worker.postMessage({ type });
  });
}

async function main() {
  const servers = await benchServers();
  const dbName = `bench_console_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: 'bench@parley.local',
    ADMIN_PASSWORD: 'bench-password-123',
    RUN_WORKERS: 'false',
    NLP_SENTENCE_ENCODER: ENCODER,
    // Every benchmark socket comes from 127.0.0.1: the per-address limits would measure themselves.
    RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000000',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
  });
  const app = await buildApp({
    config,
    log: createLogger('warn'),
    mongoUri: servers.mongoUri,
    redisUrl: servers.redisUrl,
    redisPrefix: `${dbName}:`,
  });
  const url = await app.listen(0, '127.0.0.1');
  try {
    // Staff accounts and sessions straight through the stores (200 password hashes would only time scrypt).
    const consoles: { token: string; supervisor: boolean }[] = [];
    for (let i = 0; i < CONSOLES; i++) {
      const supervisor = i < SUPERVISORS;
      const role = supervisor ? 'supervisor' : 'agent';
      // Capacity 0: nobody is assigned automatically, so every ticket stays in the queue that all see.
      const staff = await app.core.stores.staff.create({
        email: `c${i}@bench.local`,
        name: `Console ${i}`,
        role,
        capacity: 0,
        passwordHash: 'x',
      });
      if (!staff) throw new Error('staff not created');
      consoles.push({
        supervisor,
        token: await app.ctx.sessions.create({
          agentId: staff.id,
          role,
          name: staff.name,
          email: staff.email,
        }),
      });
    }

    // Each visitor asks for a person first: a ticket waiting in the queue holds their conversation.
    const widgets = await Promise.all(
      Array.from({ length: VISITORS }, () => connectSocket(url, '/widget', {})),
    );
    let seq = 0;
    const send = async (w: Socket, text: string) =>
      (await w.timeout(30_000).emitWithAck('message:send', { clientMessageId: `b-${seq++}`, text })) as Ack;
    await Promise.all(widgets.map((w) => send(w, 'I want to talk to a human, please')));
    await app.core.pipeline.drain();
    const waiting = (await app.core.stores.tickets.liveCounts()).unassigned;

    // Node 20 ignores `--import` in a worker's execArgv: the thread registers tsx itself.
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const entry = JSON.stringify(new URL('./consoles.ts', import.meta.url).href);
    const worker = new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); })`, {
      eval: true,
      workerData: { url, consoles },
    });
    const ready = await request<{ sockets: number }>(worker, '', 'ready');
    // Every console's presence is written (each shows online) before the measured phase.
    const settleStart = performance.now();
    for (;;) {
      const online = (await app.core.stores.staff.list({ activeOnly: true, limit: 1000 })).filter(
        (m) => m.status === 'online',
      ).length;
      if (online >= CONSOLES) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(
      `consoles connected and online after ${round((performance.now() - settleStart) / 1000, 1)} s`,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();

    // The fixed-rate phase (open loop): message i is sent at start + i / RATE seconds.
    const sentAt = new Map<string, number>();
    const ackMs: number[] = [];
    const total = RATE * SECONDS;
    const start = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const w = widgets[i % widgets.length] as Socket;
      const id = `b-${seq++}`;
      const t0 = now();
      sentAt.set(id, t0);
      pending.push(
        w
          .timeout(30_000)
          .emitWithAck('message:send', { clientMessageId: id, text: `Any news on this? (${i})` })
          .then(() => ackMs.push(now() - t0)),
      );
    }
    await Promise.all(pending);
    const seconds = (performance.now() - start) / 1000;
    loop.disable();
    await app.core.pipeline.drain();
    await new Promise((r) => setTimeout(r, 3000)); // late arrivals and the last queue:live push

    const report = await request<{ arrivals: [string, number[]][]; livePushes: number[][] }>(
      worker,
      'report',
      'report',
    );
    const arrivals = new Map(report.arrivals);
    const perConsole: number[] = [];
    const lastConsole: number[] = [];
    let delivered = 0;
    for (const [id, t0] of sentAt) {
      const times = arrivals.get(id) ?? [];
      delivered += times.length;
      for (const t of times) perConsole.push(t - t0);
      if (times.length === CONSOLES) lastConsole.push(Math.max(...times) - t0);
    }
    // For the supervisors' view: from a message to the next queue:live push a supervisor got.
    const toLive: number[] = [];
    for (const pushes of report.livePushes) {
      for (const t0 of sentAt.values()) {
        const next = pushes.find((p) => p >= t0);
        if (next !== undefined) toLive.push(next - t0);
      }
    }
    // queue:live during the phase: how often, and the shortest time between two (the throttle).
    const phaseStart = start + performance.timeOrigin;
    const phaseEnd = phaseStart + seconds * 1000;
    const inPhase = report.livePushes.map((p) =>
      p.filter((x) => x >= phaseStart && x < phaseEnd).sort((a, b) => a - b),
    );
    const gaps = inPhase.flatMap((p) => p.slice(1).map((x, i) => x - (p[i] as number)));
    const minGap = gaps.length ? round(Math.min(...gaps), 0) : 0;
    const livePerSecond = inPhase.length
      ? round(inPhase.reduce((a, p) => a + p.length, 0) / inPhase.length / seconds, 2)
      : 0;
    await request(worker, 'close', 'closed');
    await worker.terminate();
    for (const w of widgets) w.close();

    const rows = [
      {
        measure: `message:new at each console (${CONSOLES} consoles)`,
        count: perConsole.length,
        p50_ms: round(percentile(perConsole, 50), 1),
        p99_ms: round(percentile(perConsole, 99), 1),
      },
      {
        measure: `message:new at the last of the ${CONSOLES} consoles`,
        count: lastConsole.length,
        p50_ms: round(percentile(lastConsole, 50), 1),
        p99_ms: round(percentile(lastConsole, 99), 1),
      },
      {
        measure: 'widget ack (stored in the database)',
        count: ackMs.length,
        p50_ms: round(percentile(ackMs, 50), 1),
        p99_ms: round(percentile(ackMs, 99), 1),
      },
      {
        measure: `next queue:live at each of ${SUPERVISORS} supervisors (≤ 1/s)`,
        count: toLive.length,
        p50_ms: round(percentile(toLive, 50), 1),
        p99_ms: round(percentile(toLive, 99), 1),
      },
    ];
    console.log(
      `\nParley console benchmark — database: ${servers.mongoLabel}; ${CONSOLES} consoles (${SUPERVISORS} supervisors, ${ready.sockets} sockets), ` +
        `${VISITORS} visitors with ${waiting} tickets in the queue, ${RATE} msg/s for ${round(seconds, 1)} s (encoders: ${ENCODER})\n`,
    );
    printTable(rows);
    console.log(
      `\ndelivered ${delivered} of ${sentAt.size * CONSOLES} message events; queue:live pushes per supervisor: ${livePerSecond}/s (shortest gap ${minGap} ms); ` +
        `server event loop delay p50 ${round(loop.percentile(50) / 1e6, 1)} ms, p99 ${round(loop.percentile(99) / 1e6, 1)} ms`,
    );
    const out = path.resolve('bench/results/console.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          benchmark: 'console',
          at: new Date().toISOString(),
          node: process.version,
          database: servers.mongoLabel,
          consoles: CONSOLES,
          supervisors: SUPERVISORS,
          visitors: VISITORS,
          rate: RATE,
          seconds: round(seconds, 2),
          encoders: ENCODER,
          delivered,
          expected: sentAt.size * CONSOLES,
          queueLivePerSecond: livePerSecond,
          queueLiveShortestGapMs: minGap,
          rows,
          // The table of `npm run bench`.
          table: [
            {
              name: `Customer message → message:new at each of ${CONSOLES} consoles, p50`,
              value: rows[0]?.p50_ms ?? 0,
              unit: 'ms',
              target: null,
            },
            {
              name: `Customer message → message:new at each of ${CONSOLES} consoles, p99`,
              value: rows[0]?.p99_ms ?? 0,
              unit: 'ms',
              target: null,
            },
            {
              name: 'Message events delivered to the consoles (of those due)',
              value: round((delivered / Math.max(1, sentAt.size * CONSOLES)) * 100, 1),
              unit: '%',
              target: null,
            },
            {
              name: 'queue:live pushes per supervisor (throttled to ≤ 1/s)',
              value: livePerSecond,
              unit: '/s',
              target: null,
            },
          ],
        },
        null,
        2,
      )}\n`,
    );
    console.log(`written ${path.relative(process.cwd(), out)}`);
  } finally {
    await app.close();
    // After the app: its last presence writes (the consoles going) still needed the database.
    const conn = await mongoose.createConnection(servers.mongoUri, { dbName }).asPromise();
    await conn.dropDatabase().catch(() => {});
    await conn.close();
    await servers.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
