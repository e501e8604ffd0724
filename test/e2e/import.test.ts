import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type TestStore, type User } from './harness.js';

/** Writes an import file into the store's temp dir and returns its path. */
function file(t: TestStore, name: string, content: string | Buffer): string {
  const p = join(t.dir, name);
  writeFileSync(p, content);
  return p;
}

const emails = async (u: User, company?: string) =>
  (await u.json(['member', 'list', ...(company ? ['--company', company] : [])]))
    .map((m: any) => `${m.email} ${m.role} ${m.status}`)
    .sort();

describe.each(engines())('member import on %s', (engine) => {
  const fresh = useStore(engine);

  it('reads quoted CSV (BOM, CRLF, commas, quotes, newlines, non-ASCII), numbers bad lines as in the file, all or nothing, then idempotent', async () => {
    const t = await fresh();
    const [ann] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    const me = await ann.json(['account', 'show']);
    const company = String(me.currentCompany.id);
    expect((await ann.run(['account', 'update', '--company-name', 'Müller, "Söhne" & Co'])).exitCode).toBe(0);
    await ann.grantStaff('ann@example.com');
    await ann.setPlan(company, 'TEAM');
    const csv = file(
      t,
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

    // Default: any bad row applies nothing; exit code of the first error (line 5: INVALID_INPUT → 2).
    const all = await ann.run(['--json', 'member', 'import', csv]);
    expect(all.exitCode, all.stderr).toBe(2);
    const rejected = JSON.parse(all.stdout);
    expect(rejected).toMatchObject({ invited: 0, updated: 0, unchanged: 0, failed: 4, applied: false });
    expect(rejected.errors.map((e: any) => [e.line, e.email, e.code])).toEqual([
      [5, 'not-an-email', 'INVALID_INPUT'],
      [7, 'carol@example.com', 'INVALID_INPUT'],
      [10, 'dave@example.com', 'INVALID_INPUT'],
      [11, 'ann@example.com', 'CONFLICT'],
    ]);
    expect(JSON.parse(all.stderr).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/Nothing was imported: 4 bad lines; the first is line 5/),
    });
    expect(await emails(ann)).toEqual(['ann@example.com OWNER ACTIVE']);

    // --continue-on-error applies the good rows and still lists the bad ones; exit 0.
    const some = await ann.run(['member', 'import', csv, '--continue-on-error']);
    expect(some.exitCode, some.stderr).toBe(0);
    expect(some.stdout).toMatch(/^Invited\s+2\nUpdated\s+0\nUnchanged\s+0\nFailed\s+4\n/);
    expect(some.stdout).toMatch(/^5\tnot-an-email\tINVALID_INPUT\tInvalid e-mail address "not-an-email"\.$/m);
    expect(some.stdout).toMatch(/^11\tann@example\.com\tCONFLICT\t/m);
    expect(some.stderr).toMatch(/Imported: 2 invited, 0 updated, 0 unchanged/);
    expect(await emails(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'bob@example.com DESIGNER INVITED',
      'jürgen@example.com MANAGER PENDING',
    ]);

    // Re-running changes nothing; a re-run leaves no new audit entry.
    const again = await ann.json(['member', 'import', csv, '--continue-on-error']);
    expect(again).toMatchObject({ invited: 0, updated: 0, unchanged: 2, failed: 4, run: null });
    const log = await ann.json(['audit', 'list', '--company', company]);
    const summary = log.filter((e: any) => e.action === 'member.import');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({
      actor: 'ann@example.com',
      company: { name: 'Müller, "Söhne" & Co' },
      target: csv,
      details: { run: expect.any(Number), invited: 2, updated: 0, unchanged: 0, failed: 4 },
    });
    // Every change has its own entry, carrying the run's id.
    const run = summary[0].details.run;
    const changes = log.filter((e: any) => e.details?.run === run && e.action !== 'member.import');
    expect(changes.map((e: any) => [e.action, e.target, e.details.role, e.details.status, e.actor]).sort()).toEqual([
      ['member.invite', 'bob@example.com', 'DESIGNER', 'INVITED', 'ann@example.com'],
      ['member.invite', 'jürgen@example.com', 'MANAGER', 'PENDING', 'ann@example.com'],
    ]);
  });

  it('reads JSON Lines from stdin, --dry-run writes nothing, roles update, and stdin is CSV unless told', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const jsonl = '{"email":"x@example.com","role":"manager"}\n\n{"email":"y@example.com","role":"DESIGNER"}\n';

    const dry = await ann.run(['--json', 'member', 'import', '-', '--format', 'jsonl', '--dry-run'], { input: jsonl });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      invited: 2,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      dryRun: true,
      applied: false,
    });
    expect(await emails(ann)).toEqual(['ann@example.com OWNER ACTIVE']);
    expect((await ann.json(['audit', 'list'])).filter((e: any) => e.action === 'member.import')).toEqual([]);

    expect(await ann.json(['member', 'import', '-', '--format', 'jsonl'], { input: jsonl })).toMatchObject({
      invited: 2,
      failed: 0,
      applied: true,
    });
    // By extension: .jsonl is JSON Lines. One role changes, one stays, one line is not JSON.
    const f = file(
      t,
      'more.jsonl',
      '{"email":"x@example.com","role":"DESIGNER"}\n{"email":"y@example.com","role":"designer"}\n{oops\n',
    );
    const upd = await ann.run(['--json', 'member', 'import', f, '--continue-on-error']);
    expect(upd.exitCode, upd.stderr).toBe(0);
    expect(JSON.parse(upd.stdout)).toMatchObject({
      invited: 0,
      updated: 1,
      unchanged: 1,
      failed: 1,
      errors: [{ line: 3, email: null, code: 'INVALID_INPUT' }],
    });
    expect(await emails(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'x@example.com DESIGNER PENDING',
      'y@example.com DESIGNER PENDING',
    ]);

    // JSON Lines on stdin without --format are read as CSV.
    const csv = await ann.run(['member', 'import', '-'], { input: jsonl });
    expect(csv.exitCode).toBe(2);
    expect(csv.stderr).toBe(
      'error: Line 1: a quote (") in the middle of a field that does not start with one. Nothing was imported. (JSON Lines need --format jsonl or a .jsonl file.)',
    );
    const header = await ann.run(['member', 'import', '-'], { input: 'mail,role\nq@example.com,MANAGER\n' });
    expect(header.exitCode).toBe(2);
    expect(header.stderr).toMatch(/^error: Line 1: the CSV header must name the columns email and role/);
    // A CSV the parser cannot read is refused as a whole, even with --continue-on-error.
    const broken = await ann.run(['member', 'import', '-', '--continue-on-error'], {
      input: 'email,role\n"z@example.com,MANAGER\n',
    });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/^error: Line 2: a field opens a quote \("\) that is never closed/);
    const missing = await ann.run(['member', 'import', join(t.dir, 'nope.csv')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^error: Cannot read .*nope\.csv: ENOENT/);
    expect(await emails(ann)).toHaveLength(3);
  });

  it('checks each row against its company: rights (exit 4 for a company the actor may not manage) and seats filling up mid-file', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    expect((await carol.run(['member', 'invite', 'ann@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    // Invitations grant nothing until accepted: Ann accepts both, then makes her own company current again.
    for (const c of ['Jones Company', 'Brown Company', 'Smith Company'])
      expect((await ann.run(['company', 'switch', c])).exitCode).toBe(0);
    // Ann's own company is on FREE (3 seats: Ann and two more); rows without a company go there.
    const csv = file(
      t,
      'multi.csv',
      'email,role,company\n' + // 1
        'x1@example.com,MANAGER,Brown Company\n' + // 2: Ann is only MANAGER there
        'carol@example.com,MANAGER,Jones Company\n' + // 3: Ann is ADMINISTRATOR there; registered → INVITED
        'p1@example.com,MANAGER,\n' + // 4
        'p2@example.com,MANAGER,\n' + // 5
        'p3@example.com,MANAGER,\n' + // 6: seat limit (FREE: Ann and two more)
        'p4@example.com,DESIGNER,\n' + // 7: seat limit
        'p1@example.com,manager,\n' + // 8: the same row again is harmless (unchanged)
        'x3@example.com,MANAGER,No Such Company\n' + // 9
        'x2@example.com,DESIGNER,Jones Company\n', // 10: Jones is full too (Bob, Ann, Carol)
    );
    const r = await ann.run(['--json', 'member', 'import', csv]);
    expect(r.exitCode, r.stderr).toBe(4);
    const rep = JSON.parse(r.stdout);
    expect(rep.errors.map((e: any) => [e.line, e.code])).toEqual([
      [2, 'PERMISSION_DENIED'],
      [6, 'SEAT_LIMIT'],
      [7, 'SEAT_LIMIT'],
      [9, 'NOT_FOUND'],
      [10, 'SEAT_LIMIT'],
    ]);
    expect(rep.errors[1].message).toBe(
      'Plan FREE of "Smith Company" allows 3 users; it has 1, and the 2 invitations on earlier lines of the file take the rest. Ask support to change the plan.',
    );
    expect(await emails(bob)).toEqual(['ann@example.com ADMINISTRATOR ACTIVE', 'bob@example.com OWNER ACTIVE']);

    const ok = await ann.json(['member', 'import', csv, '--continue-on-error']);
    expect(ok).toMatchObject({ invited: 3, updated: 0, unchanged: 1, failed: 5 });
    expect(ok.companies.map((c: any) => [c.name, c.invited, c.updated, c.unchanged, c.failed])).toEqual([
      ['Jones Company', 1, 0, 0, 1],
      ['Smith Company', 2, 0, 1, 2],
    ]);
    expect(await emails(bob)).toEqual([
      'ann@example.com ADMINISTRATOR ACTIVE',
      'bob@example.com OWNER ACTIVE',
      'carol@example.com MANAGER INVITED',
    ]);
    expect(await emails(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'p1@example.com MANAGER PENDING',
      'p2@example.com MANAGER PENDING',
    ]);
    expect((await ann.json(['billing', 'show'])).users).toBe(3);
    expect(await emails(carol)).toEqual(['ann@example.com MANAGER ACTIVE', 'carol@example.com OWNER ACTIVE']);
    // A role change needs no seat, even in a full company.
    const upd = await ann.json(['member', 'import', '-'], { input: 'email,role\np1@example.com,DESIGNER\n' });
    expect(upd).toMatchObject({ invited: 0, updated: 1, unchanged: 0, failed: 0 });
    // One summary entry per company, in each company's log, and one entry per change.
    const jones = (await bob.json(['audit', 'list'])).filter(
      (e: any) => e.details?.via === 'import' || e.action === 'member.import',
    );
    expect(jones.map((e: any) => [e.action, e.target]).sort()).toEqual([
      ['member.import', csv],
      ['member.invite', 'carol@example.com'],
    ]);
    expect(jones.find((e: any) => e.action === 'member.import')).toMatchObject({
      actor: 'ann@example.com',
      details: { invited: 1, updated: 0, failed: 1 },
    });
  });

  it('a file means one thing: one role per member and company, --company rebinds a one-company file', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    // An invitation grants nothing until accepted: Ann accepts, then makes her own company current again.
    for (const c of ['Jones Company', 'Smith Company'])
      expect((await ann.run(['company', 'switch', c])).exitCode).toBe(0);
    // The same e-mail twice for one company with different roles: both lines are bad, naming each other.
    const conflicting =
      'email,role\nx@example.org,MANAGER\ny@example.org,DESIGNER\nX@example.org,designer\ny@example.org,DESIGNER\n';
    const bad = await ann.run(['--json', 'member', 'import', '-'], { input: conflicting });
    expect(bad.exitCode).toBe(2);
    const rep = JSON.parse(bad.stdout);
    expect(rep.errors.map((e: any) => [e.line, e.email, e.code])).toEqual([
      [2, 'x@example.org', 'INVALID_INPUT'],
      [4, 'x@example.org', 'INVALID_INPUT'],
    ]);
    expect(rep.errors[0].message).toMatch(/different roles, on lines 2 \(MANAGER\), 4 \(DESIGNER\)/);
    expect(await emails(ann)).toEqual(['ann@example.com OWNER ACTIVE']);
    // The same row twice is harmless; a re-run reports no change and writes no audit entry.
    const twice = 'email,role\ny@example.org,DESIGNER\ny@example.org,designer\n';
    expect(await ann.json(['member', 'import', '-'], { input: twice })).toMatchObject({ invited: 1, unchanged: 1 });
    const entries = (await ann.json(['audit', 'list'])).length;
    for (let i = 0; i < 2; i++)
      expect(await ann.json(['member', 'import', '-'], { input: twice })).toMatchObject({
        invited: 0,
        updated: 0,
        unchanged: 2,
        run: null,
      });
    expect((await ann.json(['audit', 'list'])).length).toBe(entries);

    // The shipped example: export one company, import it into another with --company.
    const smith = String((await ann.json(['account', 'show'])).currentCompany.id);
    const exported = await ann.run(['member', 'export', '--company', smith]);
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(new RegExp(`^y@example\\.org,DESIGNER,${smith}$`, 'm'));
    const copy = await ann.run(['--json', 'member', 'import', '-', '--company', 'Jones Company'], {
      input: exported.stdout,
    });
    expect(copy.exitCode, copy.stderr).toBe(0);
    // Ann's OWNER row means nothing for Jones (its OWNER is its creator): left as it is.
    expect(JSON.parse(copy.stdout)).toMatchObject({ invited: 1, updated: 0, unchanged: 1, failed: 0, errors: [] });
    expect(copy.stderr).toMatch(/--company rebinds the file's rows \(company "\d+"\) to "Jones Company"/);
    expect(await emails(bob)).toEqual([
      'ann@example.com ADMINISTRATOR ACTIVE',
      'bob@example.com OWNER ACTIVE',
      'y@example.org DESIGNER PENDING',
    ]);
    // A file naming two companies cannot be rebound: refused whole.
    const two = `email,role,company\nz@example.org,MANAGER,${smith}\nz2@example.org,MANAGER,Jones Company\n`;
    const refused = await ann.run(['member', 'import', '-', '--company', 'Jones Company'], { input: two });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(
      /--company rebinds a file whose rows name one company, but this file names several \(line 2: "\d+", line 3: "Jones Company"\)/,
    );
  });
});
