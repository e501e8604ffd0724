import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type ListOptions } from '../../../src/commands/audit/list.js';
import { deleteAccount, update } from '../../../src/domain/accounts.js';
import { removeMember, setRole } from '../../../src/domain/members.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

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

/**
 * Who reads which entries, filters, paging and formats, on both engines. That every
 * command writes its entry is proven in coverage.test.ts; the real process (exit status,
 * stdout and stderr) in e2e/audit.test.ts.
 */
describe.each(ENGINES)('audit list run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, sue: TestUser, carol: TestUser, dan: TestUser, zed: TestUser;
  let smith: number;
  let started: string;
  /** Zed Company's bulk entries (SQL): 1,200 an hour apart, the first 300 in run 7. */
  let base: number;

  beforeAll(async () => {
    const f = fx();
    started = new Date().toISOString();
    [ann, bob, sue, carol, dan, zed] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['dan@example.com', 'Dan', 'Dean'],
      ['zed@example.com', 'Zed', 'Zed'],
    ]);
    smith = ann.company.id;
    await f.grantSupport(sue);
    await f.setPlan(smith, 'TEAM');
    await f.invite(ann, ['bob@example.com'], 'ADMINISTRATOR');
    await f.invite(ann, ['p@example.com'], 'DESIGNER');
    await f.invite(ann, ['dan@example.com'], 'MANAGER');
    await f.switchTo(bob, 'Smith Company');
    await setRole(f.services, ann.cred, { email: 'p@example.com', role: 'MANAGER' });
    await removeMember(f.services, ann.cred, { email: 'p@example.com' });
    await update(f.services, ann.cred, { companyName: 'Smith & Co' });

    // Zed Company: entries an hour apart after it was created, and a deleted company's
    // entries under the same id, older than it (a store migrated from schema 1).
    const created = (await f.read((r) => r.companyById(zed.company.id)))!.created_at;
    base = Date.parse(created) + 1000;
    const actions = ['member.invite', 'member.set_role', 'company.rename'];
    await f.sql(
      `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target, details, run_id)
       SELECT value ->> 0, value ->> 1, :c, 'Zed Company', value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(:rows)`,
      {
        c: zed.company.id,
        rows: JSON.stringify(
          Array.from({ length: 1200 }, (_, i) => [
            new Date(base + i * 3_600_000).toISOString(),
            i % 2 ? 'zed@example.com' : 'bob@example.com',
            actions[i % 3],
            `p${i}@example.com`,
            JSON.stringify({ i, note: '=1+1' }),
            i < 300 ? 7 : null,
          ]),
        ),
      },
    );
    await f.sql(
      `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target)
       VALUES ('2001-01-01T00:00:00.000Z', 'old@example.com', :c, 'Deleted Co', 'member.remove', 'secret@example.com')`,
      { c: zed.company.id },
    );
  });

  const list = async (who: TestUser | undefined, o: Partial<ListOptions> & { tty?: boolean } = {}) => {
    const c = fx().call(who, { tty: o.tty ?? false });
    c.io.columns = 150;
    await run({ ...c.deps, all: false, ...o, json: o.json ?? false });
    return { out: c.stdout(), err: c.stderr() };
  };
  const json = async (who: TestUser, o: Partial<ListOptions> = {}) =>
    JSON.parse((await list(who, { ...o, json: true })).out) as Entry[];
  const ids = async (who: TestUser, o: Partial<ListOptions> = {}) => (await json(who, o)).map((e) => e.id);

  it("the OWNER reads her company's log, newest first, each entry with actor, company, action, target, time, details", async () => {
    const mine = await json(ann);
    expect(mine.map((e) => e.action)).toEqual([
      'company.rename',
      'member.remove',
      'member.set_role',
      'company.switch',
      'member.invite',
      'member.invite',
      'member.invite',
      'plan.set',
      'account.register',
    ]);
    expect(mine.every((e) => e.company?.id === smith)).toBe(true);
    expect(mine.map((e) => e.id)).toEqual([...mine.map((e) => e.id)].sort((a, b) => b - a));
    const role = mine.find((e) => e.action === 'member.set_role')!;
    expect(role).toEqual({
      id: role.id,
      at: role.at,
      actor: 'ann@example.com',
      company: { id: smith, name: 'Smith Company' },
      action: 'member.set_role',
      target: 'p@example.com',
      details: { from: 'DESIGNER', to: 'MANAGER' },
      run: null,
    });
    expect(role.at >= started && !Number.isNaN(Date.parse(role.at))).toBe(true);
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
    // Each entry keeps the company name it was written with.
    expect(mine[0]).toMatchObject({
      company: { id: smith, name: 'Smith & Co' },
      details: { from: 'Smith Company', to: 'Smith & Co' },
    });
    expect(mine.find((e) => e.action === 'member.remove')).toMatchObject({
      target: 'p@example.com',
      details: { role: 'MANAGER', status: 'PENDING' },
    });
  });

  it('piped: one tab-separated row per entry, ISO time first, nothing on stderr', async () => {
    const r = await list(ann);
    expect(r.err).toBe('');
    const rows = r.out.trimEnd().split('\n');
    expect(rows).toHaveLength(9);
    const cells = rows[0]!.split('\t');
    expect(cells[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(cells.slice(1)).toEqual([
      'ann@example.com',
      'Smith & Co',
      'company.rename',
      String(smith),
      JSON.stringify({ from: 'Smith Company', to: 'Smith & Co' }),
      String((await json(ann))[0]!.id),
    ]);
  });

  it('the ADMINISTRATOR reads the same; filters by actor (any case), time and count', async () => {
    const mine = await json(ann);
    expect(await json(bob, { company: 'Smith & Co' })).toEqual(mine);
    expect((await json(bob, { actor: 'BOB@example.com' })).map((e) => e.action)).toEqual(['company.switch']);
    expect(await ids(bob, { limit: 2 })).toEqual(mine.slice(0, 2).map((e) => e.id));
    expect(await json(bob, { since: '2999-01-01' })).toEqual([]);
    const role = mine.find((e) => e.action === 'member.set_role')!;
    expect(await json(bob, { since: role.at })).toEqual(mine.filter((e) => e.at >= role.at));
    expect(await json(bob, { until: role.at })).toEqual(mine.filter((e) => e.at < role.at));
  });

  it('bad filters are INVALID_INPUT or USAGE (exit 2), naming what is wanted', async () => {
    const cases: [Partial<ListOptions>, string][] = [
      [{ since: 'yesterday' }, '--since needs an ISO date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z.'],
      [{ until: 'tomorrow' }, '--until needs an ISO date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z.'],
      [
        { action: 'member;drop' },
        '--action takes an action the log records, such as member.invite, or a group such as member; "member;drop" is neither. Did you mean member? Every action is listed in `platformctl audit list --help`.',
      ],
      [{ action: 'bogus' }, expect.stringContaining('"bogus" is neither. Groups: account, company, member,')],
      [{ csv: true, json: true }, '--json and --csv cannot be used together.'],
      [{ csv: true, format: 'jsonl' }, '--csv and --format cannot be used together.'],
      [{ run: 0 }, '--run must be an id: a whole number of at least 1.'],
      [{ before: Number.NaN }, '--before must be an id: a whole number of at least 1.'],
      [{ limit: 0 }, '--limit must be a whole number of at least 1.'],
      [{ all: true, limit: 5 }, '--all and --limit cannot be used together.'],
      [{ json: true, format: 'csv' }, '--json and --format cannot be used together.'],
      [{ format: 'xml' }, 'Unknown format "xml": use csv or jsonl.'],
    ];
    for (const [o, message] of cases) {
      const e = await failure(list(ann, o));
      expect(e, JSON.stringify(o)).toMatchObject({ exitCode: 2, message });
    }
  });

  it('MANAGER and DESIGNER may not read it (exit 4); an invitation not accepted grants nothing; other companies are not there (exit 5)', async () => {
    await fx().switchTo(dan, 'Smith & Co');
    expect(await failure(list(dan, { company: String(smith) }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only an OWNER or ADMINISTRATOR of "Smith & Co" can read its audit log; your role there is MANAGER.',
    });
    await fx().invite(bob, ['carol@example.com'], 'ADMINISTRATOR', 'Smith & Co');
    expect((await failure(list(carol, { company: 'Smith & Co' }))).message).toMatch(/^You are invited to "Smith & Co"/);
    expect(await failure(list(ann, { company: 'Jones Company' }))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
    });
    expect(await failure(list(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  it('SUPPORT reads everything: every company, staff changes (no company), and a company by id', async () => {
    const all = await json(sue, { action: 'staff' });
    expect(all).toEqual([
      expect.objectContaining({
        action: 'staff.grant',
        actor: 'sue@example.com',
        company: null,
        target: 'sue@example.com',
        details: { bootstrap: true },
      }),
    ]);
    const registrations = (await json(sue, { action: 'account.register' })).map((e) => e.company?.name).sort();
    expect(registrations).toEqual([
      'Brown Company',
      'Dean Company',
      'Jones Company',
      'Smith Company',
      'Staff Company',
      'Zed Company',
    ]);
    expect((await json(sue, { company: String(bob.company.id) })).map((e) => e.action)).toEqual(['account.register']);
    // Every entry the OWNER reads, staff read too, the same.
    const everything = await json(sue, { all: true });
    const mine = await json(ann);
    expect(mine.every((e) => everything.some((a) => JSON.stringify(a) === JSON.stringify(e)))).toBe(true);
  });

  it("a deleted company's entries stay, with the name it had, for SUPPORT only; older entries under a reused id are not its members'", async () => {
    const owner = await json(zed);
    expect(owner).toHaveLength(1201); // + his own account.register
    expect(owner.some((e) => e.company?.name === 'Deleted Co')).toBe(false);
    const staff = await json(sue, { company: String(zed.company.id) });
    expect(staff).toHaveLength(1202);
    expect(staff.find((e) => e.actor === 'old@example.com')).toMatchObject({
      company: { id: zed.company.id, name: 'Deleted Co' },
    });
    // A company deleted with its owner: staff read its entries, with its name, in the
    // whole log; by id it is gone for everyone (exit 5), staff included.
    const hal = await fx().register('hal@example.com', 'Hal', 'Hill');
    await deleteAccount(fx().services, hal.cred);
    const gone = (await json(sue)).filter((e) => e.company?.id === hal.company.id);
    expect(gone.map((e) => [e.action, e.company?.name])).toEqual([
      ['account.delete', 'Hill Company'],
      ['account.register', 'Hill Company'],
    ]);
    for (const who of [ann, sue])
      expect(await failure(list(who, { company: String(hal.company.id) }))).toMatchObject({
        code: 'NOT_FOUND',
        exitCode: 5,
      });
  });

  it('filters by time window, action or group, and run; pages with --limit and --before cover every entry once', async () => {
    const all = await json(zed);
    // Newest first: ids falling, the last bulk entry on top with its company and details.
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    expect(all[0]).toMatchObject({
      company: { id: zed.company.id, name: 'Zed Company' },
      details: { i: 1199 },
      run: null,
    });
    const pick = (f: (e: Entry) => boolean) => all.filter(f).map((e) => e.id);
    const since = new Date(base + 100 * 3_600_000).toISOString();
    const until = new Date(base + 200 * 3_600_000).toISOString();
    const window = await ids(zed, { since, until });
    expect(window).toEqual(pick((e) => e.at >= since && e.at < until));
    expect(window).toHaveLength(100);
    expect(await ids(zed, { action: 'Member' })).toEqual(pick((e) => e.action.startsWith('member.')));
    expect(await ids(zed, { action: 'member.set_role' })).toEqual(pick((e) => e.action === 'member.set_role'));
    const run7 = await ids(zed, { run: 7 });
    expect(run7).toEqual(pick((e) => e.run === 7));
    expect(run7).toHaveLength(300);
    expect(await ids(zed, { actor: 'bob@example.com', action: 'company' })).toEqual(
      pick((e) => e.actor === 'bob@example.com' && e.action === 'company.rename'),
    );
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await ids(zed, { limit: 450, before });
      if (!page.length) break;
      seen.push(...page);
      before = page.at(-1);
    }
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('a limited table says how many more entries there are and the --before that continues', async () => {
    const all = await json(zed);
    const r = await list(zed, { limit: 5 });
    expect(r.out.trimEnd().split('\n')).toHaveLength(5);
    expect(r.err).toBe(
      `… and 1,196 more entries: add --before ${all[4]!.id} for the next 5, or --all for every one.\n`,
    );
  });

  it('on a terminal: the 50 newest with local times and the --before to continue; --all and piped: everything', async () => {
    const r = await list(zed, { tty: true });
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^TIME\s+ACTOR\s+COMPANY\s+ACTION\s+TARGET\s+DETAILS\s+ID$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d\s+zed@example\.com\s+Zed Company\s+company\.rename\s+p1199@example\.com\s+i=1199 note==1\+1\s+\d+$/,
    );
    // The last column is the id that --before takes.
    const newest = (await json(zed))[0]!;
    expect(lines[1]!.split(/\s+/).at(-1)).toBe(String(newest.id));
    expect(r.err).toMatch(/^… and 1,151 more entries: add --before \d+ for the next 50, or --all for every one\.\n$/);
    const everything = (await list(zed, { tty: true, all: true })).out.trimEnd().split('\n');
    expect(everything.filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d /.test(l))).toHaveLength(1201);
    const piped = (await list(zed)).out.trimEnd().split('\n');
    expect(piped).toHaveLength(1201);
    expect(piped[0]!.split('\t')[0]).toBe(newest.at);
  });

  it('--all on a terminal: an action longer than any on the first page stays on one line (docs/output.md)', async () => {
    // A streamed table sizes its columns from the first page (AUDIT_PAGE = 500 entries
    // here, all member.* / company.* actions); the older account.register entry on a later
    // page is identifying text, so it overflows its line rather than wrapping
    // (src/output/table.ts, TableWriter).
    const lines = (await list(zed, { tty: true, all: true })).out.trimEnd().split('\n');
    expect(lines.filter((l) => !/^\d{4}-\d\d-\d\d \d\d:\d\d /.test(l))).toEqual([lines[0]]);
    expect(lines.at(-1)).toMatch(/\saccount\.register\s/);
  });

  it('--format csv streams every match through the one CSV writer (formulas neutralised); jsonl is the JSON, a line each', async () => {
    const all = await json(zed);
    const csv = await list(zed, { format: 'CSV', run: 7 });
    expect((await list(zed, { csv: true, run: 7 })).out).toBe(csv.out);
    const rows = parse(csv.out);
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'company_id', 'company_name', 'action', 'target', 'details', 'run']);
    expect(rows).toHaveLength(301);
    const e = all.find((x) => x.id === Number(rows[1]![0]))!;
    expect(rows[1]).toEqual([
      String(e.id),
      e.at,
      e.actor,
      String(zed.company.id),
      'Zed Company',
      e.action,
      e.target,
      JSON.stringify(e.details),
      '7',
    ]);
    expect(csv.err).toBe('');
    const jsonl = await list(zed, { format: 'jsonl' });
    expect(
      jsonl.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Entry),
    ).toEqual(all);
  });
});
