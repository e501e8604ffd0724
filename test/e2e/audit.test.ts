import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

type Entry = {
  id: number;
  at: string;
  actor: string | null;
  company: { id: number; name: string | null } | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  run: number | null;
};

describe.each(engines())('audit on %s', (engine) => {
  const fresh = useStore(engine);

  it('every change is logged with actor, company, action, target, time and details; OWNER/ADMINISTRATOR see their company, SUPPORT all, MANAGER nothing', async () => {
    const t = await fresh();
    const started = new Date().toISOString();
    const [ann, bob, sue] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('sue@example.com', 'Sue', 'Staff'),
    ]);
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    expect((await sue.run(['staff', 'grant', 'sue@example.com'])).exitCode).toBe(0);
    expect((await sue.run(['plan', 'set', 'Smith Company', 'TEAM'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'p@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'set-role', 'p@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'remove', 'p@example.com', '--yes'])).exitCode).toBe(0);
    expect((await ann.run(['account', 'update', '--company-name', 'Smith & Co'])).exitCode).toBe(0);
    // A failed sign-in is audited too (exit 3).
    expect(
      (
        await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
          input: 'wrong password\n',
        })
      ).exitCode,
    ).toBe(3);

    const mine = await ann.json<Entry[]>(['audit', 'list']);
    expect(mine.map((e) => e.action)).toEqual([
      'company.rename',
      'member.remove',
      'member.set_role',
      'company.switch',
      'member.invite',
      'member.invite',
      'plan.set',
      'account.register',
    ]);
    expect(mine.every((e) => e.company?.id === smith)).toBe(true);
    expect(mine.map((e) => e.id)).toEqual([...mine.map((e) => e.id)].sort((a, b) => b - a));
    const setRole = mine.find((e) => e.action === 'member.set_role')!;
    expect(setRole).toEqual({
      id: setRole.id,
      at: setRole.at,
      actor: 'ann@example.com',
      company: { id: smith, name: 'Smith Company' },
      action: 'member.set_role',
      target: 'p@example.com',
      details: { from: 'DESIGNER', to: 'MANAGER' },
      run: null,
    });
    expect(setRole.at >= started && !Number.isNaN(Date.parse(setRole.at))).toBe(true);
    expect(mine.find((e) => e.action === 'company.switch')).toMatchObject({
      actor: 'bob@example.com',
      target: 'bob@example.com',
      details: { activated: true },
    });
    expect(mine.find((e) => e.action === 'plan.set')).toMatchObject({
      actor: 'sue@example.com',
      target: 'TEAM',
      details: { from: 'FREE', to: 'TEAM' },
    });
    expect(mine[0]).toMatchObject({
      company: { id: smith, name: 'Smith & Co' },
      details: { from: 'Smith Company', to: 'Smith & Co' },
    });
    expect(mine.find((e) => e.action === 'member.remove')).toMatchObject({
      target: 'p@example.com',
      details: { role: 'MANAGER', status: 'PENDING' },
    });

    // Human output: one row per entry, tab-separated when piped.
    const rows = (await ann.run(['audit', 'list', '--limit', '1'])).stdout.split('\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split('\t').slice(1, 5)).toEqual([
      'ann@example.com',
      'Smith & Co',
      'company.rename',
      String(smith),
    ]);

    // The ADMINISTRATOR sees the same; filters by actor, time and count.
    expect(await bob.json<Entry[]>(['audit', 'list', '--company', 'Smith & Co'])).toEqual(mine);
    expect((await bob.json<Entry[]>(['audit', 'list', '--actor', 'BOB@example.com'])).map((e) => e.action)).toEqual([
      'company.switch',
    ]);
    expect((await bob.json<Entry[]>(['audit', 'list', '--limit', '2'])).map((e) => e.id)).toEqual(
      mine.slice(0, 2).map((e) => e.id),
    );
    expect(await bob.json(['audit', 'list', '--since', '2999-01-01'])).toEqual([]);
    expect(await bob.json(['audit', 'list', '--since', setRole.at])).toEqual(mine.filter((e) => e.at >= setRole.at));
    expect((await bob.run(['audit', 'list', '--since', 'yesterday'])).exitCode).toBe(2);
    expect((await bob.run(['audit', 'list', '--limit', '0'])).exitCode).toBe(2);
    // Her own company's log only: another company is, to her, not there (exit 5).
    expect((await ann.run(['audit', 'list', '--company', 'Jones Company'])).exitCode).toBe(5);

    // A MANAGER may not read it.
    expect((await ann.run(['member', 'set-role', 'bob@example.com', '--role', 'manager'])).exitCode).toBe(0);
    const mgr = await bob.run(['audit', 'list']);
    expect(mgr.exitCode).toBe(4);
    expect(mgr.stderr).toBe('error: Only an OWNER or ADMINISTRATOR of "Smith & Co" can read its audit log.');

    // SUPPORT sees everything: every company, staff changes and failed sign-ins.
    const all = await sue.json<Entry[]>(['audit', 'list', '--limit', '1000']);
    const actions = all.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['staff.grant', 'account.login_failed', 'account.register', 'member.set_role']),
    );
    expect(
      all
        .filter((e) => e.action === 'account.register')
        .map((e) => e.company?.name)
        .sort(),
    ).toEqual(['Jones Company', 'Smith Company', 'Staff Company']);
    expect(all.find((e) => e.action === 'account.login_failed')).toMatchObject({
      actor: null,
      company: null,
      target: 'ann@example.com',
      details: { failures: 1 },
    });
    expect(all.find((e) => e.action === 'staff.grant')).toMatchObject({
      actor: 'sue@example.com',
      target: 'sue@example.com',
      details: { bootstrap: true },
    });
    expect(mine.every((e) => all.some((a) => a.id === e.id))).toBe(true);
    expect((await sue.json<Entry[]>(['audit', 'list', '--company', 'Jones Company'])).map((e) => e.action)).toEqual([
      'account.register',
    ]);
  }, 150_000);
});
