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
    // A worker keeps its loaded modules from one file to the next: the app's import (about 2 s)
    // is paid three times, not once per file (217 s instead of 283 s). So a test file must leave
    // no global state behind (no process.env changes, no module mocks): each starts its own app.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
