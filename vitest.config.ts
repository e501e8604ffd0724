import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests spend their time in child processes (scrypt, sqld); two workers
    // match the two cores of CI.
    pool: 'forks',
    maxWorkers: 2,
    // Longest files first, so that both workers end together (test/sequencer.ts).
    sequence: { sequencer: SlowestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // A test that cannot run here is skipped with its reason (test/helpers/cannot-run.ts);
    // this reporter lists them at the end and, under CI, fails the run if there is any.
    reporters: ['default', './test/reporters/cannot-run.ts'],
  },
});
