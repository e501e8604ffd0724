import { beforeAll, describe, expect, it } from 'vitest';
import { run as register } from '../../../src/commands/account/register.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as billingShow } from '../../../src/commands/billing/show.js';
import { run as companyList } from '../../../src/commands/company/list.js';
import { run as companyShow } from '../../../src/commands/company/show.js';
import { run as companySwitch } from '../../../src/commands/company/switch.js';
import { run as invite } from '../../../src/commands/member/invite.js';
import { run as list } from '../../../src/commands/member/list.js';
import { run as remove } from '../../../src/commands/member/remove.js';
import { run as setRole } from '../../../src/commands/member/set-role.js';
import { show as showAccount } from '../../../src/domain/accounts.js';
import { checkStore } from '../../../src/domain/health.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };
type Company = { name: string; role: string; status: string; current: boolean };

/**
 * The member rules that reach across commands (what an invitation grants before and after
 * it is accepted, what a MANAGER or DESIGNER may look at and may not change, what a
 * registration does to PENDING invitations, where a removed member is left), each seen
 * through the commands' run() as a user sees it. One command's own rules are in its file
 * (invite, list, set-role, remove .test.ts); the process (exit status, stderr JSON, a
 * real CLI on each engine) in e2e/member.test.ts.
 */
describe.each(ENGINES)('member rules across commands on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, adm: TestUser, mgr: TestUser, des: TestUser, bob: TestUser, sue: TestUser;
  let smith: { id: number; name: string };

  beforeAll(async () => {
    const f = fx();
    [ann, adm, mgr, des, bob, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['adm@example.com', 'Adam', 'Admin'],
      ['mgr@example.com', 'Meg', 'Manager'],
      ['des@example.com', 'Dee', 'Designer'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await f.setPlan(ann.company.id, 'TEAM');
    smith = ann.company;
  });

  /** Runs a command's run() as `who`; stdout and stderr as written. */
  const call = async (
    who: TestUser | undefined,
    fn: (deps: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>,
    o: { json?: boolean; tty?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    await fn(c.deps);
    return { out: c.stdout(), err: c.stderr() };
  };
  const json = async <T>(
    who: TestUser | undefined,
    fn: (deps: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>,
  ) => JSON.parse((await call(who, fn, { json: true })).out) as T;
  /** A command that may confirm: no question is expected here (--yes, or none asked). */
  const confirming = (deps: ReturnType<ReturnType<typeof fx>['call']>['deps'], yes: boolean) => ({
    ...deps,
    confirm: confirmer(deps.io, scriptedPrompter([]).prompter, yes),
  });
  const members = (who: TestUser, company?: string) =>
    json<Member[]>(who, (d) => list({ ...d, csv: false, all: false, company }));
  const S = 'Smith Company';

  const team: Member[] = [
    { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', role: 'OWNER', status: 'ACTIVE' },
    { email: 'adm@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'INVITED' },
    { email: 'des@example.com', firstName: 'Dee', lastName: 'Designer', role: 'DESIGNER', status: 'ACTIVE' },
    { email: 'mgr@example.com', firstName: 'Meg', lastName: 'Manager', role: 'MANAGER', status: 'ACTIVE' },
  ];

  it('--json invite of a registered e-mail, role in any case: INVITED, with the seats', async () => {
    expect(await json(ann, (d) => invite({ ...d, emails: ['ADM@example.com'], role: 'administrator' }))).toEqual({
      company: smith,
      role: 'ADMINISTRATOR',
      invited: [{ email: 'adm@example.com', status: 'INVITED' }],
      users: 2,
      maxUsers: 10,
    });
    await call(ann, (d) => invite({ ...d, emails: ['mgr@example.com', 'des@example.com'], role: 'Manager' }));
    await call(ann, (d) => setRole({ ...confirming(d, false), email: 'des@example.com', role: 'designer' }));
  });

  it('an invitation grants nothing until accepted: member list, company show, billing show, invite, set-role, remove are PERMISSION_DENIED (exit 4) naming the switch', async () => {
    const notYet = `You are invited to "Smith Company" but have not accepted yet: switch to it first with \`platformctl company switch ${smith.id}\` (or leave it).`;
    const attempts: [TestUser, (d: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>][] = [
      [mgr, (d) => list({ ...d, csv: false, all: false, company: S })],
      [des, (d) => companyShow({ ...d, company: S })],
      [mgr, (d) => billingShow({ ...d, company: S })],
      [adm, (d) => invite({ ...d, emails: ['x@example.com'], role: 'DESIGNER', company: S })],
      [adm, (d) => setRole({ ...confirming(d, false), email: 'des@example.com', role: 'MANAGER', company: S })],
      [adm, (d) => remove({ ...confirming(d, true), email: 'des@example.com', company: S })],
    ];
    for (const [who, fn] of attempts)
      expect(await failure(call(who, fn))).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4, message: notYet });
    expect((await members(ann)).map((m) => `${m.email} ${m.role} ${m.status}`)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'adm@example.com ADMINISTRATOR INVITED',
      'des@example.com DESIGNER INVITED',
      'mgr@example.com MANAGER INVITED',
    ]);
  });

  it('once accepted, every member may look: the same member list as the OWNER, company show with their role, billing show with the seats', async () => {
    for (const who of [mgr, des]) await call(who, (d) => companySwitch({ ...d, company: S }));
    expect(await members(ann)).toEqual(team);
    expect(await members(mgr, S)).toEqual(team);
    expect(await members(des, S)).toEqual(team);
    expect(await json(des, (d) => companyShow({ ...d, company: S }))).toMatchObject({ id: smith.id, role: 'DESIGNER' });
    expect(await json(mgr, (d) => billingShow({ ...d, company: S }))).toMatchObject({ company: smith, users: 4 });
  });

  it('MANAGER and DESIGNER change nothing: invite, set-role and remove are PERMISSION_DENIED (exit 4) and the members stay as they were', async () => {
    const refusals: [TestUser, string, (d: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>][] = [
      [mgr, 'invite members', (d) => invite({ ...d, emails: ['x@example.com'], role: 'DESIGNER', company: S })],
      [des, 'invite members', (d) => invite({ ...d, emails: ['y@example.com'], role: 'MANAGER', company: S })],
      [
        des,
        'change roles',
        (d) => setRole({ ...confirming(d, false), email: 'mgr@example.com', role: 'DESIGNER', company: S }),
      ],
      [
        mgr,
        'change roles',
        (d) => setRole({ ...confirming(d, false), email: 'des@example.com', role: 'MANAGER', company: S }),
      ],
      [mgr, 'remove members', (d) => remove({ ...confirming(d, true), email: 'des@example.com', company: S })],
      [des, 'remove members', (d) => remove({ ...confirming(d, true), email: 'mgr@example.com', company: S })],
    ];
    for (const [who, what, fn] of refusals) {
      const role = who === mgr ? 'MANAGER' : 'DESIGNER';
      expect(await failure(call(who, fn, { json: true }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message: `Only an OWNER or ADMINISTRATOR of "Smith Company" can ${what}; your role there is ${role}.`,
      });
    }
    expect(await members(ann)).toEqual(team);
  });

  it('a member removed from their current company is left with none: that company is NOT_FOUND (exit 5) by name too; their own lists by --company and after switching', async () => {
    await call(mgr, (d) => companySwitch({ ...d, company: S }));
    await call(ann, (d) => remove({ ...confirming(d, true), email: 'mgr@example.com' }));
    const me = await json<{ currentCompany: unknown; companies: Company[] }>(mgr, (d) => accountShow(d));
    expect(me.currentCompany).toBeNull();
    expect(me.companies.map((c) => [c.name, c.current])).toEqual([['Manager Company', false]]);
    // Cleared in the store, not only hidden: \`store check\` finds no current company that is not theirs.
    expect((await checkStore(fx().store)).problems).toEqual([]);
    const none = await failure(members(mgr));
    expect(none).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(none.message).toMatch(/^You have no current company: you were removed from it, or it was deleted\./);
    expect(await failure(members(mgr, S))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
    expect(await members(mgr, 'Manager Company')).toHaveLength(1);
    await call(mgr, (d) => companySwitch({ ...d, company: 'Manager Company' }));
    expect(await members(mgr)).toHaveLength(1);
  });

  describe('registration and PENDING invitations (FREE plan: 3 users)', () => {
    /** Registers through account register's run(), password on stdin, signed in in a config of its own. */
    const registerAs = async (email: string, first: string, last: string): Promise<TestUser> => {
      const f = fx();
      const config = await f.config(email);
      const c = f.call(undefined, { stdin: `${TEST_PASSWORD}\n` });
      await register({
        io: c.io,
        prompter: scriptedPrompter([]).prompter,
        services: () => Promise.resolve(f.services),
        config: () => config,
        storeKey: () => f.storeKey,
        source: () => 'unit-test-register-02',
        json: false,
        email,
        firstName: first,
        lastName: last,
        passwordStdin: true,
      });
      const token = config.session(f.storeKey)!.token;
      const me = await showAccount(f.services, { token });
      return {
        id: me.user.id,
        email,
        token,
        cred: { token },
        company: { id: me.currentCompany!.id, name: me.currentCompany!.name },
      };
    };
    let kim: TestUser;
    const emails = async () => (await members(kim)).map((m) => m.email);

    it('revoking a PENDING invitation frees its seat; the e-mail joins nothing when it registers', async () => {
      kim = await fx().register('kim@example.com', 'Kim', 'Kane');
      await call(kim, (d) => invite({ ...d, emails: ['bob@example.com'], role: 'DESIGNER' }));
      await call(kim, (d) => invite({ ...d, emails: ['q@example.com'], role: 'MANAGER' }));
      expect(
        await failure(call(kim, (d) => invite({ ...d, emails: ['r@example.com'], role: 'DESIGNER' }))),
      ).toMatchObject({ code: 'SEAT_LIMIT', exitCode: 6 });
      await call(kim, (d) => remove({ ...confirming(d, true), email: 'q@example.com' }));
      expect(await emails()).toEqual(['kim@example.com', 'bob@example.com']);
      await call(kim, (d) => invite({ ...d, emails: ['p@example.com'], role: 'administrator' }));
      expect(await json(kim, (d) => list({ ...d, csv: false, all: false, status: 'PENDING' }))).toEqual([
        { email: 'p@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'PENDING' },
      ]);
      const q = await registerAs('q@example.com', 'Quinn', 'Quade');
      expect((await json<Company[]>(q, (d) => companyList(d))).map((c) => c.name)).toEqual(['Quade Company']);
      expect(await emails()).toEqual(['kim@example.com', 'bob@example.com', 'p@example.com']);
    });

    it('a PENDING invitation becomes INVITED on registration: not current, names hidden until accepted; the first switch accepts it and the role applies', async () => {
      const p = await registerAs('p@example.com', 'Pia', 'Park');
      expect(await json(kim, (d) => list({ ...d, csv: false, all: false, role: 'administrator' }))).toEqual([
        { email: 'p@example.com', firstName: null, lastName: null, role: 'ADMINISTRATOR', status: 'INVITED' },
      ]);
      expect(await json(kim, (d) => list({ ...d, csv: false, all: false, status: 'PENDING' }))).toEqual([]);
      expect(
        (await json<Company[]>(p, (d) => companyList(d))).map((c) => [c.name, c.role, c.status, c.current]),
      ).toEqual([
        ['Park Company', 'OWNER', 'ACTIVE', true],
        ['Kane Company', 'ADMINISTRATOR', 'INVITED', false],
      ]);
      expect(
        (await json<{ activated: boolean }>(p, (d) => companySwitch({ ...d, company: 'Kane Company' }))).activated,
      ).toBe(true);
      await call(p, (d) => setRole({ ...confirming(d, false), email: 'bob@example.com', role: 'MANAGER' }));
      expect((await json<Company[]>(bob, (d) => companyList(d)))[1]).toMatchObject({
        name: 'Kane Company',
        role: 'MANAGER',
        status: 'INVITED',
      });
    });
  });

  it('afterwards `store check` finds nothing wrong (as e2e checked after each scenario)', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
