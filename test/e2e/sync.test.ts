import { describe, expect, it } from 'vitest';
import { engines, useStore, type User } from './harness.js';

const members = async (u: User, company?: string) =>
  (await u.json(['member', 'list', ...(company ? ['--company', company] : [])]))
    .map((m: any) => `${m.email} ${m.role} ${m.status}`)
    .sort();

describe.each(engines())('member sync on %s', (engine) => {
  const fresh = useStore(engine);

  it('prints the plan (invite, re-role, remove), asks before removing, never touches the OWNER or other companies, and a second run changes nothing', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    await ann.grantStaff('ann@example.com');
    await ann.setPlan('Smith Company', 'TEAM');
    expect(
      (await bob.run(['member', 'invite', 'ann@example.com', 'keep@example.org', '--role', 'MANAGER'])).exitCode,
    ).toBe(0);
    const seed = 'email,role\nbob@example.com,DESIGNER\nold@example.org,MANAGER\nstay@example.org,DESIGNER\n';
    expect(await ann.json(['member', 'import', '-'], { input: seed })).toMatchObject({ invited: 3 });
    const file =
      'email,role\nann@example.com,OWNER\nstay@example.org,designer\nbob@example.com,MANAGER\nnew@example.org,ADMINISTRATOR\n';

    // Without --prune nobody is removed; the plan is a diff, then applied at once.
    const add = await ann.run(['member', 'sync', '-', '--dry-run'], { input: file });
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^"Smith Company" \(\d+\): 1 to invite, 1 to re-role, 0 to remove, 2 unchanged\n/);
    expect(add.stdout).toContain('  ~ bob@example.com DESIGNER -> MANAGER\n  + new@example.org ADMINISTRATOR');
    expect(add.stderr).toMatch(/Dry run: nothing was written/);

    // With --prune the plan removes old@ (never the OWNER); without a terminal it needs --yes.
    const noYes = await ann.run(['member', 'sync', '-', '--prune'], { input: file });
    expect(noYes.exitCode).toBe(2);
    expect(noYes.stdout).toMatch(/^ {2}- old@example\.org MANAGER$/m);
    expect(noYes.stderr).toMatch(/Remove 1 member from "Smith Company".*pass --yes/);
    expect(await members(ann)).toContain('old@example.org MANAGER PENDING');

    const plan = await ann.run(['--json', 'member', 'sync', '-', '--prune', '--dry-run'], { input: file });
    expect(plan.exitCode, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout);
    expect(p).toMatchObject({
      invited: 1,
      updated: 1,
      removed: 1,
      unchanged: 2,
      failed: 0,
      drift: true,
      applied: false,
    });
    expect(p.changes).toEqual([
      { company: p.companies[0].id, change: 'update', email: 'bob@example.com', role: 'MANAGER', from: 'DESIGNER' },
      { company: p.companies[0].id, change: 'invite', email: 'new@example.org', role: 'ADMINISTRATOR' },
      { company: p.companies[0].id, change: 'remove', email: 'old@example.org', role: 'MANAGER' },
    ]);

    const done = await ann.run(['--yes', '--json', 'member', 'sync', '-', '--prune'], { input: file });
    expect(done.exitCode, done.stderr).toBe(0);
    const d = JSON.parse(done.stdout);
    expect(d).toMatchObject({
      invited: 1,
      updated: 1,
      removed: 1,
      applied: true,
      run: { mode: 'single', status: 'done' },
    });
    expect(await members(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'bob@example.com MANAGER INVITED',
      'new@example.org ADMINISTRATOR PENDING',
      'stay@example.org DESIGNER PENDING',
    ]);
    // Bob's company, where Ann is a member too, is untouched.
    expect(await members(bob)).toEqual([
      'ann@example.com MANAGER INVITED',
      'bob@example.com OWNER ACTIVE',
      'keep@example.org MANAGER PENDING',
    ]);
    // Who ran it and every change, grouped by the run id.
    const log = (await ann.json(['audit', 'list'])).filter((e: any) => e.details?.run === d.run.id);
    expect(log.map((e: any) => [e.action, e.target, e.actor]).sort()).toEqual([
      ['member.invite', 'new@example.org', 'ann@example.com'],
      ['member.remove', 'old@example.org', 'ann@example.com'],
      ['member.set_role', 'bob@example.com', 'ann@example.com'],
      ['member.sync', '-', 'ann@example.com'],
    ]);

    // Idempotent: a second run reports no change and writes nothing, not even an audit entry.
    const entries = (await ann.json(['audit', 'list'])).length;
    const again = await ann.run(['member', 'sync', '-', '--prune'], { input: file });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Nothing to change/);
    expect((await ann.json(['audit', 'list'])).length).toBe(entries);
  });

  it('--check exits 9 (DRIFT) when the store differs from the file and 0 when it matches, changing nothing', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const file = 'email,role\nann@example.com,OWNER\nx@example.org,MANAGER\n';
    const drift = await ann.run(['--json', 'member', 'sync', '-', '--check', '--prune'], { input: file });
    expect(drift.exitCode).toBe(9);
    expect(JSON.parse(drift.stderr).error).toMatchObject({
      code: 'DRIFT',
      message: expect.stringMatching(/1 to invite/),
    });
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: true, applied: false, invited: 1 });
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE']);
    expect((await ann.run(['--yes', 'member', 'sync', '-', '--prune'], { input: file })).exitCode).toBe(0);
    const clean = await ann.run(['member', 'sync', '-', '--check', '--prune'], { input: file });
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stderr).toMatch(/matches the file/);
    // A member added by hand is drift under --prune.
    expect((await ann.run(['member', 'invite', 'extra@example.org', '--role', 'DESIGNER'])).exitCode).toBe(0);
    const extra = await ann.run(['member', 'sync', '-', '--check', '--prune'], { input: file });
    expect(extra.exitCode).toBe(9);
    expect(extra.stdout).toMatch(/^ {2}- extra@example\.org DESIGNER$/m);
  });

  it('counts seats on the final state: a swap in a full FREE company succeeds, a final state over the plan fails whole', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    // FREE: 3 seats, all taken.
    expect(
      await ann.json(['member', 'import', '-'], {
        input: 'email,role\na@example.org,MANAGER\nb@example.org,MANAGER\n',
      }),
    ).toMatchObject({ invited: 2 });
    const swap = 'email,role\na@example.org,MANAGER\nc@example.org,DESIGNER\n';
    const ok = await ann.run(['--yes', 'member', 'sync', '-', '--prune'], { input: swap });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(await members(ann)).toEqual([
      'a@example.org MANAGER PENDING',
      'ann@example.com OWNER ACTIVE',
      'c@example.org DESIGNER PENDING',
    ]);
    const over = 'email,role\na@example.org,MANAGER\nc@example.org,DESIGNER\nd@example.org,DESIGNER\n';
    const full = await ann.run(['--yes', 'member', 'sync', '-', '--prune'], { input: over });
    expect(full.exitCode).toBe(6);
    expect(full.stderr).toMatch(/would have 4 users; plan FREE allows 3\. Nothing was changed/);
    expect(await members(ann)).toHaveLength(3);
  });

  it('refuses bad files whole: conflicting duplicates (both lines named), an empty file with --prune, a non-member (exit 5)', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    expect(
      (await ann.json(['member', 'import', '-'], { input: 'email,role\nkeep@example.org,MANAGER\n' })).invited,
    ).toBe(1);
    const dup = await ann.run(['--json', 'member', 'sync', '-', '--prune', '--yes'], {
      input: 'email,role\nx@example.org,MANAGER\nx@example.org,DESIGNER\nx@example.org,MANAGER\n',
    });
    expect(dup.exitCode).toBe(2);
    expect(JSON.parse(dup.stdout).errors.map((e: any) => e.line)).toEqual([2, 3, 4]);
    expect(JSON.parse(dup.stderr).error.message).toMatch(/Nothing was changed: 3 bad lines; the first is line 2/);
    // An empty (or truncated-to-the-header) file never empties a company.
    for (const input of ['', 'email,role\n']) {
      const empty = await ann.run(['member', 'sync', '-', '--prune', '--yes'], { input });
      expect(empty.exitCode, empty.stderr).toBe(2);
      expect(empty.stderr).toMatch(/--prune refuses a file with no rows|The CSV is empty/);
    }
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE', 'keep@example.org MANAGER PENDING']);
    // Bob is not a member of Ann's company: to him it does not exist (exit 5, as a missing one),
    // refused before his input is even read.
    const denied = await bob.run(['member', 'sync', '-', '--company', 'Smith Company', '--prune', '--yes'], {
      input: 'email,role\n',
    });
    expect(denied.exitCode, denied.stderr).toBe(5);
    expect(denied.stderr).toMatch(/No company named "Smith Company" among yours/);
    expect(await members(ann)).toHaveLength(2);
  });
});
