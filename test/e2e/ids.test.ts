import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine } from './harness.js';

/**
 * No id is ever reused, and nothing of a deleted company is shown to a later one: its
 * audit entries stay, with the name it had, for SUPPORT only (docs/security.md).
 * The regression: SQLite gave the next company the deleted one's id, and with it the
 * deleted company's audit log. The rule is checked through run() on both engines in
 * test/commands/account/ids.test.ts. Here, what needs the process: `--yes account delete`
 * from a script, and the exit codes of these commands as the shell sees them.
 */
interface Entry {
  action: string;
  company: { id: number; name: string | null } | null;
}

describe.each(engines())('ids on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it("after an account is deleted, its company's id is NOT_FOUND (exit 5) to a newcomer and its log stays for SUPPORT", async () => {
    const t = await fresh();
    const [sue, ann] = await t.seedMany([
      { email: 'sue@example.com', first: 'Sue', last: 'Port' },
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
    ]);
    await sue.grantStaff('sue@example.com');
    const smithId = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const invited = await ann.run(['member', 'invite', 'pat@example.com', '--role', 'MANAGER']);
    expect(invited.exitCode, invited.stderr).toBe(0);
    const deleted = await ann.run(['--yes', 'account', 'delete']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);

    const zed = await t.seed('zed@example.com', 'Zed', 'Smith');
    const byId = await zed.run(['audit', 'list', '--company', String(smithId)]);
    expect([byId.exitCode, byId.stdout]).toEqual([5, '']);
    expect(byId.stderr).toMatch(/^error: No company with id \d+ among yours/);

    const all = await sue.json<Entry[]>(['audit', 'list', '--limit', '1000']);
    expect(
      all
        .filter((e) => e.company?.id === smithId)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['account.delete', 'account.register', 'member.invite']);
  });
});
