import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { update } from '../../src/domain/accounts.js';
import { switchCompany } from '../../src/domain/companies.js';
import { invite, listMembers } from '../../src/domain/members.js';
import { engines, useStore, type User } from './harness.js';

/** The members of `u`'s current company, read in process with their session. */
const members = async (u: User) =>
  (await u.as((svc, cred) => listMembers(svc, cred, {}))).members.map((m) => `${m.email} ${m.role} ${m.status}`).sort();

/**
 * member import through the real CLI on each engine: the file reader and a standard input
 * pipe, stdout and stderr of a real process, and each exit code once. The rules (all or
 * nothing, line numbers, rights and seats per company, one role per member, --company
 * rebinding, audit) are checked on both engines in test/commands/member/import*.test.ts.
 */
describe.each(engines())('member import on %s', (engine) => {
  const fresh = useStore(engine);

  it('reads a BOM/CRLF file and a stdin pipe: exit 2 applies nothing, 0 with --continue-on-error, 4 for a company the actor may not manage', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    await ann.as((svc, cred) => update(svc, cred, { companyName: 'Müller, "Söhne" & Co' }));
    // Bytes as a spreadsheet saves them: a BOM, CRLF, quoted cells across lines, non-ASCII.
    const csv = join(t.dir, 'people.csv');
    writeFileSync(
      csv,
      '\ufeffemail,role,company,note\r\n' + // 1
        'jürgen@example.com,manager,"Müller, ""Söhne"" & Co","first line\r\nsecond, ""quoted"" line"\r\n' + // 2-3
        'BOB@example.com,DESIGNER,,\r\n' + // 4
        'not-an-email,MANAGER,,\r\n' + // 5
        '\r\n' + // 6
        'carol@example.com,CEO,,"a\r\n\r\nnote"\r\n' + // 7-9
        'dave@example.com,OWNER,,\r\n' + // 10
        'ann@example.com,MANAGER,,\r\n', // 11
    );

    // Any bad row applies nothing: exit 2, the report on stdout, the error on stderr (both JSON).
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
      message: expect.stringMatching(/^Nothing was imported: 4 bad lines; the first is line 5/),
    });
    expect(await members(ann)).toEqual(['ann@example.com OWNER ACTIVE']);

    // --continue-on-error applies the good rows and still lists the bad ones: exit 0.
    const some = await ann.run(['member', 'import', csv, '--continue-on-error']);
    expect(some.exitCode, some.stderr).toBe(0);
    expect(some.stdout).toMatch(/^Invited\s+2\nUpdated\s+0\nUnchanged\s+0\nFailed\s+4\n/);
    expect(some.stdout).toMatch(/^5\tnot-an-email\tINVALID_INPUT\tInvalid e-mail address "not-an-email"\.$/m);
    expect(some.stdout).toMatch(/^11\tann@example\.com\tCONFLICT\t/m);
    expect(some.stdout).not.toMatch(/Imported/);
    expect(some.stderr).toMatch(/^✓ Imported: 2 invited, 0 updated, 0 unchanged \(run \d+\)\.\n/);
    expect(await members(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'bob@example.com DESIGNER INVITED',
      'jürgen@example.com MANAGER PENDING',
    ]);

    // JSON Lines through a standard input pipe (a blank line is skipped): one role changes.
    const jsonl = '{"email":"bob@example.com","role":"manager"}\n\n{"email":"jürgen@example.com","role":"MANAGER"}\n';
    expect(await ann.json(['member', 'import', '-', '--format', 'jsonl'], { input: jsonl })).toMatchObject({
      invited: 0,
      updated: 1,
      unchanged: 1,
      failed: 0,
      applied: true,
    });
    // The same bytes without --format are read as CSV: refused, in plain text on stderr.
    const asCsv = await ann.run(['member', 'import', '-'], { input: jsonl });
    expect(asCsv.exitCode).toBe(2);
    expect(asCsv.stdout).toBe('');
    expect(asCsv.stderr).toBe(
      'error: Line 1: a quote (") in the middle of a field that does not start with one. Nothing was imported. (JSON Lines need --format jsonl or a .jsonl file.)',
    );
    expect(await members(ann)).toEqual([
      'ann@example.com OWNER ACTIVE',
      'bob@example.com MANAGER INVITED',
      'jürgen@example.com MANAGER PENDING',
    ]);

    // A row for a company where Ann is only MANAGER: exit 4.
    await bob.as((svc, cred) => invite(svc, cred, { emails: ['ann@example.com'], role: 'MANAGER' }));
    await ann.as((svc, cred) => switchCompany(svc, cred, 'Jones Company'));
    const denied = await ann.run(['--json', 'member', 'import', '-'], {
      input: 'email,role,company\nx1@example.com,MANAGER,Jones Company\n',
    });
    expect(denied.exitCode, denied.stderr).toBe(4);
    expect(JSON.parse(denied.stdout).errors.map((e: any) => [e.line, e.code])).toEqual([[2, 'PERMISSION_DENIED']]);
    expect(JSON.parse(denied.stderr).error.code).toBe('PERMISSION_DENIED');
    expect(await members(bob)).toEqual(['ann@example.com MANAGER ACTIVE', 'bob@example.com OWNER ACTIVE']);
  });

  it('an input past the memory budget moves to a work file as it is read: the same plan, the same outcome', async () => {
    const t = await fresh();
    const [ann] = await t.seedMany([{ email: 'ann@example.com', first: 'Ann', last: 'Smith' }]);
    // 12,000 rows; a 1 MiB budget holds ~5,000: the rows move to a work file mid-read.
    // Repeated e-mails, conflicting roles and bad rows on both sides of that point.
    const lines = ['email,role'];
    for (let i = 0; i < 12_000; i++) lines.push(`p${i}@example.com,${['MANAGER', 'DESIGNER'][i % 2]}`);
    lines[3] = 'p11000@example.com,MANAGER'; // the same row as line 11002: one change, one unchanged copy
    lines[100] = 'p9000@example.com,DESIGNER'; // line 9002 says MANAGER: both lines fail
    lines[7000] = 'not-an-email,MANAGER';
    lines[11_500] = 'p5@example.com,CEO';
    const csv = join(t.dir, 'big.csv');
    writeFileSync(csv, lines.join('\n') + '\n');
    const args = ['--json', 'member', 'import', csv, '--continue-on-error'];
    const spilled = { env: { PLATFORMCTL_BULK_MEMORY_MB: '1' } };
    const plans = async () => {
      const inMemory = await ann.run([...args, '--dry-run']);
      const inFile = await ann.run([...args, '--dry-run'], spilled);
      expect(inFile.exitCode, inFile.stderr).toBe(0);
      expect(JSON.parse(inFile.stdout)).toEqual(JSON.parse(inMemory.stdout));
      return JSON.parse(inFile.stdout);
    };
    // On the FREE plan nearly every row fails for want of a seat, the copy of line 4 too.
    expect(await plans()).toMatchObject({ invited: 2, unchanged: 0, failed: 11_998 });
    await ann.grantStaff('ann@example.com');
    await ann.setPlan('Smith Company', 'ENTERPRISE');
    expect(await plans()).toMatchObject({ invited: 11_995, unchanged: 1, failed: 4 });
    const applied = await ann.run(args, spilled);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(report).toMatchObject({ invited: 11_995, updated: 0, unchanged: 1, failed: 4, applied: true });
    expect(report.errors.map((e: any) => [e.line, e.code])).toEqual([
      [101, 'INVALID_INPUT'],
      [7001, 'INVALID_INPUT'],
      [9002, 'INVALID_INPUT'],
      [11501, 'INVALID_INPUT'],
    ]);
    expect((await members(ann)).length).toBe(1 + 11_995);
  });
});
