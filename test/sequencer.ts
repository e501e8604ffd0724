import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, slowest first (as measured by a whole run on two cores, 2026-12-02,
 * after the rules moved to unit tests). CI has no vitest cache, so without this list the files would start in order of their
 * size in bytes, and a long file starting last leaves one worker alone at the end. Longest
 * first lets the workers finish together; files not listed follow in vitest's own order
 * (its cache of durations when there is one, else size). Keep it roughly up to date when a
 * file becomes much slower or faster; a stale order only costs wall time, never coverage.
 */
export const SLOWEST = [
  'test/e2e/faults-import.test.ts',
  'test/e2e/faults.test.ts',
  'test/e2e/store-paths.test.ts',
  'test/e2e/replica.test.ts',
  'test/e2e/remote.test.ts',
  'test/e2e/lists.test.ts',
  'test/e2e/completion-shells.test.ts',
  'test/e2e/soak.test.ts',
  'test/e2e/fuzz.test.ts',
  'test/e2e/session.test.ts',
  'test/e2e/account.test.ts',
  'test/store/remote.test.ts',
  'test/e2e/bulk-interrupt.test.ts',
  'test/e2e/seats.test.ts',
  'test/e2e/confirm-pty.test.ts',
  'test/e2e/password-stdin-tty.test.ts',
  'test/e2e/device-source.test.ts',
  'test/e2e/seed.test.ts',
  'test/e2e/completion.test.ts',
  'test/commands/member/fuzz-import.test.ts',
  'test/e2e/member.test.ts',
  'test/e2e/pty.test.ts',
  'test/e2e/password.test.ts',
  'test/e2e/company.test.ts',
  'test/e2e/audit.test.ts',
  'test/e2e/staff-tools.test.ts',
  'test/e2e/throttle.test.ts',
  'test/e2e/self-demotion.test.ts',
  'test/e2e/remote-lock-wait.test.ts',
  'test/domain/identity-text.test.ts',
  'test/e2e/staff.test.ts',
  'test/e2e/security.test.ts',
  'test/reporters/cannot-run.test.ts',
  'test/e2e/ids.test.ts',
  'test/e2e/plan.test.ts',
  'test/scripts/code-cache.test.ts',
  'test/e2e/store.test.ts',
  'test/domain/password.test.ts',
  'test/e2e/completion-ambiguous.test.ts',
  'test/e2e/identity.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((p) => f.moduleId.endsWith('/' + p));
      return i < 0 ? SLOWEST.length : i;
    };
    // Array.prototype.sort is stable: unlisted files keep vitest's order.
    return base.sort((a, b) => rank(a) - rank(b));
  }
}
