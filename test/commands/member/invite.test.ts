import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/invite.js';
import { listMembers } from '../../../src/domain/members.js';
import { deleteAccount } from '../../../src/domain/accounts.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('member invite run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, adm: TestUser, mgr: TestUser, des: TestUser, inv: TestUser;
  let carol: TestUser, sue: TestUser, gus: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, adm, mgr, des, inv, carol, sue, gus] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['adm@example.com', 'Adam', 'Admin'],
      ['mgr@example.com', 'Meg', 'Manager'],
      ['des@example.com', 'Dee', 'Designer'],
      ['inv@example.com', 'Ivy', 'Invited'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['gus@example.com', 'Gus', 'Green'],
    ]);
    await f.grantSupport(sue);
    // Carol's Brown Company (TEAM) has an ACTIVE ADMINISTRATOR, MANAGER and DESIGNER, and Ivy INVITED.
    await f.setPlan(carol.company.id, 'TEAM');
    await f.join(adm, carol, 'administrator');
    await f.join(mgr, carol, 'manager');
    await f.join(des, carol, 'designer');
    await f.invite(carol, ['inv@example.com'], 'administrator');
    // Gus is current in a company that is then deleted with its owner's account.
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const invite = async (
    who: TestUser | undefined,
    emails: string[],
    role: string,
    o: { company?: string; tty?: boolean; json?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, emails, role, company: o.company });
    return { out: c.stdout(), err: c.stderr() };
  };
  const emailsOf = async (who: TestUser, company: string) =>
    (await listMembers(fx().services, who.cred, { company })).members.map((m) => `${m.email} ${m.role} ${m.status}`);

  it('on a terminal prints the invited as an aligned table with a header, the summary on stderr', async () => {
    const r = await invite(ann, ['zoe@example.com'], 'designer', { tty: true });
    expect(r.out).toBe('EMAIL            ROLE      STATUS\nzoe@example.com  DESIGNER  PENDING\n');
    expect(r.err).toBe('✓ Invited 1 member to "Smith Company" as DESIGNER (2/3 users).\n');
  });

  it('piped: tab-separated rows without a header; a registered e-mail is INVITED, another PENDING; roles in any case', async () => {
    const r = await invite(carol, ['bob@example.com', 'Carol.With.A.Long.Name@Example.com '], 'Manager');
    expect(r.out).toBe('bob@example.com\tMANAGER\tINVITED\ncarol.with.a.long.name@example.com\tMANAGER\tPENDING\n');
    expect(r.err).toBe('✓ Invited 2 members to "Brown Company" as MANAGER (7/10 users).\n');
    // Each invitation is audited with its role and status.
    const entries = await fx().read((rp) => rp.auditPage({ action: 'member.invite', companyId: carol.company.id }, 2));
    expect(entries.map((e) => [e.actor_email, e.target, JSON.parse(e.details!)])).toEqual([
      ['carol@example.com', 'carol.with.a.long.name@example.com', { role: 'MANAGER', status: 'PENDING' }],
      ['carol@example.com', 'bob@example.com', { role: 'MANAGER', status: 'INVITED' }],
    ]);
  });

  it('--json: the company, the role, who was invited with which status, and the seats', async () => {
    const r = await invite(carol, ['ADM2@example.com'], 'administrator', { json: true });
    expect(JSON.parse(r.out)).toEqual({
      company: { id: carol.company.id, name: 'Brown Company' },
      role: 'ADMINISTRATOR',
      invited: [{ email: 'adm2@example.com', status: 'PENDING' }],
      users: 8,
      maxUsers: 10,
    });
    expect(r.err).toBe('');
  });

  it('all or nothing: one e-mail already a member, already invited, or not an e-mail, and nobody is invited', async () => {
    const before = await emailsOf(carol, 'Brown Company');
    const member = await failure(invite(carol, ['new1@example.com', 'mgr@example.com'], 'DESIGNER'));
    expect(member).toMatchObject({
      code: 'ALREADY_EXISTS',
      exitCode: 6,
      message: 'mgr@example.com is already a member of "Brown Company" (MANAGER, ACTIVE).',
    });
    const invited = await failure(invite(carol, ['new1@example.com', 'Inv@Example.com'], 'DESIGNER'));
    expect(invited.message).toBe('inv@example.com is already a member of "Brown Company" (ADMINISTRATOR, INVITED).');
    const pending = await failure(invite(carol, ['new1@example.com', 'ADM2@example.com'], 'DESIGNER'));
    expect(pending).toMatchObject({
      code: 'ALREADY_EXISTS',
      message: 'adm2@example.com is already invited to "Brown Company" (ADMINISTRATOR, PENDING).',
    });
    const bad = await failure(invite(carol, ['new1@example.com', 'not-an-email'], 'DESIGNER'));
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    expect(await emailsOf(carol, 'Brown Company')).toEqual(before);
  });

  it('the seats count ACTIVE + INVITED + PENDING with the OWNER: past the plan is SEAT_LIMIT (exit 6), nobody invited', async () => {
    // Smith Company (FREE, 3 users) has Ann and zoe (PENDING): two more would be 4.
    const e = await failure(invite(ann, ['p1@example.com', 'p2@example.com'], 'DESIGNER'));
    expect(e).toMatchObject({
      code: 'SEAT_LIMIT',
      exitCode: 6,
      message:
        'Plan FREE of "Smith Company" allows 3 users; it has 2, so 2 more would exceed it. Ask support to change the plan.',
    });
    expect(await emailsOf(ann, 'Smith Company')).toEqual([
      'ann@example.com OWNER ACTIVE',
      'zoe@example.com DESIGNER PENDING',
    ]);
    // The same e-mail twice is one seat.
    await invite(ann, ['p1@example.com', 'P1@example.com'], 'DESIGNER');
    expect(await emailsOf(ann, 'Smith Company')).toHaveLength(3);
  });

  it('nobody is given OWNER, nor invites the OWNER; unknown roles are named (exit 2, 6)', async () => {
    expect(await failure(invite(carol, ['x@example.com'], 'owner'))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.',
    });
    expect(await failure(invite(carol, ['x@example.com'], 'boss'))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Unknown role "boss": use one of ADMINISTRATOR, MANAGER, DESIGNER.',
    });
    expect(await failure(invite(adm, ['carol@example.com'], 'DESIGNER', { company: 'Brown Company' }))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message: 'carol@example.com is the OWNER of "Brown Company"; the OWNER\'s membership cannot be changed.',
    });
    expect(await failure(invite(carol, [], 'DESIGNER'))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Name at least one e-mail to invite.',
    });
  });

  it('an ADMINISTRATOR invites like the OWNER; a MANAGER or DESIGNER is PERMISSION_DENIED (exit 4) with their role', async () => {
    const r = await invite(adm, ['by-admin@example.com'], 'designer', { company: 'Brown Company', json: true });
    expect(JSON.parse(r.out).invited).toEqual([{ email: 'by-admin@example.com', status: 'PENDING' }]);
    for (const [who, role] of [
      [mgr, 'MANAGER'],
      [des, 'DESIGNER'],
    ] as const) {
      expect(await failure(invite(who, ['x@example.com'], 'DESIGNER', { company: 'Brown Company' }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message: `Only an OWNER or ADMINISTRATOR of "Brown Company" can invite members; your role there is ${role}.`,
      });
    }
  });

  it('an invitation not yet accepted grants nothing: PERMISSION_DENIED naming the switch', async () => {
    expect(await failure(invite(inv, ['x@example.com'], 'DESIGNER', { company: 'Brown Company' }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: `You are invited to "Brown Company" but have not accepted yet: switch to it first with \`platformctl company switch ${carol.company.id}\` (or leave it).`,
    });
  });

  it('a company one is not in is NOT_FOUND (exit 5); with no current company, NOT_FOUND saying how to choose', async () => {
    expect(await failure(invite(bob, ['x@example.com'], 'DESIGNER', { company: 'Smith Company' }))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
    const e = await failure(invite(gus, ['x@example.com'], 'DESIGNER'));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company: you were removed from it, or it was deleted\./);
  });

  it('SUPPORT invites into any company by id; an unlimited plan says so in the summary', async () => {
    await fx().setPlan(bob.company.id, 'ENTERPRISE');
    const r = await invite(sue, ['helper@example.com'], 'MANAGER', { company: String(bob.company.id) });
    expect(r.err).toBe('✓ Invited 1 member to "Jones Company" as MANAGER (unlimited plan).\n');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'member.invite', companyId: bob.company.id }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', target: 'helper@example.com' });
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(invite(undefined, ['x@example.com'], 'DESIGNER'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
