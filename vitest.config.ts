import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite kills servers and processes for minutes: `npm run test:faults` (CI runs it once).
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/setup/global-servers.ts', 'test/setup/console-build.ts'],
    // Two cores here: two test files at a time, each with its own database and Redis prefix.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
