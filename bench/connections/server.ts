/**
 * A process of the connections benchmark's deployment, forked by run.ts: `app` (HTTP and
 * Socket.IO, no workers: the process whose connections are counted) or `workers` (the BullMQ
 * workers that deliver the bot's answers). Answers run.ts over IPC with its memory and open
 * file descriptors, after a full garbage collection (started with --expose-gc).
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../../src/app.js';
import { buildCore } from '../../src/composition/core.js';
import { workerContextOf } from '../../src/composition/worker-context.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/infra/logger.js';
import { startWorkers } from '../../workers/start-workers.js';

const role = process.argv[2];
const config = loadConfig(process.env);
const log = createLogger(config.logLevel, { bench: `connections-${role}` });
const base = {
  config,
  log,
  mongoUri: process.env.BENCH_MONGO_URI ?? '',
  redisUrl: process.env.BENCH_REDIS_URL ?? '',
  redisPrefix: process.env.BENCH_REDIS_PREFIX ?? 'parley:',
};

const send = (msg: unknown) => process.send?.(msg);
let close: () => Promise<void> = async () => {};

if (role === 'app') {
  const app = await buildApp(base);
  const url = await app.listen(0, '127.0.0.1');
  close = () => app.close();
  // How long callbacks waited for the event loop since the last report: what idle connections
  // (their heartbeats, the heap they make the collector walk) cost the messages in flight.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stats') return;
    const loop = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
    // Twice: a first collection can leave garbage that finalizers released.
    globalThis.gc?.();
    globalThis.gc?.();
    // After the delay these forced collections caused is recorded: it is the benchmark's, not the app's.
    setTimeout(() => loopDelay.reset(), 100);
    const m = process.memoryUsage();
    send({
      type: 'stats',
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      fds: readdirSync('/proc/self/fd').length,
      sockets: app.io.of('/widget').sockets.size,
      loopDelayP99Ms: Math.round(loop.p99Ms * 10) / 10,
      loopDelayMaxMs: Math.round(loop.maxMs * 10) / 10,
    });
  });
  send({ type: 'ready', url });
} else if (role === 'workers') {
  const core = await buildCore(base);
  const workers = await startWorkers(workerContextOf(core));
  close = async () => {
    await workers.close();
    await core.close();
  };
  send({ type: 'ready' });
} else {
  throw new Error(`unknown role ${role}`);
}

process.on('message', (msg: { type: string }) => {
  if (msg.type === 'close')
    void close().finally(() => {
      send({ type: 'closed' });
      process.exit(0);
    });
});
