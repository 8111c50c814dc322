import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSupervised } from './embedded/child-process.js';
import type { Logger } from './logger.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `npm start` runs the BullMQ workers as a child process on the same servers (the production
 * shape, one command). The child is supervised like the embedded servers: it never outlives the
 * app, and its log lines go to the app's output.
 */
export async function startWorkersProcess(
  env: { mongoUri: string; redisUrl: string; smtpUrl?: string },
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  // From src/ through tsx (npm start), or the compiled entry when running from dist/.
  const compiled = path.join(root, 'workers/main.js');
  const args = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(root, 'workers/main.ts')];
  const child = startSupervised(process.execPath, args, log, {
    cwd: root,
    env: {
      ...process.env,
      MONGODB_URI: env.mongoUri,
      REDIS_URL: env.redisUrl,
      ...(env.smtpUrl ? { SMTP_URL: env.smtpUrl } : {}),
    },
    forwardOutput: true,
  });
  await child.waitForOutput(/^parley workers ready$/, 120_000);
  return { stop: () => child.stop(15_000) };
}
