import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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

/** The newest installed PostgreSQL's bin directory, or null when there is none. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? path.join(root, newest, 'bin') : null;
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary directory, run as the `postgres`
 * user when this process is root), so a test can kill it and so the processes it serves never
 * compete with a shared server's connection slots. Null where PostgreSQL is not installed or
 * this process cannot run it.
 */
export async function startOwnedPostgres(): Promise<OwnedServer | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const owner = process.getuid?.() === 0 ? userIds('postgres') : null;
  if (process.getuid?.() === 0 && !owner) return null;
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-pg-'));
  const data = path.join(dir, 'data');
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'parley', '--auth=trust', '-E', 'UTF8'],
    {
      ...as,
      encoding: 'utf8',
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  let child: ChildProcess | null = null;
  const start = async () => {
    // fsync off: the test kills the server, not the machine; the data survives a process kill.
    child = spawn(
      path.join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
        '-k',
        dir,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { ...as, stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const ready = spawnSync(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      if (ready.status === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`PostgreSQL on ${port} did not start`);
  };
  await start();
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (!c) return;
    c.kill('SIGKILL');
    await waitForExit(c);
    child = null;
    // Its server processes end when they notice the postmaster is gone; wait for the port to be free.
    for (let i = 0; i < 100; i++) {
      const up = spawnSync(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
      if (up.status !== 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    url: `postgres://parley@127.0.0.1:${port}/postgres`,
    port,
    kill,
    restart: start,
    async close() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function userIds(name: string): { uid: number; gid: number } | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
