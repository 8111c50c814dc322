import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): real processes and servers killed and restarted under
 * traffic. One file at a time: each owns its servers and runs several processes.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/setup/global-servers.ts', 'test/setup/console-build.ts'],
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
