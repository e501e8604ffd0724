import { describe, expect, it } from 'vitest';
import { invite, listMembers } from '../../src/domain/members.js';
import { engines, useStore, type User } from './harness.js';

/** The members of `u`'s current company, read in process with their session. */
const members = async (u: User) =>
  (await u.as((svc, cred) => listMembers(svc, cred, {}))).members.map((m) => `${m.email} ${m.role} ${m.status}`).sort();

/**
 * member sync through the real CLI on each engine: a standard input pipe, --yes and the
 * refusal to remove without a terminal, and each exit code once (9, 2, 0, 6, 5). The rules
 * (the plan, never the OWNER nor other companies, idempotence, seats on the final state,
 * bad files) are checked on both engines in test/commands/member/sync*.test.ts.
 */
describe.each(engines())('member sync on %s', (engine) => {
  const fresh = useStore(engine);

  it('--check exits 9, removing without a terminal needs --yes (exit 2), --yes applies (0), over the plan exits 6, a non-member 5', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    await ann.as((svc, cred) => invite(svc, cred, { emails: ['old@example.org'], role: 'MANAGER' }));
    const file = 'email,role\nann@example.com,OWNER\nnew@example.org,DESIGNER\n';

    const drift = await ann.run(['--json', 'member', 'sync', '-', '--check', '--prune'], { input: file });
    expect(drift.exitCode, drift.stderr).toBe(9);
    expect(JSON.parse(drift.stderr).error).toMatchObject({
      code: 'DRIFT',
      message: expect.stringMatching(/1 to invite, 0 to re-role, 1 to remove/),
    });
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: true, applied: false, invited: 1, removed: 1 });

    // Without a terminal, a plan that removes is printed, then refused without --yes.
    const noYes = await ann.run(['member', 'sync', '-', '--prune'], { input: file });
    expect(noYes.exitCode).toBe(2);
    expect(noYes.stdout).toMatch(/^ {2}- old@example\.org MANAGER$/m);
    expect(noYes.stderr).toMatch(/^error: Remove 1 member from "Smith Company".*pass --yes/);
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE', 'old@example.org MANAGER PENDING']);

    const done = await ann.run(['--yes', '--json', 'member', 'sync', '-', '--prune'], { input: file });
    expect(done.exitCode, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      invited: 1,
      removed: 1,
      applied: true,
      run: { mode: 'single', status: 'done' },
    });
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE', 'new@example.org DESIGNER PENDING']);

    // FREE allows 3 users: a final state of 4 is refused whole.
    const over = `${file}d1@example.org,DESIGNER\nd2@example.org,DESIGNER\n`;
    const full = await ann.run(['--yes', 'member', 'sync', '-', '--prune'], { input: over });
    expect(full.exitCode).toBe(6);
    expect(full.stderr).toMatch(/would have 4 users; plan FREE allows 3\. Nothing was changed/);

    // To Bob, who is not a member, Ann's company does not exist.
    const denied = await bob.run(['member', 'sync', '-', '--company', 'Smith Company', '--prune', '--yes'], {
      input: 'email,role\n',
    });
    expect(denied.exitCode, denied.stderr).toBe(5);
    expect(denied.stderr).toMatch(/No company named "Smith Company" among yours/);
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE', 'new@example.org DESIGNER PENDING']);
  });
});
