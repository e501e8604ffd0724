import type { Reporter, TestModule } from 'vitest/node';
import { CANNOT_RUN } from '../helpers/cannot-run.js';

/**
 * Lists the tests that could not run here (skipped through cannotRun(), with their
 * reasons) after the run, so a green local run never hides what it did not test; and
 * when CI is set, fails the run if there is any: CI must run them all.
 */
export default class CannotRunReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state === 'skipped' && r.note?.startsWith(CANNOT_RUN))
          skipped.push(`  ${t.fullName}: ${r.note.slice(CANNOT_RUN.length)}`);
      }
    }
    if (!skipped.length) return;
    const ci = Boolean(process.env.CI);
    process.stderr.write(
      `\n${skipped.length} test(s) could not run in this environment${ci ? ' — CI must run them all' : ''}:\n` +
        skipped.join('\n') +
        '\n',
    );
    if (ci) process.exitCode = 1;
  }
}
