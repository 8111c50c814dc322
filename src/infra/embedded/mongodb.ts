import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import { startSupervised } from './child-process.js';
import { freePort } from './free-port.js';
import { type EmbeddedServer, MissingServerError } from './redis-server.js';

const run = promisify(execFile);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ferretScripts = path.join(projectRoot, 'scripts', 'ferretdb');
/** Where a failed mongodb-memory-server download is remembered, so each start does not wait for it again. */
const UNAVAILABLE_MARK = 'mongodb-memory-server.unavailable';
const RETRY_DOWNLOAD_AFTER_MS = 24 * 3600_000;

export type EmbeddedMongoKind = 'auto' | 'mongodb-memory-server' | 'ferretdb';

/**
 * An embedded MongoDB-protocol server keeping its data under DATA_DIR:
 * mongodb-memory-server where its binary can be had, otherwise FerretDB (SQLite backend, a demo
 * set-up: one writer, no secondary indexes) built from scripts/ferretdb on first use.
 */
export async function startEmbeddedMongo(
  dataDir: string,
  kind: EmbeddedMongoKind,
  log: Logger,
): Promise<EmbeddedServer & { kind: string }> {
  mkdirSync(dataDir, { recursive: true });
  const mark = path.join(dataDir, UNAVAILABLE_MARK);
  const recentlyFailed =
    existsSync(mark) && Date.now() - Number(readFileSync(mark, 'utf8')) < RETRY_DOWNLOAD_AFTER_MS;
  if (kind === 'mongodb-memory-server' || (kind === 'auto' && !recentlyFailed)) {
    try {
      return { ...(await startMemoryServer(dataDir, log)), kind: 'mongodb-memory-server' };
    } catch (err) {
      if (kind === 'mongodb-memory-server') throw err;
      writeFileSync(mark, String(Date.now()));
      log.warn(
        { reason: (err as Error).message.split('\n')[0] },
        'mongodb-memory-server cannot run here; falling back to FerretDB (SQLite backend, for a demo)',
      );
    }
  }
  return { ...(await startFerretDb(dataDir, log)), kind: 'ferretdb-sqlite' };
}

async function startMemoryServer(dataDir: string, log: Logger): Promise<EmbeddedServer> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const dbPath = path.join(dataDir, 'mongodb');
  mkdirSync(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
  });
  log.info({ dbPath }, 'embedded mongodb-memory-server started');
  return { url: server.getUri(), stop: async () => void (await server.stop({ doCleanup: false })) };
}

/** Builds (or reuses) the FerretDB binary; the build script skips work when it is up to date. */
export async function buildFerretDb(log: Logger): Promise<string> {
  const bin = path.join(ferretScripts, 'bin', 'parley-ferretdb');
  try {
    await run('go', ['version']);
  } catch {
    if (existsSync(bin)) return bin;
    throw new MissingServerError(
      'No MongoDB: set MONGODB_URI to a MongoDB 6+ server (or FerretDB), or install Go 1.22+ so Parley can ' +
        'build its embedded FerretDB (mongodb-memory-server could not download a MongoDB binary here).',
    );
  }
  log.info('building FerretDB (first time takes about a minute)');
  await run('bash', [path.join(ferretScripts, 'build.sh'), bin], { maxBuffer: 16 * 1024 * 1024 });
  return bin;
}

async function startFerretDb(dataDir: string, log: Logger): Promise<EmbeddedServer> {
  const bin = await buildFerretDb(log);
  const dir = path.join(dataDir, 'ferretdb');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const proc = startSupervised(
    bin,
    ['-listen', listen, '-handler', 'sqlite', '-sqlite-dir', dir],
    log.child({ component: 'ferretdb' }),
  );
  await proc.waitForOutput(/^ready /, 60_000);
  log.info({ listen, dir }, 'embedded FerretDB (SQLite backend) started');
  return { url: `mongodb://${listen}/`, stop: () => proc.stop() };
}
