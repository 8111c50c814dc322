/**
 * Connections benchmark: how many idle widget visitors one app process holds, what each costs in
 * memory, and whether a message's round trip stays fast while they are connected.
 *
 * The deployment is production-shaped: one app process (Socket.IO, no workers) and one workers
 * process (periodic jobs), forked from here, on the real database and Redis. The idle visitors
 * are /widget connections opened by client processes (a process holds at most its
 * file-descriptor limit of sockets). Active visitors, in this process, each send a message every
 * ACTIVE / RATE seconds and time (a) the ack (the message is stored) and (b) the bot's answer
 * arriving on the socket (pipeline, the answer stored and pushed through the event bus, back to
 * the visitor).
 * Both are measured with no idle visitors, then with all of them, in the same run.
 *
 *   npm run bench:connections
 * Env: BENCH_CONNECTIONS (20000 idle visitors; capped by the app process's open-file limit,
 *      which is reported), BENCH_PER_CLIENT_PROCESS (5000), BENCH_ACTIVE (20 visitors),
 *      BENCH_RATE (10 msg/s in all), BENCH_SECONDS (20 per phase), MONGODB_URI / REDIS_URL.
 * Raise the limit first where you can: `ulimit -n 65536` (a container may forbid it).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { benchServers } from '../lib/servers.js';
import { percentile, printTable, round } from '../lib/stats.js';

const TARGET = Number(process.env.BENCH_CONNECTIONS ?? 20_000);
const PER_PROCESS = Number(process.env.BENCH_PER_CLIENT_PROCESS ?? 5000);
const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Descriptors the app process keeps free for its database, Redis and HTTP requests. */
const FD_RESERVE = 100;
const TEXTS = ['Hello!', 'Where is my order 10023?', 'Hi there', 'Thanks, that is all'];

interface Stats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  fds: number;
  sockets: number;
  /** The app's event-loop delay since the previous report. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}
type Msg = { type: string; [k: string]: unknown };
type View = { id: string; author: { kind: string } };
type Ack = { ok: boolean; data?: { message: View }; error?: { code: string; message: string } };

const here = (f: string) => new URL(f, import.meta.url).pathname;
const KiB = (bytes: number) => round(bytes / 1024, 1);
const MiB = (bytes: number) => round(bytes / 1024 / 1024, 1);

function next(child: ChildProcess, type: string, timeoutMs = 600_000): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from a child in time`)), timeoutMs);
    const onMessage = (msg: Msg) => {
      if (msg.type === 'error') console.error(`child error: ${String(msg.message)}`);
      if (msg.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`a child exited (${code}) before ${type}`)));
  });
}

async function ask<T extends Msg>(child: ChildProcess, type: string, answerType = type): Promise<T> {
  const answer = next(child, answerType, 60_000);
  child.send({ type });
  return (await answer) as T;
}

function openFileLimit(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

/** A visitor that talks: one message in flight, timing its ack and the bot's answer. */
class ActiveVisitor {
  readonly socket: Socket;
  private waiting: ((at: number) => void) | null = null;
  constructor(url: string) {
    this.socket = io(`${url}/widget`, { transports: ['websocket'], forceNew: true, reconnection: false });
    this.socket.on('message:new', (m: View) => {
      if (m.author.kind === 'customer') return;
      const w = this.waiting;
      this.waiting = null;
      w?.(performance.now());
    });
  }
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }
  async roundTrip(id: string, text: string): Promise<{ ackMs: number; answerMs: number | null }> {
    const t0 = performance.now();
    const answered = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 10_000);
      this.waiting = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
    const ack = (await this.socket
      .timeout(30_000)
      .emitWithAck('message:send', { clientMessageId: id, text })) as Ack;
    const ackMs = performance.now() - t0;
    if (!ack.ok) throw new Error(`message refused: ${ack.error?.code} ${ack.error?.message}`);
    const at = await answered;
    return { ackMs, answerMs: at === null ? null : at - t0 };
  }
}

async function talk(visitors: ActiveVisitor[], phase: string) {
  const ack: number[] = [];
  const answer: number[] = [];
  let unanswered = 0;
  let seq = 0;
  const everyMs = (visitors.length * 1000) / RATE;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    visitors.map(async (v, i) => {
      // Spread over the interval, so the rate is steady rather than in bursts.
      await new Promise((r) => setTimeout(r, (i * everyMs) / visitors.length));
      while (performance.now() < end) {
        const started = performance.now();
        const n = seq++;
        const r = await v.roundTrip(`${phase}-${i}-${n}`, TEXTS[n % TEXTS.length] as string);
        ack.push(r.ackMs);
        if (r.answerMs === null) unanswered++;
        else answer.push(r.answerMs);
        const wait = everyMs - (performance.now() - started);
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      }
    }),
  );
  return { ack, answer, unanswered };
}

async function main() {
  console.log(
    `load before: ${loadavg()
      .map((l) => round(l, 2))
      .join(', ')} on ${cpus().length} cores`,
  );
  const servers = await benchServers();
  const dbName = `bench_conn_${randomBytes(3).toString('hex')}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MONGODB_DB: dbName,
    ADMIN_EMAIL: 'bench@parley.local',
    ADMIN_PASSWORD: 'bench-password-123',
    RUN_WORKERS: 'false',
    NLP_SENTENCE_ENCODER: 'false',
    // Every benchmark socket comes from 127.0.0.1: the per-address limits would measure themselves.
    RATE_LIMIT_NEW_VISITORS_PER_MINUTE: '1000000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000000',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: '.data/bench',
    BENCH_MONGO_URI: servers.mongoUri,
    BENCH_REDIS_URL: servers.redisUrl,
    BENCH_REDIS_PREFIX: `${dbName}:`,
  };
  const execArgv = ['--import', 'tsx', '--expose-gc'];
  // Node flags for the app process alone (e.g. garbage-collector sizes), to compare settings.
  const appArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const app = fork(here('./server.ts'), ['app'], { env, execArgv: [...execArgv, ...appArgs] });
  const workers = fork(here('./server.ts'), ['workers'], { env, execArgv });
  const clients: ChildProcess[] = [];
  const visitors: ActiveVisitor[] = [];
  try {
    const { url } = (await next(app, 'ready', 120_000)) as Msg & { url: string };
    await next(workers, 'ready', 120_000);

    for (let i = 0; i < ACTIVE; i++) visitors.push(new ActiveVisitor(url));
    await Promise.all(visitors.map((v) => v.connected()));
    // Warm up (code paths, connection pools, each visitor's customer record), then no idle visitors.
    await Promise.all(visitors.map((v, i) => v.roundTrip(`warm-${i}`, 'Hello!')));
    await ask(app, 'stats'); // starts the event-loop delay afresh for the quiet phase
    await new Promise((r) => setTimeout(r, 1_000));
    const quiet = await talk(visitors, 'quiet');
    const before = await ask<Msg & Stats>(app, 'stats');

    const limit = openFileLimit(app.pid as number);
    const idle = Math.max(0, Math.min(TARGET, limit - before.fds - FD_RESERVE));
    if (idle < TARGET) {
      console.log(
        `the app process may open ${limit} files (hard limit; \`ulimit -n\` cannot raise it here): ` +
          `${idle} idle connections instead of ${TARGET}`,
      );
    }
    const started = performance.now();
    for (let left = idle; left > 0; left -= PER_PROCESS) {
      clients.push(
        fork(here('./clients.ts'), [url, String(Math.min(PER_PROCESS, left)), '100'], {
          execArgv: ['--import', 'tsx'],
        }),
      );
    }
    const opened = await Promise.all(clients.map((c) => next(c, 'ready')));
    const connectSeconds = (performance.now() - started) / 1000;
    const connected = opened.reduce((n, m) => n + Number(m.connected), 0);
    // Let the handshakes' garbage go and the first ping round pass.
    await new Promise((r) => setTimeout(r, 30_000));
    const after = await ask<Msg & Stats>(app, 'stats');
    // The forced collections of that measurement (hundreds of ms on this heap) settle first.
    await new Promise((r) => setTimeout(r, 3_000));
    const busy = await talk(visitors, 'busy');
    const busyLoop = await ask<Msg & Stats>(app, 'stats');
    const counts = await Promise.all(clients.map((c) => ask(c, 'count')));
    const stillConnected = counts.reduce((n, m) => n + Number(m.connected), 0);
    const dropped = counts.reduce((n, m) => n + Number(m.dropped), 0);
    const held = after.sockets - before.sockets;

    const rows = [
      { phase: 'no idle visitors', measure: 'ack (stored)', ...dist(quiet.ack) },
      { phase: 'no idle visitors', measure: "bot's answer on the socket", ...dist(quiet.answer) },
      { phase: `${held} idle visitors`, measure: 'ack (stored)', ...dist(busy.ack) },
      { phase: `${held} idle visitors`, measure: "bot's answer on the socket", ...dist(busy.answer) },
    ];
    const loopRows = [
      { phase: 'no idle visitors', p99_ms: before.loopDelayP99Ms, max_ms: before.loopDelayMaxMs },
      { phase: `${held} idle visitors`, p99_ms: busyLoop.loopDelayP99Ms, max_ms: busyLoop.loopDelayMaxMs },
    ];
    const perConnection = {
      rssKiB: KiB((after.rss - before.rss) / Math.max(1, held)),
      heapKiB: KiB((after.heapUsed - before.heapUsed) / Math.max(1, held)),
      externalKiB: KiB((after.external - before.external) / Math.max(1, held)),
    };
    console.log(
      `\nParley connections benchmark — database: ${servers.mongoLabel}; one app process holding ${held} idle /widget connections ` +
        `(${connected} opened in ${round(connectSeconds, 1)} s by ${clients.length} client processes; ${stillConnected} still connected after the busy phase, ${dropped} dropped); ` +
        `${ACTIVE} active visitors at ${RATE} msg/s for ${SECONDS} s per phase\n`,
    );
    printTable(rows);
    console.log("\nThe app process's event-loop delay in each phase:");
    printTable(loopRows);
    console.log(
      `\napp process: RSS ${MiB(before.rss)} → ${MiB(after.rss)} MiB, heap ${MiB(before.heapUsed)} → ${MiB(after.heapUsed)} MiB, ` +
        `open files ${before.fds} → ${after.fds} (limit ${limit})\n` +
        `per idle connection: ${perConnection.rssKiB} KiB RSS, ${perConnection.heapKiB} KiB heap, ${perConnection.externalKiB} KiB external; ` +
        `unanswered messages: ${quiet.unanswered + busy.unanswered}; load after: ${loadavg()
          .map((l) => round(l, 2))
          .join(', ')}`,
    );
    const p99 = percentile(busy.answer, 99);
    const out = path.resolve('bench/results/connections.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          benchmark: 'connections',
          at: new Date().toISOString(),
          node: process.version,
          machine: { cores: cpus().length, memoryGiB: round(totalmem() / 2 ** 30, 1), load: loadavg() },
          database: servers.mongoLabel,
          target: TARGET,
          openFileLimit: limit,
          idleHeld: held,
          stillConnectedAfter: stillConnected,
          dropped,
          connectSeconds: round(connectSeconds, 1),
          active: ACTIVE,
          rate: RATE,
          secondsPerPhase: SECONDS,
          perConnection,
          appMemory: { before, after },
          unanswered: quiet.unanswered + busy.unanswered,
          rows,
          eventLoopDelay: loopRows,
          // The table of `npm run bench` (names stay the same from run to run, for medians).
          table: [
            {
              name: 'Idle widget connections held by one app process (its open-file limit allows 20,000 less its own)',
              value: held,
              unit: 'connections',
              target: `≥ ${TARGET}`,
              pass: held >= TARGET && dropped === 0,
            },
            {
              name: 'Memory per idle connection (RSS)',
              value: perConnection.rssKiB,
              unit: 'KiB',
              target: null,
            },
            {
              name: 'Message round trip (bot answer on the socket) p99, no idle connections',
              value: round(percentile(quiet.answer, 99), 1),
              unit: 'ms',
              target: null,
            },
            {
              name: 'Message round trip (bot answer on the socket) p99, with the idle connections',
              value: round(p99, 1),
              unit: 'ms',
              target: '< 100',
              pass: p99 < 100 && busy.unanswered === 0,
            },
            {
              name: 'Acknowledgement (stored) p99, with the idle connections',
              value: round(percentile(busy.ack, 99), 1),
              unit: 'ms',
              target: null,
            },
            {
              name: "App process's event-loop delay p99, with the idle connections",
              value: busyLoop.loopDelayP99Ms,
              unit: 'ms',
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
    for (const v of visitors) v.socket.close();
    await Promise.all(clients.map((c) => ask(c, 'close', 'closed').catch(() => {})));
    await Promise.all([app, workers].map((c) => ask(c, 'close', 'closed').catch(() => {})));
    for (const c of [app, workers, ...clients]) if (c.exitCode === null) c.kill('SIGKILL');
    const conn = await mongoose.createConnection(servers.mongoUri, { dbName }).asPromise();
    await conn.dropDatabase().catch(() => {});
    await conn.close();
    await servers.stop();
  }
}

function dist(values: number[]) {
  return {
    count: values.length,
    p50_ms: round(percentile(values, 50), 1),
    p99_ms: round(percentile(values, 99), 1),
    max_ms: round(Math.max(0, ...values), 1),
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
