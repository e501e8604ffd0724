import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/account/show.js';
import { deleteAccount, logout } from '../../../src/domain/accounts.js';
import { createPlan } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('account show run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, gus: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, gus, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['gus@example.com', 'Gus', 'Green'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await createPlan(f.services, sue.cred, { name: 'BIG-DEAL', maxUsers: 500, custom: true });
    await createPlan(f.services, sue.cred, { name: 'OPEN', unlimited: true });
    await createPlan(f.services, sue.cred, { name: 'ACME-DEAL', unlimited: true, custom: true });
    await f.sql(`UPDATE users SET phone = '+1 555 0100' WHERE id = :id`, { id: ann.id });
    // Bob: MANAGER of Smith Company (current), invited to Brown Company.
    await f.join(bob, ann, 'manager');
    await f.invite(carol, ['bob@example.com'], 'designer');
    // Gus was current in a company deleted with its owner's account.
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'designer');
    await deleteAccount(f.services, hal.cred);
  });

  const show = async (who: TestUser | undefined, o: { tty?: boolean; json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run(c.deps);
    return { out: c.stdout(), err: c.stderr() };
  };
  const json = async (who: TestUser) => JSON.parse((await show(who, { json: true })).out);

  it('piped: the panel as fields, then the companies as tab-separated rows', async () => {
    const r = await show(bob);
    expect(r.out).toBe(
      [
        'Name     Bob Jones',
        'Email    bob@example.com',
        'Phone    —',
        `Company  Smith Company (id ${ann.company.id})`,
        'Role     MANAGER',
        'Plan     FREE (up to 3 users)',
        '',
        'Companies',
        `\t${bob.company.id}\tJones Company\tOWNER\tACTIVE\tmain`,
        `\t${carol.company.id}\tBrown Company\tDESIGNER\tINVITED\t`,
        `*\t${ann.company.id}\tSmith Company\tMANAGER\tACTIVE\t`,
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('');
  });

  it('on a terminal: the companies as a table with a header', async () => {
    const r = await show(ann, { tty: true });
    expect(r.out).toBe(
      [
        'Name     Ann Smith',
        'Email    ann@example.com',
        'Phone    +1 555 0100',
        `Company  Smith Company (id ${ann.company.id})`,
        'Role     OWNER',
        'Plan     FREE (up to 3 users)',
        '',
        'Companies',
        '   ID  NAME           ROLE   STATUS  MAIN',
        `*  ${ann.company.id}   Smith Company  OWNER  ACTIVE  main`,
        '',
      ].join('\n'),
    );
  });

  it('--json: user, current company with role and plan, and the company list items', async () => {
    expect(await json(bob)).toEqual({
      user: { id: bob.id, email: 'bob@example.com', firstName: 'Bob', lastName: 'Jones', phone: null, support: false },
      currentCompany: {
        id: ann.company.id,
        name: 'Smith Company',
        role: 'MANAGER',
        plan: { name: 'FREE', maxUsers: 3, custom: false },
      },
      companies: [
        { id: bob.company.id, name: 'Jones Company', role: 'OWNER', status: 'ACTIVE', current: false, main: true },
        {
          id: carol.company.id,
          name: 'Brown Company',
          role: 'DESIGNER',
          status: 'INVITED',
          current: false,
          main: false,
        },
        { id: ann.company.id, name: 'Smith Company', role: 'MANAGER', status: 'ACTIVE', current: true, main: false },
      ],
    });
  });

  it('an unlimited custom plan is left out (JSON null, no Plan line); capped custom and unlimited standard plans are shown', async () => {
    const cases: [string, string | null, object | null][] = [
      ['ACME-DEAL', null, null],
      ['ENTERPRISE', null, null],
      ['BIG-DEAL', 'BIG-DEAL (up to 500 users)', { name: 'BIG-DEAL', maxUsers: 500, custom: true }],
      ['OPEN', 'OPEN (unlimited)', { name: 'OPEN', maxUsers: null, custom: false }],
    ];
    for (const [plan, line, view] of cases) {
      await fx().setPlan(carol.company.id, plan);
      const human = (await show(carol)).out;
      if (line === null) expect(human, plan).not.toMatch(/^Plan/m);
      else expect(human, plan).toMatch(new RegExp(`^Plan {5}${line.replace(/[()]/g, '\\$&')}$`, 'm'));
      expect((await json(carol)).currentCompany, plan).toEqual({
        id: carol.company.id,
        name: 'Brown Company',
        role: 'OWNER',
        plan: view,
      });
    }
  });

  it('no current company (it was deleted): JSON null; the panel shows none, no role, no plan, no "*"', async () => {
    const j = await json(gus);
    expect(j.currentCompany).toBeNull();
    expect(j.companies).toEqual([
      { id: gus.company.id, name: 'Green Company', role: 'OWNER', status: 'ACTIVE', current: false, main: true },
    ]);
    expect((await show(gus)).out).toBe(
      [
        'Name     Gus Green',
        'Email    gus@example.com',
        'Phone    —',
        'Company  —',
        'Role     —',
        '',
        'Companies',
        `\t${gus.company.id}\tGreen Company\tOWNER\tACTIVE\tmain`,
        '',
      ].join('\n'),
    );
  });

  it('staff: a Staff line, and support true in JSON', async () => {
    expect((await show(sue)).out).toMatch(/^Role {5}OWNER\nPlan {5}FREE \(up to 3 users\)\nStaff {4}SUPPORT\n/m);
    expect((await json(sue)).user.support).toBe(true);
  });

  it('text stored by an older build is escaped, never sent raw to the terminal', async () => {
    await fx().sql(`UPDATE companies SET name = :n WHERE id = :id`, { n: 'Evil\x1b[2JCo\u202e', id: gus.company.id });
    const out = (await show(gus, { tty: true })).out;
    expect(out).toContain('Evil\\u{1b}[2JCo\\u{202e}');
    expect(out).not.toMatch(/[\x1b\u202e]/);
  });

  it('signed out, or a session revoked by logout: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(show(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    const dan = await fx().register('dan@example.com', 'Dan', 'Dean');
    await logout(fx().services, dan.cred);
    expect(await failure(show(dan))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: expect.stringContaining('revoked'),
    });
  });
});
