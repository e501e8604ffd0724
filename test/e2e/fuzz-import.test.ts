import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMembers } from '../../src/domain/members.js';
import { engines, useStore, type Engine, type RunResult } from './harness.js';
import { dumpStore } from './store-dump.js';

/**
 * Hostile `member import` bytes through the real CLI on each engine: a standard input pipe
 * and a file read by the process, stdout and stderr of a real process, exit codes as the
 * shell sees them, nothing raw from the input on the terminal. The properties (structured
 * rows with hostile cells and raw hostile bytes, all or nothing by default, exactly the
 * unreported rows with --continue-on-error, audit entries, the store equal to the model,
 * JSON Lines cells the store cannot hold) run through run() on both engines in
 * test/commands/member/fuzz-import.test.ts, whose reader is the same code (run() opens the
 * file with the CLI's createReadStream, and reads standard input as a byte stream in chunks).
 */

/** A dangerous character anywhere in the output: NO_COLOR is set, so our own colours add none. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

function expectSane(r: RunResult, what: string) {
  expect(r.exitCode, `${what}: ${r.stderr.slice(0, 400)}`).not.toBe(1);
  expect(r.stderr, what).not.toMatch(/\n\s+at .*\(|INTERNAL|internal error/);
  const raw = RAW.exec(r.stdout + r.stderr);
  const where =
    raw &&
    `U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} in ${JSON.stringify((r.stdout + r.stderr).slice(Math.max(0, raw.index - 60), raw.index + 20))}`;
  expect(where, `${what}: raw character in the output`).toBeNull();
}

const noColor = { NO_COLOR: '1' };

/**
 * A CSV file as hostile as bytes get: CRLF and LF mixed, a BOM in the middle of a cell, an
 * ANSI escape, a bidi override, NUL, bytes that are not UTF-8 (a lone 0xff, a truncated
 * sequence), a quoted cell across lines, a 70,000-character cell. Two rows are good.
 */
const HOSTILE_CSV = Buffer.concat([
  Buffer.from(
    'email,role,company\r\n' + // 1
      'good1@example.org,DESIGNER,\r\n' + // 2
      '\x1b[31mred@example.org,MANAGER,\n' + // 3
      'p\ufeff1@example.org,DESIGNER,\n' + // 4
      'nul\x00@example.org,DESIGNER,\n' + // 5
      'evil\u202e@example.org,DESIGNER,\n' + // 6
      'quoted@example.org,"MANA\r\nGER",\n' + // 7-8
      'j',
  ),
  Buffer.from([0xff]),
  Buffer.from('rgen@example.org,DESIGNER,\n' + 'cut@example.org,DESIGNER,Smith'), // 9, 10
  Buffer.from([0xc3]),
  Buffer.from(
    '\n' +
      'good2@example.org,manager,Smith Company\r\n' + // 11
      `${'z'.repeat(70_000)}@example.org,DESIGNER,\n`, // 12
  ),
]);
const BAD_LINES = [3, 4, 5, 6, 7, 9, 10, 12];

describe.each(engines())('hostile member import bytes through the real CLI on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('a file refused whole (exit 2), then the same bytes through a pipe with --continue-on-error (exit 0): nothing raw shown', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const file = join(t.dir, 'hostile.csv');
    writeFileSync(file, HOSTILE_CSV);
    const tables = ['users', 'memberships', 'invitations', 'audit_log'];

    // Read from the file by the process: any bad line writes nothing; report on stdout, error on stderr.
    const before = await dumpStore(engine, t.store, tables);
    const refused = await ann.run(['member', 'import', file], { env: noColor });
    expectSane(refused, 'file');
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(/^Invited\s+0\nUpdated\s+0\nUnchanged\s+0\nFailed\s+8\n\n/);
    expect(
      refused.stdout
        .split('\n\n')[1]!
        .split('\n')
        .filter(Boolean)
        .map((l) => Number(l.split('\t')[0])),
    ).toEqual(BAD_LINES);
    expect(refused.stderr).toMatch(/^error: Nothing was imported: 8 bad lines; the first is line 3: /);
    expect(await dumpStore(engine, t.store, tables), 'nothing may be written').toEqual(before);

    // The same bytes through a standard input pipe: the good rows go in, the bad ones are listed.
    const piped = await ann.run(['--json', 'member', 'import', '-', '--continue-on-error'], {
      env: noColor,
      input: HOSTILE_CSV as unknown as string,
    });
    expectSane(piped, 'pipe');
    expect(piped.exitCode, piped.stderr).toBe(0);
    const report = JSON.parse(piped.stdout);
    expect(report).toMatchObject({ invited: 2, updated: 0, unchanged: 0, failed: 8, applied: true });
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual(BAD_LINES);
    const members = await ann.as((svc, cred) => listMembers(svc, cred, {}));
    expect(members.members.map((m) => `${m.email} ${m.role}`).sort()).toEqual([
      'ann@example.com OWNER',
      'good1@example.org DESIGNER',
      'good2@example.org MANAGER',
    ]);
  });
});
