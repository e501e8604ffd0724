import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type ImportOptions } from '../../../src/commands/member/import.js';
import { update } from '../../../src/domain/accounts.js';
import { listMembers } from '../../../src/domain/members.js';
import { billing } from '../../../src/domain/plans.js';
import { run as exportRun } from '../../../src/commands/member/export.js';
import { ENGINES, failure, useFixture, writeHooked, type TestUser } from '../../helpers/services.js';

type Report = {
  invited: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: { line: number; email: string | null; code: string; message: string }[];
  applied: boolean;
  dryRun: boolean;
  companies: { id: number; name: string; invited: number; updated: number; unchanged: number; failed: number }[];
  run: { id: number } | null;
};

/**
 * member import's rules through run(), on both engines (docs/bulk.md). What needs a
 * process stays in e2e: import.test.ts (the real file reader and stdin, exit codes as the
 * shell sees them), faults-import.test.ts (kills, sqld dying, chunked runs), fuzz-import.test.ts.
 */
// Each engine with both ways a run keeps its rows: in memory (small inputs) and in a work file.
describe.each(ENGINES.flatMap((e) => [[e, 'memory'] as const, [e, 'file'] as const]))(
  'member import run() on %s, rows in %s',
  (engine, work) => {
    const fx = useFixture(engine);
    let ann: TestUser, bob: TestUser, carol: TestUser, dan: TestUser, sue: TestUser;
    let n = 0;

    beforeAll(async () => {
      const f = fx();
      [ann, bob, carol, dan, sue] = await f.registerAll([
        ['ann@example.com', 'Ann', 'Smith'],
        ['bob@example.com', 'Bob', 'Jones'],
        ['carol@example.com', 'Carol', 'Brown'],
        ['dan@example.com', 'Dan', 'Dean'],
        ['sue@example.com', 'Sue', 'Staff'],
      ]);
      await f.grantSupport(sue);
      mkdirSync(join(f.dir, 'in'));
    });

    /** Writes an input file in the fixture's directory and returns its path. */
    const file = (name: string, content: string) => {
      const p = join(fx().dir, 'in', `${++n}-${name}`);
      writeFileSync(p, content);
      return p;
    };
    const imp = async (
      who: TestUser | undefined,
      input: { file: string } | { stdin: string },
      o: Partial<Pick<ImportOptions, 'company' | 'format' | 'dryRun' | 'continueOnError' | 'tuning'>> & {
        json?: boolean;
        tty?: boolean;
      } = {},
    ) => {
      const c = fx().call(who, {
        json: o.json ?? false,
        tty: o.tty ?? false,
        ...('stdin' in input ? { stdin: input.stdin } : {}),
      });
      const done = run({
        ...c.deps,
        file: 'file' in input ? input.file : '-',
        company: o.company,
        format: o.format,
        dryRun: o.dryRun ?? false,
        continueOnError: o.continueOnError ?? false,
        tuning: { memoryMb: work === 'file' ? 0 : undefined, ...o.tuning },
      });
      const outcome = await done.then(
        () => undefined,
        (e: unknown) => e as Error & { code: string; exitCode: number },
      );
      return { error: outcome, out: c.stdout(), err: c.stderr() };
    };
    const report = (r: { out: string }) => JSON.parse(r.out) as Report;
    /**
     * Runs `member import` as `who` on `stdin` (JSON, --continue-on-error as given) with a
     * store that calls `meanwhile` once, just before the import's first write: someone else
     * changing the store between planning and applying.
     */
    const importWhileOthersWrite = async (
      who: TestUser,
      stdin: string,
      continueOnError: boolean,
      meanwhile: () => Promise<unknown>,
    ) => {
      const services = fx().services;
      let done = false;
      const store = writeHooked(services.store, async (n) => {
        if (n > 1) return;
        done = true;
        await meanwhile();
      });
      const c = fx().call(who, { json: true, stdin });
      await run({
        ...c.deps,
        services: () => Promise.resolve({ ...services, store }),
        file: '-',
        company: undefined,
        format: undefined,
        dryRun: false,
        continueOnError,
        tuning: { memoryMb: work === 'file' ? 0 : undefined },
      });
      expect(done, 'the other writer ran before the import wrote').toBe(true);
      return report({ out: c.stdout() });
    };
    const members = async (who: TestUser, company?: string) =>
      (await listMembers(fx().services, who.cred, { company })).members.map((m) => `${m.email} ${m.role} ${m.status}`);
    /** A company's audit log, newest first, with its details parsed. */
    const audit = async (companyId: number) =>
      (await fx().read((r) => r.auditPage({ companyId }, 1000))).map((e) => ({
        ...e,
        details: e.details === null ? null : (JSON.parse(e.details) as Record<string, unknown>),
      }));

    it('quoted CSV (BOM, CRLF, commas, quotes, line breaks, non-ASCII): bad lines numbered as in the file; any bad line writes nothing', async () => {
      await update(fx().services, ann.cred, { companyName: 'Müller, "Söhne" & Co' });
      await fx().setPlan(ann.company.id, 'TEAM');
      const csv = file(
        'people.csv',
        '\ufeffemail,role,company,note\r\n' + // 1
          'jürgen@example.com,manager,"Müller, ""Söhne"" & Co","first line\r\nsecond, ""quoted"" line"\r\n' + // 2-3
          'BOB@example.com,DESIGNER,,\r\n' + // 4
          'not-an-email,MANAGER,,\r\n' + // 5
          '\r\n' + // 6
          'carol@example.com,CEO,,"a\r\n\r\nnote"\r\n' + // 7-9
          'dave@example.com,OWNER,,\r\n' + // 10
          'ann@example.com,MANAGER,,\r\n', // 11
      );
      const all = await imp(ann, { file: csv }, { json: true });
      expect(all.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(all.error!.message).toBe(
        'Nothing was imported: 4 bad lines; the first is line 5: Invalid e-mail address "not-an-email". Fix them, or pass --continue-on-error to import the good rows.',
      );
      expect(report(all)).toMatchObject({
        invited: 0,
        updated: 0,
        unchanged: 0,
        failed: 4,
        applied: false,
        dryRun: false,
      });
      expect(report(all).errors.map((e) => [e.line, e.email, e.code])).toEqual([
        [5, 'not-an-email', 'INVALID_INPUT'],
        [7, 'carol@example.com', 'INVALID_INPUT'],
        [10, 'dave@example.com', 'INVALID_INPUT'],
        [11, 'ann@example.com', 'CONFLICT'],
      ]);
      // OWNER can never be given by a row (docs/bulk.md): the message offers only the others.
      expect(report(all).errors[1]!.message).toBe('Unknown role "CEO": use one of ADMINISTRATOR, MANAGER, DESIGNER.');
      expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE']);

      // --continue-on-error: the good rows, and the bad ones listed (piped: tab-separated).
      const some = await imp(ann, { file: csv }, { continueOnError: true });
      expect(some.error).toBeUndefined();
      expect(some.out).toMatch(/^Invited\s+2\nUpdated\s+0\nUnchanged\s+0\nFailed\s+4\n\n/);
      expect(some.out).toMatch(/^5\tnot-an-email\tINVALID_INPUT\tInvalid e-mail address "not-an-email"\.$/m);
      expect(some.out).toMatch(/^11\tann@example\.com\tCONFLICT\t/m);
      expect(some.err).toMatch(
        /^✓ Imported: 2 invited, 0 updated, 0 unchanged \(run \d+\)\.\n! 4 bad lines were skipped \(--continue-on-error\)\.\n$/,
      );
      expect(await members(ann)).toEqual([
        'ann@example.com OWNER ACTIVE',
        'bob@example.com DESIGNER INVITED',
        'jürgen@example.com MANAGER PENDING',
      ]);

      // A re-run changes nothing (the bad lines are listed again) and leaves no new audit entry.
      const again = await imp(ann, { file: csv }, { json: true, continueOnError: true });
      expect(again.error).toBeUndefined();
      expect(report(again)).toMatchObject({ invited: 0, updated: 0, unchanged: 2, failed: 4, run: null });
      const log = await audit(ann.company.id);
      const summary = log.filter((e) => e.action === 'member.import');
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({
        actor_email: 'ann@example.com',
        company_name: 'Müller, "Söhne" & Co',
        target: csv,
        details: { run: expect.any(Number), invited: 2, updated: 0, unchanged: 0, failed: 4 },
      });
      // Every change has its own entry, carrying the run's id.
      const runId = summary[0]!.details!.run;
      const changes = log.filter((e) => e.details?.run === runId && e.action !== 'member.import');
      expect(
        changes.map((e) => [e.action, e.target, e.details!.role, e.details!.status, e.actor_email]).sort(),
      ).toEqual([
        ['member.invite', 'bob@example.com', 'DESIGNER', 'INVITED', 'ann@example.com'],
        ['member.invite', 'jürgen@example.com', 'MANAGER', 'PENDING', 'ann@example.com'],
      ]);
    });

    it('a re-run changes nothing and writes no audit entry; the first run audited a summary and each change with its run', async () => {
      const csv = file('again.csv', 'email,role\nx1@example.com,MANAGER\nx2@example.com,DESIGNER\n');
      const first = report(await imp(bob, { file: csv }, { json: true }));
      expect(first).toMatchObject({ invited: 2, failed: 0, applied: true, run: { id: expect.any(Number) } });
      const entries = await fx().read((r) => r.auditPage({ companyId: bob.company.id }, 100));
      const summary = entries.filter((e) => e.action === 'member.import');
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({ actor_email: 'bob@example.com', company_name: 'Jones Company', target: csv });
      expect(JSON.parse(summary[0]!.details!)).toMatchObject({ run: first.run!.id, invited: 2, updated: 0, failed: 0 });
      const changes = entries.filter((e) => e.run_id === first.run!.id && e.action === 'member.invite');
      expect(changes.map((e) => e.target).sort()).toEqual(['x1@example.com', 'x2@example.com']);
      const again = await imp(bob, { file: csv }, { json: true });
      expect(report(again)).toMatchObject({ invited: 0, updated: 0, unchanged: 2, failed: 0, run: null });
      expect((await fx().read((r) => r.auditPage({ companyId: bob.company.id }, 100))).length).toBe(entries.length);
      expect((await imp(bob, { file: csv })).err).toBe('✓ Imported: 0 invited, 0 updated, 2 unchanged.\n');
    });

    it('JSON Lines from standard input with --format jsonl; --dry-run writes nothing and says what it would do', async () => {
      const jsonl = '{"email":"y1@example.com","role":"manager"}\n\n{"email":"y2@example.com","role":"DESIGNER"}\n';
      const dry = await imp(carol, { stdin: jsonl }, { format: 'jsonl', dryRun: true });
      expect(dry.error).toBeUndefined();
      expect(dry.out).toBe('Invited    2\nUpdated    0\nUnchanged  0\nFailed     0\n');
      expect(dry.err).toBe('! Dry run: nothing was written (would be 2 invited, 0 updated, 0 unchanged).\n');
      expect(report(await imp(carol, { stdin: jsonl }, { format: 'jsonl', dryRun: true, json: true }))).toMatchObject({
        invited: 2,
        updated: 0,
        unchanged: 0,
        failed: 0,
        errors: [],
        dryRun: true,
        applied: false,
        run: null,
      });
      expect(await members(carol)).toEqual(['carol@example.com OWNER ACTIVE']);
      expect((await audit(carol.company.id)).filter((e) => e.action.startsWith('member.'))).toEqual([]);
      expect(report(await imp(carol, { stdin: jsonl }, { format: 'jsonl', json: true }))).toMatchObject({
        invited: 2,
        failed: 0,
        applied: true,
      });
      // By extension, .jsonl is JSON Lines: one role changes, one stays, one line is not JSON.
      const more = file(
        'more.jsonl',
        '{"email":"y1@example.com","role":"DESIGNER"}\n{"email":"y2@example.com","role":"designer"}\n{oops\n',
      );
      const upd = report(await imp(carol, { file: more }, { json: true, continueOnError: true }));
      expect(upd).toMatchObject({ invited: 0, updated: 1, unchanged: 1, failed: 1 });
      expect(upd.errors).toEqual([{ line: 3, email: null, code: 'INVALID_INPUT', message: expect.any(String) }]);
      expect(await members(carol)).toEqual([
        'carol@example.com OWNER ACTIVE',
        'y1@example.com DESIGNER PENDING',
        'y2@example.com DESIGNER PENDING',
      ]);
    });

    it('files it cannot read are refused whole (exit 2), even with --continue-on-error', async () => {
      const jsonl = '{"email":"z@example.com","role":"manager"}\n';
      // JSON Lines on standard input without --format are read as CSV.
      const asCsv = await imp(dan, { stdin: jsonl });
      expect(asCsv.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(asCsv.error!.message).toBe(
        'Line 1: a quote (") in the middle of a field that does not start with one. Nothing was imported. (JSON Lines need --format jsonl or a .jsonl file.)',
      );
      const header = await imp(dan, { stdin: 'mail,role\nq@example.com,MANAGER\n' });
      expect(header.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(header.error!.message).toMatch(/^Line 1: the CSV header must name the columns email and role/);
      const broken = await imp(dan, { stdin: 'email,role\n"z@example.com,MANAGER\n' }, { continueOnError: true });
      expect(broken.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(broken.error!.message).toMatch(/^Line 2: a field opens a quote \("\) that is never closed/);
      const missing = await imp(dan, { file: join(fx().dir, 'nope.csv') });
      expect(missing.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(missing.error!.message).toBe(`Cannot read ${join(fx().dir, 'nope.csv')}: ENOENT.`);
      const dir = await imp(dan, { file: fx().dir });
      expect(dir.error!.message).toBe(`${fx().dir} is a directory, not a file.`);
      expect((await imp(dan, { stdin: '' }, { format: 'xml' })).error).toMatchObject({
        code: 'USAGE',
        message: 'Unknown format "xml": use csv or jsonl.',
      });
      expect(await members(dan)).toEqual(['dan@example.com OWNER ACTIVE']);
    });

    it('standard input that is a terminal is refused (USAGE) before anything is read', async () => {
      const r = await imp(dan, { stdin: '' }, { tty: true });
      expect(r.error).toMatchObject({
        code: 'USAGE',
        exitCode: 2,
        message:
          'member import - reads the rows from standard input, which is a terminal: pipe a file into it, or name the file.',
      });
    });

    it('a file means one thing: the same e-mail with two roles fails on every line naming the others; the same row twice is harmless', async () => {
      const conflicting =
        'email,role\nx@example.org,MANAGER\ny@example.org,DESIGNER\nX@example.org,designer\ny@example.org,DESIGNER\n';
      const bad = await imp(dan, { stdin: conflicting }, { json: true });
      expect(bad.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      const rep = report(bad);
      expect(rep.errors.map((e) => [e.line, e.email, e.code])).toEqual([
        [2, 'x@example.org', 'INVALID_INPUT'],
        [4, 'x@example.org', 'INVALID_INPUT'],
      ]);
      expect(rep.errors[0]!.message).toMatch(/different roles, on lines 2 \(MANAGER\), 4 \(DESIGNER\)/);
      expect(await members(dan)).toEqual(['dan@example.com OWNER ACTIVE']);
      const twice = 'email,role\ny@example.org,DESIGNER\ny@example.org,designer\n';
      expect(report(await imp(dan, { stdin: twice }, { json: true }))).toMatchObject({ invited: 1, unchanged: 1 });
      // Re-runs report no change and write no audit entry.
      const entries = (await audit(dan.company.id)).length;
      for (let i = 0; i < 2; i++)
        expect(report(await imp(dan, { stdin: twice }, { json: true }))).toMatchObject({
          invited: 0,
          updated: 0,
          unchanged: 2,
          run: null,
        });
      expect((await audit(dan.company.id)).length).toBe(entries);
    });

    it('on a terminal the error table shows the first 20 bad lines and counts the rest; piped lists them all', async () => {
      const rows = Array.from({ length: 45 }, (_, i) => `bad${i}@,DESIGNER`).join('\n');
      const tty = await imp(dan, { file: file('bad.csv', `email,role\n${rows}\n`) }, { tty: true });
      expect(tty.error).toMatchObject({ code: 'INVALID_INPUT' });
      expect(tty.out.match(/^\d+ +bad\d+@/gm)).toHaveLength(20);
      expect(tty.out).toContain('… and 25 more bad lines (--json lists them all).');
      const piped = await imp(dan, { stdin: `email,role\n${rows}\n` });
      expect(piped.out.match(/^\d+\tbad\d+@/gm)).toHaveLength(45);
    });

    it('a refused row repeated further down fails again, never counts as unchanged (found by fuzz-import)', async () => {
      // OWNER can never be given: both copies fail the same way, with --continue-on-error too.
      const twice =
        'email,role\nowner.twice@example.org,OWNER\nz@example.org,DESIGNER\nowner.twice@example.org,owner\n';
      const r = await imp(dan, { stdin: twice }, { json: true, continueOnError: true });
      const rep = report(r);
      expect(rep.errors.map((e) => [e.line, e.email])).toEqual([
        [2, 'owner.twice@example.org'],
        [4, 'owner.twice@example.org'],
      ]);
      expect(rep.errors[1]!.message).toBe(rep.errors[0]!.message);
      expect(rep).toMatchObject({ invited: 1, unchanged: 0, failed: 2 });
    });

    it('a row repeated after a copy of it found no seat fails the same way, never counts as unchanged (found by fuzz)', async () => {
      // Hugo's company is FREE (3 users): Hugo, q1 and q2. Line 4 (q3) finds no seat; its
      // copies on lines 5 and 6 must fail as it does, not count as unchanged, while line 7
      // repeats a row that went through (unchanged).
      const hugo = await fx().register('hugo@example.com', 'Hugo', 'Hart');
      const csv =
        'email,role\nq1@example.org,DESIGNER\nq2@example.org,DESIGNER\nq3@example.org,DESIGNER\n' +
        'q3@example.org,designer\nq3@example.org,DESIGNER\nq1@example.org,DESIGNER\n';
      const rep = report(await imp(hugo, { stdin: csv }, { json: true, continueOnError: true }));
      expect(rep.errors.map((e) => [e.line, e.code])).toEqual([
        [4, 'SEAT_LIMIT'],
        [5, 'SEAT_LIMIT'],
        [6, 'SEAT_LIMIT'],
      ]);
      expect(new Set(rep.errors.map((e) => e.message)).size).toBe(1);
      expect(rep).toMatchObject({ invited: 2, unchanged: 1, failed: 3 });
      expect(await members(hugo)).toEqual([
        'hugo@example.com OWNER ACTIVE',
        'q1@example.org DESIGNER PENDING',
        'q2@example.org DESIGNER PENDING',
      ]);
    });

    it('a seat taken by someone else after planning: the rows that then fail and every line repeating them are reported, none counts as unchanged', async () => {
      // Ida's company is FREE (3 users): planning sees room for q1 and q2; before the import
      // writes, another administrator invites someone, so q2 finds no seat as it is applied.
      const ida = await fx().register('ida@example.com', 'Ida', 'Isle');
      const rep = await importWhileOthersWrite(
        ida,
        'email,role\nq1@example.org,DESIGNER\nq2@example.org,DESIGNER\nq1@example.org,DESIGNER\nq2@example.org,designer\n',
        true,
        () => fx().invite(ida, ['someone.else@example.org'], 'DESIGNER'),
      );
      expect(rep.errors.map((e) => [e.line, e.code])).toEqual([
        [3, 'SEAT_LIMIT'],
        [5, 'SEAT_LIMIT'],
      ]);
      expect(rep).toMatchObject({ invited: 1, unchanged: 1, failed: 2 });
      expect(await members(ida)).toEqual([
        'ida@example.com OWNER ACTIVE',
        'q1@example.org DESIGNER PENDING',
        'someone.else@example.org DESIGNER PENDING',
      ]);
    });

    it('members changed by someone else after planning: the report counts what was applied, not the plan', async () => {
      // Jo's company: m1 and m2 are DESIGNER (the file re-roles them: planned role changes),
      // x1 is unknown (planned invitation). Before the import writes, someone removes m1 and
      // m2 and invites x1 as ADMINISTRATOR: m1 and m2 are then invited, x1 re-roled.
      const jo = await fx().register('jo@example.com', 'Jo', 'Jett');
      await fx().setPlan(jo.company.id, 'BUSINESS', jo);
      await fx().invite(jo, ['m1@example.org', 'm2@example.org'], 'DESIGNER');
      const rep = await importWhileOthersWrite(
        jo,
        'email,role\nm1@example.org,MANAGER\nm2@example.org,MANAGER\nx1@example.org,MANAGER\n',
        false,
        async () => {
          await fx().sql(
            `DELETE FROM invitations WHERE company_id = :c AND email IN ('m1@example.org', 'm2@example.org')`,
            { c: jo.company.id },
          );
          await fx().invite(jo, ['x1@example.org'], 'ADMINISTRATOR');
        },
      );
      expect(rep).toMatchObject({ invited: 2, updated: 1, unchanged: 0, failed: 0 });
      expect(rep.companies.map((x) => [x.invited, x.updated])).toEqual([[2, 1]]);
      // The store and its audit entries say the same.
      const log = (await audit(jo.company.id)).map((e) => `${e.action} ${e.target}`);
      expect(log).toEqual(
        expect.arrayContaining([
          'member.invite m1@example.org',
          'member.invite m2@example.org',
          'member.set_role x1@example.org',
        ]),
      );
    });

    it('rows are checked against their company: rights (exit 4 from the first), seats filling up mid-file, unknown companies', async () => {
      // Eve (ADMINISTRATOR of Fay's company, MANAGER of Gil's); her own company is FREE (3 users).
      const f = fx();
      const [eve, fay, gil] = await f.registerAll([
        ['eve@example.com', 'Eve', 'Evans'],
        ['fay@example.com', 'Fay', 'Fox'],
        ['gil@example.com', 'Gil', 'Gray'],
      ]);
      await f.join(eve, fay, 'administrator');
      await f.join(eve, gil, 'manager');
      await f.switchTo(eve, eve.company.id);
      const csv = file(
        'multi.csv',
        'email,role,company\n' + // 1
          'x1@example.com,MANAGER,Gray Company\n' + // 2: Eve is only MANAGER there
          'gil@example.com,MANAGER,Fox Company\n' + // 3: registered → INVITED
          'p1@example.com,MANAGER,\n' + // 4
          'p2@example.com,MANAGER,\n' + // 5
          'p3@example.com,MANAGER,\n' + // 6: seat limit (FREE: Eve and two more)
          'p4@example.com,DESIGNER,\n' + // 7: seat limit
          'p1@example.com,manager,\n' + // 8: the same row again (unchanged)
          'x3@example.com,MANAGER,No Such Company\n' + // 9
          'x2@example.com,DESIGNER,Fox Company\n', // 10: Fox is full too (Fay, Eve, Gil)
      );
      const r = await imp(eve, { file: csv }, { json: true });
      expect(r.error).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
      expect(report(r).errors.map((e) => [e.line, e.code])).toEqual([
        [2, 'PERMISSION_DENIED'],
        [6, 'SEAT_LIMIT'],
        [7, 'SEAT_LIMIT'],
        [9, 'NOT_FOUND'],
        [10, 'SEAT_LIMIT'],
      ]);
      expect(report(r).errors[1]!.message).toBe(
        'Plan FREE of "Evans Company" allows 3 users; it has 1, and the 2 invitations on earlier lines of the file take the rest. Ask support to change the plan.',
      );
      // All or nothing: no company was changed.
      expect(await members(fay)).toEqual(['fay@example.com OWNER ACTIVE', 'eve@example.com ADMINISTRATOR ACTIVE']);
      expect(await members(eve)).toEqual(['eve@example.com OWNER ACTIVE']);

      const ok = report(await imp(eve, { file: csv }, { json: true, continueOnError: true }));
      expect(ok).toMatchObject({ invited: 3, updated: 0, unchanged: 1, failed: 5 });
      // Per company, in the order the file first names them.
      expect(ok.companies.map((c) => [c.name, c.invited, c.updated, c.unchanged, c.failed])).toEqual([
        ['Fox Company', 1, 0, 0, 1],
        ['Evans Company', 2, 0, 1, 2],
      ]);
      expect(await members(fay)).toEqual([
        'fay@example.com OWNER ACTIVE',
        'eve@example.com ADMINISTRATOR ACTIVE',
        'gil@example.com MANAGER INVITED',
      ]);
      expect(await members(eve)).toEqual([
        'eve@example.com OWNER ACTIVE',
        'p1@example.com MANAGER PENDING',
        'p2@example.com MANAGER PENDING',
      ]);
      expect((await billing(fx().services, eve.cred, { id: eve.company.id })).users).toBe(3);
      // Where Eve is only MANAGER nothing changed.
      expect(await members(gil)).toEqual(['gil@example.com OWNER ACTIVE', 'eve@example.com MANAGER ACTIVE']);
      // A role change needs no seat, even in a full company.
      expect(report(await imp(eve, { stdin: 'email,role\np1@example.com,DESIGNER\n' }, { json: true }))).toMatchObject({
        invited: 0,
        updated: 1,
        unchanged: 0,
        failed: 0,
      });
      // One summary entry per company, in each company's log, and one entry per change.
      const fox = (await audit(fay.company.id)).filter(
        (e) => e.details?.via === 'import' || e.action === 'member.import',
      );
      expect(fox.map((e) => [e.action, e.target]).sort()).toEqual([
        ['member.import', csv],
        ['member.invite', 'gil@example.com'],
      ]);
      expect(fox.find((e) => e.action === 'member.import')).toMatchObject({
        actor_email: 'eve@example.com',
        details: { invited: 1, updated: 0, failed: 1 },
      });
    });

    it('with --company, someone who may not manage it is refused at once, before reading a standard input that never ends', async () => {
      const [hal, ivy] = await fx().registerAll([
        ['hal@example.com', 'Hal', 'Hill'],
        ['ivy@example.com', 'Ivy', 'Ivory'],
      ]);
      await fx().join(ivy, hal, 'designer');
      const c = fx().call(ivy);
      c.io.stdin = new PassThrough(); // never ends
      const e = await failure(
        run({ ...c.deps, file: '-', company: 'Hill Company', dryRun: false, continueOnError: false }),
      );
      expect(e).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
      expect(e.message).toMatch(/^Only an OWNER or ADMINISTRATOR of "Hill Company" can/);
    });

    it('--company rebinds a one-company file (the OWNER row is left as it is); a file naming two companies is refused whole', async () => {
      const [kim, lee] = await fx().registerAll([
        ['kim@example.com', 'Kim', 'Kent'],
        ['lee@example.com', 'Lee', 'Lane'],
      ]);
      await fx().join(kim, lee, 'administrator');
      await fx().switchTo(kim, kim.company.id);
      // The shipped example: export one company (member export's own output), import it into another.
      await fx().invite(kim, ['y@example.org'], 'DESIGNER');
      const ex = fx().call(kim);
      await exportRun({ ...ex.deps, company: String(kim.company.id) });
      const exported = ex.stdout();
      expect(exported).toBe(
        `email,role,company\nkim@example.com,OWNER,${kim.company.id}\ny@example.org,DESIGNER,${kim.company.id}\n`,
      );
      const copy = await imp(kim, { stdin: exported }, { company: 'Lane Company', json: true });
      expect(copy.error).toBeUndefined();
      expect(report(copy)).toMatchObject({ invited: 1, updated: 0, unchanged: 1, failed: 0, errors: [] });
      expect(copy.err).toBe(
        `! --company rebinds the file's rows (company "${kim.company.id}") to "Lane Company"; OWNER rows, and a row naming its own OWNER, are left as they are (a company's OWNER is its creator).\n`,
      );
      expect(await members(lee)).toEqual([
        'lee@example.com OWNER ACTIVE',
        'kim@example.com ADMINISTRATOR ACTIVE',
        'y@example.org DESIGNER PENDING',
      ]);
      // And back: Lane's export names Kim, Kent Company's own OWNER, as ADMINISTRATOR; rebound,
      // that row leaves her OWNER (unchanged), as Lee's OWNER row does.
      const back = fx().call(kim);
      await exportRun({ ...back.deps, company: 'Lane Company' });
      const home = await imp(kim, { stdin: back.stdout() }, { company: String(kim.company.id), json: true });
      expect(home.error).toBeUndefined();
      expect(report(home)).toMatchObject({ invited: 0, updated: 0, unchanged: 3, failed: 0, errors: [] });
      expect(await members(kim)).toContain('kim@example.com OWNER ACTIVE');
      const two = `email,role,company\nz@example.org,MANAGER,${kim.company.id}\nz2@example.org,MANAGER,Lane Company\n`;
      const refused = await imp(kim, { stdin: two }, { company: 'Lane Company' });
      expect(refused.error).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect(refused.error!.message).toBe(
        `--company rebinds a file whose rows name one company, but this file names several (line 2: "${kim.company.id}", line 3: "Lane Company"). Drop --company, or split the file.`,
      );
    });

    it('a run larger than one transaction commits in chunks under a run record, and says so', async () => {
      const [max] = await fx().registerAll([['max@example.com', 'Max', 'Moss']]);
      await fx().setPlan(max.company.id, 'BUSINESS');
      const rows = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}@example.com,DESIGNER`);
      const r = await imp(
        max,
        { stdin: 'email,role\n' + rows.join('\n') + '\n' },
        { tuning: { oneTransaction: 10, chunkRows: 7, pauseMs: 0 } },
      );
      expect(r.error).toBeUndefined();
      expect(r.err).toMatch(/^✓ Imported: 30 invited, 0 updated, 0 unchanged \(run \d+, 5 chunks\)\.\n$/);
      const [record] = await fx().read((rp) =>
        rp.tx.all<{ status: string; rows: number; planned: number }>(
          `SELECT status, rows, planned FROM bulk_runs ORDER BY id DESC LIMIT 1`,
        ),
      );
      expect(record).toEqual({ status: 'done', rows: 30, planned: 30 });
      expect((await members(max)).length).toBe(31);
    });

    it("a refused file reports nothing imported, per company too: each company's counts are only its failures", async () => {
      const ria = await fx().register(`ria-${engine}@example.com`, 'Ria', 'Rr');
      const input = 'email,role\nr1@example.org,DESIGNER\nr2@example.org,BOSS\nr3@example.org,MANAGER\n';
      const r = await imp(ria, { stdin: input }, { json: true });
      expect(r.error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      const rep = report(r);
      expect(rep).toMatchObject({ invited: 0, updated: 0, unchanged: 0, failed: 1, applied: false, run: null });
      expect(rep.companies.map((c) => [c.id, c.invited, c.updated, c.unchanged, c.failed])).toEqual([
        [ria.company.id, 0, 0, 0, 1],
      ]);
    });

    it('--continue-on-error with every line bad: exit 0, and the terminal is told nothing was imported, not "Imported"', async () => {
      const input = 'email,role\nnot-an-email,DESIGNER\nq9@example.org,BOSS\n';
      const text = await imp(dan, { stdin: input }, { continueOnError: true });
      expect(text.error).toBeUndefined();
      expect(text.err).toContain('Nothing was imported: 2 lines failed, none was good (--continue-on-error).');
      expect(text.err).not.toContain('Imported:');
      const json = await imp(dan, { stdin: input }, { continueOnError: true, json: true });
      expect(report(json)).toMatchObject({ invited: 0, unchanged: 0, failed: 2, applied: true, run: null });
    });

    it('signed out: AUTH_REQUIRED (exit 3), nothing written', async () => {
      const r = await imp(undefined, { stdin: 'email,role\nq@example.com,MANAGER\n' });
      expect(r.error).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    });
  },
);
