import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite kills servers and processes for minutes: `npm run test:faults` (CI runs it once).
    exclude: ['test/faults/**', '**/node_modules/**'],
    globalSetup: ['test/setup/global-servers.ts', 'test/setup/console-build.ts'],
    // Three test files at a time (each with its own database and Redis prefix) on two cores: a
    // file spends much of its time waiting on the database, and the suite ran in 275 s instead of
    // 336 s with two (2026-12-07, dev servers), which keeps CI's two Node versions in its budget.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
