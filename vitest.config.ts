import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests spend their time in child processes (scrypt, sqld). Three workers on the
    // two cores of CI: while one test waits (a killed server's timeout, a shell at a
    // terminal), the others keep both cores busy.
    pool: 'forks',
    maxWorkers: 3,
    // A worker runs file after file without starting afresh: each file no longer loads
    // vitest, execa and the program's modules again (~0.35 s of CPU a file). Modules and
    // mocks are not reset between files, so a test file must leave no state behind: the
    // one vi.mock (test/domain/login-oracle.test.ts) wraps the real scrypt-kdf and only
    // counts calls, and tests that change process.env or TZ restore them in finally.
    isolate: false,
    // Longest files first, so that both workers end together (test/sequencer.ts).
    sequence: { sequencer: SlowestFirst },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // A test that cannot run here is skipped with its reason (test/helpers/cannot-run.ts);
    // this reporter lists them at the end and, under CI, fails the run if a tool that CI
    // installs was missing (a privilege the machine withholds is listed, not failed).
    reporters: ['default', './test/reporters/cannot-run.ts'],
  },
});
