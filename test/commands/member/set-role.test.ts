import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/set-role.js';
import { listMembers } from '../../../src/domain/members.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/** Asking oneself before a self-demotion is in self-demotion.test.ts; here, everyone else's rules. */
describe.each(ENGINES)('member set-role run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, adm: TestUser, mgr: TestUser, des: TestUser, inv: TestUser, bob: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, adm, mgr, des, inv, bob, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['adm@example.com', 'Adam', 'Admin'],
      ['mgr@example.com', 'Meg', 'Manager'],
      ['des@example.com', 'Dee', 'Designer'],
      ['inv@example.com', 'Ivy', 'Invited'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await f.setPlan(ann.company.id, 'TEAM');
    await f.join(adm, ann, 'administrator');
    await f.join(mgr, ann, 'manager');
    await f.join(des, ann, 'designer');
    await f.invite(ann, ['inv@example.com', 'pending@example.com'], 'designer');
  });

  /** Runs set-role; nobody here changes their own management, so any question fails the test. */
  const setRole = async (
    who: TestUser | undefined,
    email: string,
    role: string,
    o: { company?: string; json?: boolean; tty?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    const p = scriptedPrompter([]);
    await run({ ...c.deps, confirm: confirmer(c.io, p.prompter, false), email, role, company: o.company });
    return { out: c.stdout(), err: c.stderr() };
  };
  const roleOf = async (email: string) =>
    (await listMembers(fx().services, ann.cred, {})).members.find((m) => m.email === email)?.role;

  it('the OWNER changes a role (any case in, upper case out): one line on stderr, nothing on stdout, audited', async () => {
    const r = await setRole(ann, 'DES@example.com', 'manager', { tty: true });
    expect(r).toEqual({ out: '', err: '✓ des@example.com is now MANAGER in "Smith Company" (was DESIGNER).\n' });
    expect(await roleOf('des@example.com')).toBe('MANAGER');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'member.set_role' }, 1));
    expect(entry).toMatchObject({
      actor_email: 'ann@example.com',
      company_id: ann.company.id,
      target: 'des@example.com',
    });
    expect(JSON.parse(entry!.details!)).toEqual({ from: 'DESIGNER', to: 'MANAGER' });
  });

  it('--json: company, e-mail, role, previous role, status and whether it changed', async () => {
    const r = await setRole(adm, 'des@example.com', 'DESIGNER', { company: 'Smith Company', json: true });
    expect(JSON.parse(r.out)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      email: 'des@example.com',
      role: 'DESIGNER',
      previousRole: 'MANAGER',
      status: 'ACTIVE',
      changed: true,
    });
    expect(r.err).toBe('');
  });

  it('the same role again changes nothing and writes no audit entry', async () => {
    const count = async () => (await fx().read((rp) => rp.auditPage({ action: 'member.set_role' }, 100))).length;
    const before = await count();
    expect((await setRole(ann, 'des@example.com', 'designer')).err).toBe(
      '✓ des@example.com is already DESIGNER in "Smith Company".\n',
    );
    expect(JSON.parse((await setRole(ann, 'des@example.com', 'designer', { json: true })).out).changed).toBe(false);
    expect(await count()).toBe(before);
  });

  it('INVITED members and PENDING invitations are re-roled too, keeping their status', async () => {
    expect(JSON.parse((await setRole(ann, 'inv@example.com', 'MANAGER', { json: true })).out)).toMatchObject({
      previousRole: 'DESIGNER',
      status: 'INVITED',
    });
    expect(JSON.parse((await setRole(ann, 'pending@example.com', 'ADMINISTRATOR', { json: true })).out)).toMatchObject({
      previousRole: 'DESIGNER',
      status: 'PENDING',
    });
    const members = (await listMembers(fx().services, ann.cred, { status: 'PENDING' })).members;
    expect(members).toEqual([
      { email: 'pending@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'PENDING' },
    ]);
  });

  it('the OWNER is never re-roled, by anyone, themselves included (CONFLICT, exit 6); nobody is given OWNER (exit 2)', async () => {
    for (const who of [adm, ann, sue]) {
      expect(
        await failure(setRole(who, 'ann@example.com', 'DESIGNER', { company: String(ann.company.id) })),
      ).toMatchObject({
        code: 'CONFLICT',
        exitCode: 6,
        message: 'ann@example.com is the OWNER of "Smith Company"; the OWNER\'s role cannot be changed.',
      });
    }
    expect(await failure(setRole(ann, 'mgr@example.com', 'owner'))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.',
    });
    expect(await failure(setRole(ann, 'mgr@example.com', 'boss'))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Unknown role "boss": use one of ADMINISTRATOR, MANAGER, DESIGNER.',
    });
    expect(await failure(setRole(ann, 'not-an-email', 'DESIGNER'))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await roleOf('ann@example.com')).toBe('OWNER');
    expect(await roleOf('mgr@example.com')).toBe('MANAGER');
  });

  it('someone who is not a member of the company is NOT_FOUND (exit 5)', async () => {
    expect(await failure(setRole(ann, 'nobody@example.com', 'DESIGNER'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'nobody@example.com is not a member of "Smith Company".',
    });
    // Registered, but not in this company.
    expect((await failure(setRole(ann, 'bob@example.com', 'DESIGNER'))).message).toBe(
      'bob@example.com is not a member of "Smith Company".',
    );
  });

  it('MANAGER and DESIGNER change no roles (exit 4); an invitation not accepted grants nothing', async () => {
    for (const [who, role] of [
      [mgr, 'MANAGER'],
      [des, 'DESIGNER'],
    ] as const) {
      expect(await failure(setRole(who, 'adm@example.com', 'DESIGNER', { company: 'Smith Company' }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message: `Only an OWNER or ADMINISTRATOR of "Smith Company" can change roles; your role there is ${role}.`,
      });
    }
    expect((await failure(setRole(inv, 'des@example.com', 'MANAGER', { company: 'Smith Company' }))).message).toMatch(
      /^You are invited to "Smith Company" but have not accepted yet/,
    );
    expect(await roleOf('adm@example.com')).toBe('ADMINISTRATOR');
  });

  it('SUPPORT re-roles in any company by id; others reach only their own (NOT_FOUND)', async () => {
    const r = await setRole(sue, 'mgr@example.com', 'DESIGNER', { company: String(ann.company.id) });
    expect(r.err).toBe('✓ mgr@example.com is now DESIGNER in "Smith Company" (was MANAGER).\n');
    expect(await failure(setRole(bob, 'mgr@example.com', 'DESIGNER', { company: 'Smith Company' }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(setRole(undefined, 'mgr@example.com', 'DESIGNER'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
