import type { Reporter, TestModule } from 'vitest/node';
import { CANNOT_RUN, type CannotRunKind } from '../helpers/cannot-run.js';

/**
 * Lists the tests that could not run here (skipped through cannotRun(), with their
 * reasons) after the run, so a green local run never hides what it did not test. When
 * CI is set, a test skipped for a missing tool fails the run (CI installs them all); one
 * skipped for a missing privilege of the machine (root, mounts, mknod) is listed only.
 */
export default class CannotRunReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: Record<CannotRunKind, string[]> = { tool: [], privilege: [] };
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== 'skipped' || !r.note) continue;
        for (const kind of ['tool', 'privilege'] as const) {
          if (r.note.startsWith(CANNOT_RUN[kind]))
            skipped[kind].push(`  ${t.fullName}: ${r.note.slice(CANNOT_RUN[kind].length)}`);
        }
      }
    }
    const ci = Boolean(process.env.CI);
    const { tool, privilege } = skipped;
    if (tool.length)
      process.stderr.write(
        `\n${tool.length} test(s) could not run in this environment${ci ? ' — CI must run them all' : ''}:\n` +
          tool.join('\n') +
          '\n',
      );
    if (privilege.length)
      process.stderr.write(
        `\n${privilege.length} test(s) could not run without a privilege this machine does not grant` +
          ` (not a failure, even under CI):\n` +
          privilege.join('\n') +
          '\n',
      );
    if (ci && tool.length) process.exitCode = 1;
  }
}
