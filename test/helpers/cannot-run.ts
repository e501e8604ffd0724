import type { TestContext } from 'vitest';

/**
 * Why a test cannot run here:
 * - 'tool': a program the test needs is not installed (sqld, groff, man, zsh, fish,
 *   bash-completion). CI installs them all (.ci/run), so under CI such a skip fails the run.
 * - 'privilege': the machine does not grant what the test needs (root, CAP_SYS_ADMIN to
 *   mount a tmpfs or a read-only bind mount, CAP_MKNOD). A CI container may withhold these
 *   even from root: such a skip is always listed, with its reason, but never fails CI.
 */
export type CannotRunKind = 'tool' | 'privilege';

/** How a cannot-run skip note starts, by kind; test/reporters/cannot-run.ts looks for them. */
export const CANNOT_RUN: Record<CannotRunKind, string> = {
  tool: 'cannot run here: ',
  privilege: 'cannot run here without a privilege: ',
};

/**
 * The one way a test that cannot run in this environment says so: it is skipped with
 * the reason, never passed silently, and the cannot-run reporter lists it after the run.
 * A missing tool (the default kind) fails the run under CI; a missing privilege does not.
 */
export function cannotRun(ctx: TestContext, reason: string, kind: CannotRunKind = 'tool'): never {
  return ctx.skip(CANNOT_RUN[kind] + reason);
}
