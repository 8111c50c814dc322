import { type ChildProcess, spawn } from 'node:child_process';
import { inject } from 'vitest';
import type { platformEnv } from './channels.js';
import { serverUri } from './test-app.js';

export interface ParleyChild {
  proc: ChildProcess;
  url: string;
  kill(): Promise<void>;
}

/**
 * Starts a Parley process of a test's deployment (its database and Redis prefix) as a child,
 * to be killed like a crash. `role`: app or workers (test/fixtures/parley-child.ts).
 */
export async function startChild(
  role: 'app' | 'workers',
  dbName: string,
  env: ReturnType<typeof platformEnv> | Record<string, string>,
): Promise<ParleyChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/parley-child.ts', role], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MONGODB_DB: dbName,
      RUN_WORKERS: 'false',
      ADMIN_EMAIL: 'admin@test.local',
      ADMIN_PASSWORD: 'correct horse battery',
      DATA_DIR: '.data/test',
      TEST_MONGO_URI: serverUri(),
      TEST_REDIS_URL: inject('redisUrl'),
      TEST_REDIS_PREFIX: `${dbName}:`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the ${role} child did not start`)), 60_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready ?(\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${role} child exited with ${code}`));
    });
  });
  return {
    proc,
    url,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
