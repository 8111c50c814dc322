import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import mongoose from 'mongoose';
import { freePort } from '../../src/infra/embedded/free-port.js';
import { ADMIN } from './test-app.js';

/**
 * A Parley deployment of real processes, started by their production entries: app processes
 * (`src/main.ts` with RUN_WORKERS=false, each on its own fixed port so a restart comes back
 * where its clients reconnect) and a workers process (`workers/main.ts`), on one database and
 * one Redis. Each can be SIGKILLed and started again, as a crash and its supervisor would.
 */
export interface EntryProcess {
  readonly name: string;
  /** The app's base URL ('' for workers). */
  readonly url: string;
  /** The app's port (0 for workers). */
  readonly port: number;
  readonly pid: number | undefined;
  running(): boolean;
  /** Starts it (again, on the same port) and resolves once it serves. */
  start(): Promise<void>;
  /** SIGKILL: no goodbye. */
  kill(): Promise<void>;
  /** SIGTERM and wait (graceful shutdown). */
  stop(): Promise<void>;
  /** Its stderr and the end of its stdout, for failure messages. */
  output(): string;
}

const ENTRIES = { app: 'src/main.ts', workers: 'workers/main.ts' } as const;
const READY = { app: /Parley is running on/, workers: /parley workers ready/ } as const;

export async function entryProcess(
  name: string,
  kind: 'app' | 'workers',
  env: Record<string, string>,
): Promise<EntryProcess> {
  const port = kind === 'app' ? await freePort() : 0;
  let child: ChildProcess | null = null;
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  const handle: EntryProcess = {
    name,
    url: kind === 'app' ? `http://127.0.0.1:${port}` : '',
    port,
    get pid() {
      return child?.pid;
    },
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    async start() {
      if (handle.running()) return;
      const c = spawn(process.execPath, ['--import', 'tsx', ENTRIES[kind]], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port || 3000}`,
          RUN_WORKERS: 'false',
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          DATA_DIR: '.data/test',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      c.stderr?.on('data', keep);
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`${name} did not start within 60 s:\n${out}\n${log}`)),
          60_000,
        );
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          keep(chunk);
          if (READY[kind].test(out)) {
            clearTimeout(timer);
            c.stdout?.off('data', onData);
            c.stdout?.on('data', keep);
            resolve();
          }
        };
        c.stdout?.on('data', onData);
        c.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited (${code ?? signal}) while starting:\n${out}\n${log}`));
        });
      });
    },
    async kill() {
      const c = child;
      if (!c || !handle.running()) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const c = child;
      if (!c || !handle.running()) return;
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    output: () => log,
  };
  return handle;
}

/** The environment every process of one deployment shares (the same secret signs visitor tokens). */
export function deploymentEnv(opts: {
  mongoUri: string;
  dbName: string;
  redisUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    MONGODB_URI: opts.mongoUri,
    MONGODB_DB: opts.dbName,
    REDIS_URL: opts.redisUrl,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    NLP_SENTENCE_ENCODER: 'false',
    ...opts.extra,
  };
}

/** A plain connection to the deployment's database, for the test to count what was stored. */
export async function openDatabase(mongoUri: string, dbName: string) {
  const conn = await mongoose
    .createConnection(mongoUri, { dbName, serverSelectionTimeoutMS: 30_000 })
    .asPromise();
  const col = (name: string) => {
    const db = conn.db;
    if (!db) throw new Error('no database');
    return db.collection(name);
  };
  return {
    messages: () => col('messages'),
    tickets: () => col('tickets'),
    conversations: () => col('conversations'),
    customers: () => col('customers'),
    campaigns: () => col('campaigns'),
    campaignDeliveries: () => col('deliveries'),
    campaignResults: () => col('delivery_results'),
    async drop() {
      await conn.dropDatabase().catch(() => {});
    },
    close: () => conn.close(),
  };
}
