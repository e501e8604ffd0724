import { describe, expect, it } from 'vitest';
import { engines, useStore, type TestStore, type User } from './harness.js';

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };

/** Ann owns "Smith Company" on plan TEAM (set by Sue, platform staff) and has invited an ADMINISTRATOR, a MANAGER and a DESIGNER. */
async function team(t: TestStore) {
  const [ann, adm, mgr, des, sue] = await Promise.all([
    t.seed('ann@example.com', 'Ann', 'Smith'),
    t.seed('adm@example.com', 'Adam', 'Admin'),
    t.seed('mgr@example.com', 'Meg', 'Manager'),
    t.seed('des@example.com', 'Dee', 'Designer'),
    t.seed('sue@example.com', 'Sue', 'Staff'),
  ]);
  await sue.grantStaff('sue@example.com');
  await sue.setPlan('Smith Company', 'TEAM');
  return { ann, adm, mgr, des, sue };
}

/** Each team member's own company ("<last name> Company", made when they were seeded). */
const HOME: Record<string, string> = {
  'adm@example.com': 'Admin Company',
  'mgr@example.com': 'Manager Company',
  'des@example.com': 'Designer Company',
};

/**
 * Invitations grant nothing until accepted: each user switches to Smith Company, then back
 * home (named from HOME rather than looked up with one more `company list` per user).
 */
async function accept(...users: User[]) {
  for (const u of users) {
    expect((await u.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    const home = await u.json<{ name: string }>(['company', 'switch', HOME[u.email]!]);
    expect(home.name).toBe(HOME[u.email]);
  }
}

describe.each(engines())('member on %s', (engine) => {
  const fresh = useStore(engine);

  it('the OWNER invites with case-insensitive roles; every member may look, but MANAGER and DESIGNER change nothing (exit 4)', async () => {
    const t = await fresh();
    const { ann, adm, mgr, des } = await team(t);
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const S = ['--company', 'Smith Company'];

    // Role names are case-insensitive in, upper-case out.
    const first = await ann.json(['member', 'invite', 'ADM@example.com', '--role', 'administrator']);
    expect(first).toEqual({
      company: { id: smith, name: 'Smith Company' },
      role: 'ADMINISTRATOR',
      invited: [{ email: 'adm@example.com', status: 'INVITED' }],
      users: 2,
      maxUsers: 10,
    });
    const two = await ann.run(['member', 'invite', 'mgr@example.com', 'des@example.com', '--role', 'Manager']);
    expect(two.exitCode, two.stderr).toBe(0);
    expect(two.stdout).toBe('mgr@example.com\tMANAGER\tINVITED\ndes@example.com\tMANAGER\tINVITED');
    expect(two.stderr).toMatch(/Invited 2 members to "Smith Company" as MANAGER \(4\/10 users\)/);
    expect((await ann.run(['member', 'set-role', 'des@example.com', '--role', 'designer'])).exitCode).toBe(0);

    // An invitation grants nothing until it is accepted by switching (exit 4, with the way out).
    const [early, earlyShow, earlyAdmin] = await Promise.all([
      mgr.run(['member', 'list', ...S]),
      des.run(['company', 'show', 'Smith Company']),
      adm.run(['member', 'invite', 'x@example.com', '--role', 'DESIGNER', ...S]),
    ]);
    expect([early, earlyShow, earlyAdmin].map((r) => r.exitCode)).toEqual([4, 4, 4]);
    expect(early.stderr).toBe(
      `error: You are invited to "Smith Company" but have not accepted yet: switch to it first with \`platformctl company switch ${smith}\` (or leave it).`,
    );
    await accept(mgr, des);

    const expected: Member[] = [
      { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', role: 'OWNER', status: 'ACTIVE' },
      { email: 'adm@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'INVITED' },
      { email: 'des@example.com', firstName: 'Dee', lastName: 'Designer', role: 'DESIGNER', status: 'ACTIVE' },
      { email: 'mgr@example.com', firstName: 'Meg', lastName: 'Manager', role: 'MANAGER', status: 'ACTIVE' },
    ];
    // Every member may list members and view the company...
    const [mgrList, desList, desShow, mgrBilling] = await Promise.all([
      mgr.json(['member', 'list', ...S]),
      des.json(['member', 'list', ...S]),
      des.json(['company', 'show', 'Smith Company']),
      mgr.json(['billing', 'show', ...S]),
    ]);
    expect(mgrList).toEqual(expected);
    expect(desList).toEqual(expected);
    expect(desShow.role).toBe('DESIGNER');
    expect(mgrBilling.users).toBe(4);

    // ...but MANAGER and DESIGNER change nothing.
    const [denied, deniedJson, ...others] = await Promise.all([
      mgr.run(['member', 'invite', 'x@example.com', '--role', 'DESIGNER', ...S]),
      des.run(['--json', 'member', 'set-role', 'mgr@example.com', '--role', 'DESIGNER', ...S]),
      mgr.run(['member', 'remove', 'des@example.com', '--yes', ...S]),
      des.run(['member', 'invite', 'y@example.com', '--role', 'MANAGER', ...S]),
      mgr.run(['member', 'set-role', 'des@example.com', '--role', 'MANAGER', ...S]),
      des.run(['member', 'remove', 'mgr@example.com', '--yes', ...S]),
    ]);
    expect(denied.exitCode).toBe(4);
    expect(denied.stderr).toBe(
      'error: Only an OWNER or ADMINISTRATOR of "Smith Company" can invite members; your role there is MANAGER.',
    );
    expect(deniedJson.exitCode).toBe(4);
    expect(JSON.parse(deniedJson.stderr).error.code).toBe('PERMISSION_DENIED');
    expect(deniedJson.stdout).toBe('');
    expect(others.map((r) => r.exitCode)).toEqual([4, 4, 4, 4]);
    expect(await ann.json(['member', 'list'])).toEqual(expected);
  }, 150_000);

  it('the ADMINISTRATOR manages members like the OWNER; nobody touches the OWNER or gives OWNER; removal sends members home', async () => {
    const t = await fresh();
    const { ann, adm, mgr } = await team(t);
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const S = ['--company', 'Smith Company'];
    expect((await ann.run(['member', 'invite', 'adm@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'mgr@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'des@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);

    // Once the invitation is accepted, the ADMINISTRATOR manages members like the OWNER.
    await accept(adm);
    const pending = await adm.json(['member', 'invite', 'p1@example.com', '--role', 'designer', ...S]);
    expect(pending.invited).toEqual([{ email: 'p1@example.com', status: 'PENDING' }]);
    expect(await adm.json(['member', 'list', ...S, '--status', 'pending'])).toEqual([
      { email: 'p1@example.com', firstName: null, lastName: null, role: 'DESIGNER', status: 'PENDING' },
    ]);
    expect(await adm.json(['member', 'set-role', 'des@example.com', '--role', 'manager', ...S])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      email: 'des@example.com',
      role: 'MANAGER',
      previousRole: 'DESIGNER',
      status: 'INVITED',
      changed: true,
    });
    await accept(mgr);
    expect(
      (await adm.json(['member', 'set-role', 'p1@example.com', '--role', 'ADMINISTRATOR', ...S])).previousRole,
    ).toBe('DESIGNER');
    const same = await adm.run(['member', 'set-role', 'des@example.com', '--role', 'MANAGER', ...S]);
    expect(same.exitCode).toBe(0);
    expect(same.stderr).toMatch(/des@example.com is already MANAGER/);
    expect(await adm.json(['member', 'list', ...S, '--role', 'Manager', '--status', 'INVITED'])).toEqual([
      { email: 'des@example.com', firstName: null, lastName: null, role: 'MANAGER', status: 'INVITED' },
    ]);
    const csv = await adm.run(['member', 'list', ...S, '--role', 'ADMINISTRATOR', '--csv']);
    expect(csv.stdout).toBe(
      'email,firstName,lastName,role,status\nadm@example.com,Adam,Admin,ADMINISTRATOR,ACTIVE\np1@example.com,,,ADMINISTRATOR,PENDING',
    );

    // member remove asks; without a terminal it needs --yes, and nothing changes.
    const ask = await adm.run(['member', 'remove', 'p1@example.com', ...S]);
    expect(ask.exitCode).toBe(2);
    expect(ask.stderr).toMatch(
      /^error: Remove p1@example.com \(ADMINISTRATOR, PENDING\) from "Smith Company"\?.*pass --yes/,
    );
    expect((await ann.json(['member', 'list'])).map((m: Member) => m.email)).toContain('p1@example.com');
    const removed = await adm.run(['--json', 'member', 'remove', 'p1@example.com', '--yes', ...S]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({
      removed: true,
      company: { id: smith, name: 'Smith Company' },
      email: 'p1@example.com',
      role: 'ADMINISTRATOR',
      status: 'PENDING',
    });

    // The OWNER can never be invited, re-roled or removed (exit 6); nobody can be given OWNER (exit 2); unknown members exit 5.
    const [ownerInvite, ownerRole, ownerSelf, ownerRemove, giveOwner, inviteOwner, boss, badStatus, noRole, noRemove] =
      await Promise.all([
        adm.run(['member', 'invite', 'ann@example.com', '--role', 'DESIGNER', ...S]),
        adm.run(['member', 'set-role', 'ann@example.com', '--role', 'DESIGNER', ...S]),
        ann.run(['member', 'set-role', 'ann@example.com', '--role', 'ADMINISTRATOR']),
        adm.run(['member', 'remove', 'ann@example.com', '--yes', ...S]),
        ann.run(['member', 'set-role', 'mgr@example.com', '--role', 'owner']),
        ann.run(['member', 'invite', 'z@example.com', '--role', 'OWNER']),
        ann.run(['member', 'invite', 'z@example.com', '--role', 'boss']),
        ann.run(['member', 'list', '--status', 'gone']),
        ann.run(['member', 'set-role', 'nobody@example.com', '--role', 'DESIGNER']),
        ann.run(['member', 'remove', 'nobody@example.com', '--yes']),
      ]);
    expect([ownerInvite, ownerRole, ownerSelf, ownerRemove].map((r) => r.exitCode)).toEqual([6, 6, 6, 6]);
    expect(ownerInvite.stderr).toMatch(/ann@example.com is the OWNER of "Smith Company"/);
    expect(ownerRemove.stderr).toBe('error: ann@example.com is the OWNER of "Smith Company" and cannot be removed.');
    expect([giveOwner, inviteOwner, boss, badStatus].map((r) => r.exitCode)).toEqual([2, 2, 2, 2]);
    expect(giveOwner.stderr).toBe(
      'error: Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.',
    );
    expect(boss.stderr).toBe('error: Unknown role "boss": use one of ADMINISTRATOR, MANAGER, DESIGNER.');
    expect([noRole, noRemove].map((r) => r.exitCode)).toEqual([5, 5]);
    expect(noRemove.stderr).toBe('error: nobody@example.com is not a member of "Smith Company".');

    // Removing a member whose current company it was leaves them with none: nothing is
    // chosen behind their back; company commands say so until they switch (or pass --company).
    expect((await mgr.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'remove', 'mgr@example.com', '--yes'])).exitCode).toBe(0);
    const mgrNow = await mgr.json(['account', 'show']);
    expect(mgrNow.currentCompany).toBeNull();
    expect(mgrNow.companies.map((c: { name: string; current: boolean }) => [c.name, c.current])).toEqual([
      ['Manager Company', false],
    ]);
    const [gone, goneWrite, notMine] = await Promise.all([
      mgr.run(['member', 'list']),
      mgr.run(['--json', 'member', 'invite', 'y@example.com', '--role', 'DESIGNER']),
      mgr.run(['member', 'list', ...S]),
    ]);
    expect(gone.exitCode).toBe(5);
    expect(gone.stderr).toMatch(/^error: You have no current company: you were removed from it, or it was deleted\./);
    expect(goneWrite.exitCode).toBe(5);
    expect(JSON.parse(goneWrite.stderr).error.code).toBe('NOT_FOUND');
    expect(notMine.exitCode).toBe(5);
    expect((await mgr.json(['member', 'list', '--company', 'Manager Company'])).length).toBe(1);
    expect((await mgr.run(['company', 'switch', 'Manager Company'])).exitCode).toBe(0);
    expect((await mgr.json(['member', 'list'])).length).toBe(1);

    expect((await ann.json(['member', 'list'])).map((m: Member) => `${m.email} ${m.role} ${m.status}`)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'adm@example.com ADMINISTRATOR ACTIVE',
      'des@example.com MANAGER INVITED',
    ]);
  }, 150_000);

  it('invite is all-or-nothing; PENDING invitations become INVITED on registration; remove revokes a pending invitation', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    const emails = async () => (await ann.json<Member[]>(['member', 'list'])).map((m) => m.email);

    const dup = await ann.run([
      '--json',
      'member',
      'invite',
      'new1@example.com',
      'bob@example.com',
      '--role',
      'DESIGNER',
    ]);
    expect(dup.exitCode).toBe(6);
    expect(JSON.parse(dup.stderr)).toEqual({
      error: {
        code: 'ALREADY_EXISTS',
        message: 'bob@example.com is already a member of "Smith Company" (DESIGNER, INVITED).',
      },
    });
    const bad = await ann.run(['member', 'invite', 'new2@example.com', 'not-an-email', '--role', 'DESIGNER']);
    expect(bad.exitCode).toBe(2);
    expect(await emails()).toEqual(['ann@example.com', 'bob@example.com']);

    expect((await ann.run(['member', 'invite', 'q@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    const again = await ann.run(['member', 'invite', 'Q@Example.com', '--role', 'DESIGNER']);
    expect(again.exitCode).toBe(6);
    expect(again.stderr).toBe('error: q@example.com is already invited to "Smith Company" (MANAGER, PENDING).');
    // FREE allows 3: a fourth is refused.
    const full = await ann.run(['member', 'invite', 'r@example.com', '--role', 'DESIGNER']);
    expect(full.exitCode).toBe(6);
    expect(full.stderr).toMatch(/^error: Plan FREE of "Smith Company" allows 3 users; it has 3/);

    // Revoking the pending invitation frees the seat; the e-mail joins nothing when it registers.
    expect((await ann.run(['member', 'remove', 'q@example.com', '--yes'])).exitCode).toBe(0);
    expect(await emails()).toEqual(['ann@example.com', 'bob@example.com']);
    expect((await ann.run(['member', 'invite', 'p@example.com', '--role', 'administrator'])).exitCode).toBe(0);
    expect(await ann.json(['member', 'list', '--status', 'PENDING'])).toEqual([
      { email: 'p@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'PENDING' },
    ]);

    const [p, q] = await Promise.all([
      t.register('p@example.com', 'Pia', 'Park'),
      t.register('q@example.com', 'Quinn', 'Quade'),
    ]);
    expect(await ann.json(['member', 'list', '--role', 'administrator'])).toEqual([
      { email: 'p@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'INVITED' },
    ]);
    expect(await ann.json(['member', 'list', '--status', 'PENDING'])).toEqual([]);
    const pc = await p.json(['company', 'list']);
    expect(
      pc.map((c: { name: string; role: string; status: string; current: boolean }) => [
        c.name,
        c.role,
        c.status,
        c.current,
      ]),
    ).toEqual([
      ['Park Company', 'OWNER', 'ACTIVE', true],
      ['Smith Company', 'ADMINISTRATOR', 'INVITED', false],
    ]);
    expect((await q.json(['company', 'list'])).map((c: { name: string }) => c.name)).toEqual(['Quade Company']);
    // Now registered, p can act as ADMINISTRATOR once the company is chosen.
    expect((await p.json(['company', 'switch', 'Smith Company'])).activated).toBe(true);
    expect((await p.run(['member', 'set-role', 'bob@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await bob.json(['company', 'list']))[1]).toMatchObject({
      name: 'Smith Company',
      role: 'MANAGER',
      status: 'INVITED',
    });
  }, 150_000);
});
