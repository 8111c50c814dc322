import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/infra/embedded/free-port.js';

/**
 * Real servers a test owns, so it can kill and restart them: the faults the production
 * deployment must survive, on the real thing rather than on a mock.
 */
export interface OwnedServer {
  url: string;
  port: number;
  /** SIGKILL: no goodbye, as a crash or a pulled cable. */
  kill(): Promise<void>;
  /** Starts it again on the same port (with or without the data it had). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** A redis-server on a free port; `persistent` keeps its data across a kill (append-only file, fsync always). */
export async function startOwnedRedis(opts: { persistent: boolean }): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    const args = [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--save',
      '',
      '--daemonize',
      'no',
    ];
    args.push(
      ...(opts.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    );
    child = spawn('redis-server', args, { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      const ok = await probe
        .connect()
        .then(() => probe.ping())
        .then(() => true)
        .catch(() => false);
      probe.disconnect();
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on ${port} did not start`);
  };
  await start();
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (!c) return;
    c.kill('SIGKILL');
    await waitForExit(c);
    child = null;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * FerretDB on a free port, keeping its data across a kill: on the SQLite backend (behind its
 * write-lock proxy) in a temporary directory, or on PostgreSQL when `postgresqlUrl` is given
 * (several processes writing at once: SQLite takes one writer at a time).
 */
export async function startOwnedFerretDb(opts: { postgresqlUrl?: string } = {}): Promise<OwnedServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-ferret-'));
  const bin = path.resolve(import.meta.dirname, '../../scripts/ferretdb/bin/parley-ferretdb');
  let child: ChildProcess | null = null;
  const start = async () => {
    const backend = opts.postgresqlUrl
      ? ['-handler', 'postgresql', '-postgresql-url', opts.postgresqlUrl]
      : ['-handler', 'sqlite', '-sqlite-dir', dir];
    const c = spawn(bin, ['-listen', `127.0.0.1:${port}`, ...backend], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`FerretDB did not start: ${out}`)), 30_000);
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/^ready /m.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      c.stdout?.on('data', onData);
      c.stderr?.on('data', onData);
      c.once('error', reject);
      c.once('exit', () => reject(new Error(`FerretDB exited: ${out}`)));
    });
  };
  await start();
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (!c) return;
    c.kill('SIGKILL');
    await waitForExit(c);
    child = null;
  };
  return {
    url: `mongodb://127.0.0.1:${port}/`,
    port,
    kill,
    restart: start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
