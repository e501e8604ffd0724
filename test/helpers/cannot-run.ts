import type { TestContext } from 'vitest';

/** How a must-run test's skip note starts; test/reporters/cannot-run.ts looks for it. */
export const CANNOT_RUN = 'cannot run here: ';

/**
 * The one way a test that cannot run in this environment (no root, no tmpfs, no sqld…)
 * says so: it is skipped with the reason, never passed silently. Under CI, which installs
 * and runs as everything these tests need (.ci/run), the cannot-run reporter fails the run
 * when any test was skipped this way.
 */
export function cannotRun(ctx: TestContext, reason: string): never {
  return ctx.skip(CANNOT_RUN + reason);
}
