import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { type SupervisedProcess, startSupervised } from './child-process.js';
import { freePort } from './free-port.js';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export class MissingServerError extends Error {
  override name = 'MissingServerError';
}

function findOnPath(bin: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `redis-server` from PATH on a free loopback port, persisting to DATA_DIR/redis
 * (append-only file, so queued jobs survive a restart).
 */
export async function startEmbeddedRedis(dataDir: string, log: Logger): Promise<EmbeddedServer> {
  const bin = findOnPath('redis-server');
  if (!bin) {
    throw new MissingServerError(
      'No Redis: set REDIS_URL to a Redis 6.2+ server, or install redis-server ' +
        '(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) so Parley can start one.',
    );
  }
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const proc: SupervisedProcess = startSupervised(
    bin,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      // BullMQ requires that Redis never evicts keys.
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
    ],
    log.child({ component: 'redis-server' }),
  );
  await proc.waitForOutput(/Ready to accept connections/i, 15_000);
  log.info({ port, dir }, 'embedded redis-server started');
  return { url: `redis://127.0.0.1:${port}`, stop: () => proc.stop() };
}
