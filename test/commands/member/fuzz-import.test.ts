import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as auditList } from '../../../src/commands/audit/list.js';
import { run as memberImport } from '../../../src/commands/member/import.js';
import { run as memberList } from '../../../src/commands/member/list.js';
import { checkStore } from '../../../src/domain/health.js';
import { describeError } from '../../../src/main.js';
import { printable } from '../../../src/text.js';
import { ENGINES, useFixture, type Call, type Fixture, type TestUser } from '../../helpers/services.js';

/**
 * Hostile `member import` input, property-based, through run() on both engines: CSV and
 * JSON Lines rows with control characters, ANSI escapes, bidi marks, NUL, emoji, huge
 * cells, quotes, embedded newlines, a BOM in the middle and invalid UTF-8, mixed with valid
 * rows, read by the real reader from a file (the same createReadStream as the CLI) or from
 * standard input (a stream of raw bytes in chunks of any size). A run never fails with a
 * bug (exit 1), never shows a raw escape from the input (main()'s error line included),
 * applies all rows or none by default, applies exactly the rows it did not report as
 * failed with --continue-on-error, writes nothing on --dry-run, logs one audit entry per
 * change and one summary per company changed, and the store stays clean. What needs a
 * process stays in test/e2e/fuzz-import.test.ts: hostile bytes through a real pipe and a
 * real file, exit codes and streams as the shell sees them.
 *
 * In process a run costs milliseconds: many runs per property. FUZZ_RUNS sets the number,
 * FUZZ_SEED replays a failure (fast-check prints its seed and path).
 */

const RUNS = Number(process.env.FUZZ_RUNS) || 60;
const SEED = Number(process.env.FUZZ_SEED) || undefined;

/** Stands for bytes that are not UTF-8: replaced when the file is written. */
const BAD_BYTES: Record<string, Buffer> = {
  '\ue000': Buffer.from([0xff]),
  '\ue001': Buffer.from([0xc3]),
  '\ue002': Buffer.from([0xed, 0xa0, 0x80]),
};

/** Text with the placeholders above turned into invalid UTF-8. */
function encode(text: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const bad = BAD_BYTES[text[i]!];
    if (!bad) continue;
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), bad);
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Cell contents built to hurt. */
const hostile = fc.oneof(
  fc.constantFrom(
    '\x1b[31mred\x1b[0m@example.org',
    'p1@example.org\x1b[2J',
    '\x1b]0;pwned\x07',
    'evil\u202Egro.elpmaxe@p1',
    'p2@example.org\u200f',
    '\u2066p2@example.org\u2069',
    '👩‍👩‍👧‍👦@example.org',
    '🦄',
    'x'.repeat(10_000),
    'y'.repeat(300_000) + '@example.org',
    '\x00',
    'p3@exa\x00mple.org',
    'two\nlines@example.org',
    'p1@example.org\r\nDESIGNER',
    'p1@example.org\r',
    '"',
    '""',
    'a,b',
    ' , ',
    '\t',
    '',
    '\x7f\x9b31m',
    '\u0085',
    'p\ufeff1@example.org',
    '\ufeffDESIGNER',
    'DESIGNER\ue000',
    'p1@example.org\ue001',
    '\ue002',
    'Zoë@example.org',
    '=cmd|/c calc!A1',
    "Robert'); DROP TABLE invitations;--",
    'MANAGER\u0301',
    'j\ue000rgen@example.org',
    '\ud800',
    'p1\udc00@example.org',
    'DESIGNER\udbff',
    'ＭＡＮＡＧＥＲ',
  ),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom(
      '\x1b',
      '[',
      '3',
      '1',
      'm',
      '\u202e',
      '\x00',
      '\x07',
      '\r',
      '\n',
      '"',
      ',',
      'a',
      '@',
      '.',
      ' ',
      '😀',
      '\ufeff',
      '\ue000',
    ),
    maxLength: 25,
  }),
);

/** JSON values that are not strings, for JSON Lines cells. */
const odd = fc.constantFrom<unknown>(42, -1, null, true, ['p1@example.org'], { email: 'p1@example.org' }, 1e308);

/** A dangerous character anywhere in the output: bufferIO has no colour, so our own colours add none. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** What a run showed: its exit code as main() maps it, stdout, and stderr with main()'s error line. */
interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Awaits a command's run() and renders a failure as main() prints it (src/main.ts printError). */
async function outcome(c: Call, json: boolean, done: Promise<unknown>): Promise<Outcome> {
  const e = await done.then(
    () => undefined,
    (x: unknown) => ({ x }),
  );
  if (!e) return { exitCode: 0, stdout: c.stdout(), stderr: c.stderr() };
  const d = describeError(e.x);
  const message = printable(d.message, Number.MAX_SAFE_INTEGER);
  const line = json ? JSON.stringify({ error: { code: d.code, message } }) : `error: ${message}`;
  return { exitCode: d.exit, stdout: c.stdout(), stderr: `${c.stderr()}${line}\n` };
}

function expectSane(r: Outcome, what: string) {
  expect(r.exitCode, `${what}: ${r.stderr.slice(0, 400)}`).not.toBe(1);
  expect([0, 2, 4, 5, 6], `${what}: ${r.stderr.slice(0, 400)}`).toContain(r.exitCode);
  expect(r.stderr, what).not.toMatch(/\n\s+at .*\(|INTERNAL|internal error/);
  const raw = RAW.exec(r.stdout + r.stderr);
  const where =
    raw &&
    `U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} in ${JSON.stringify((r.stdout + r.stderr).slice(Math.max(0, raw.index - 60), raw.index + 20))}`;
  expect(where, `${what}: raw character in the output`).toBeNull();
}

/** The tables an import may touch, and the users it reads. */
const TABLES = ['users', 'memberships', 'invitations', 'audit_log'];

/** Every row of those tables as sorted JSON, read in one snapshot: two equal dumps are the same data. */
type Dump = Record<string, string[]>;
async function dumpStore(f: Fixture): Promise<Dump> {
  const tables = await f.store.read((tx) =>
    Promise.all(TABLES.map((t) => tx.all<Record<string, unknown>>(`SELECT * FROM "${t}"`))),
  );
  return Object.fromEntries(TABLES.map((t, i) => [t, tables[i]!.map((r) => JSON.stringify({ ...r })).sort()]));
}
const rowsOf = (d: Dump, table: string) => (d[table] ?? []).map((s) => JSON.parse(s) as Record<string, unknown>);

interface Row {
  email: unknown;
  role: unknown;
  company: unknown;
}

type Mode = 'default' | 'continue' | 'dry';

/** The store as the import sees it: company → e-mail → role (members and pending invitations). */
function membersOf(d: Dump): Map<string, string> {
  const emailOf = new Map(rowsOf(d, 'users').map((u) => [u.id, String(u.email)]));
  const m = new Map<string, string>();
  for (const r of rowsOf(d, 'memberships')) m.set(`${r.company_id}|${emailOf.get(r.user_id)}`, String(r.role));
  for (const r of rowsOf(d, 'invitations')) m.set(`${r.company_id}|${r.email}`, String(r.role));
  return m;
}

/** Failed lines and their codes from the human output (tab-separated error rows when piped). */
function failedLinesOfText(stdout: string): { line: number; code: string | undefined }[] {
  const [, table = ''] = stdout.split('\n\n');
  return table
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ line: Number(/^(\d+)\t/.exec(l)?.[1]), code: /\t([A-Z_]+)\t/.exec(l)?.[1] }));
}

/** Bytes as standard input delivers them: in chunks of `size` bytes (a whole file at once when undefined). */
function chunked(bytes: Buffer, size: number | undefined): Readable {
  const chunks: Buffer[] = [];
  if (size === undefined) chunks.push(bytes);
  else for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

describe.each(ENGINES)('hostile member import input through run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;
  let dora: TestUser;
  let companies: { smith: number; jones: number; brown: number };

  /**
   * Ann administers her own company (ENTERPRISE) and Bob's (FREE: one seat left), and is
   * only MANAGER in Carol's, both invitations accepted. Carol is staff. Dora, on her own
   * in her company, is for the test of odd JSON Lines cells.
   */
  beforeAll(async () => {
    const f = fx();
    let bob: TestUser, carol: TestUser;
    [ann, bob, carol, dora] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['dora@example.com', 'Dora', 'Odd'],
    ]);
    await f.grantSupport(carol);
    await f.setPlan(ann.company.id, 'ENTERPRISE');
    await f.invite(bob, ['ann@example.com'], 'ADMINISTRATOR');
    await f.invite(carol, ['ann@example.com'], 'MANAGER');
    // An invitation grants nothing until accepted (docs/rules.md): Ann accepts both, then
    // makes her own company current again (rows without a company go there).
    for (const c of ['Jones Company', 'Brown Company', 'Smith Company']) await f.switchTo(ann, c);
    companies = { smith: ann.company.id, jones: bob.company.id, brown: carol.company.id };
  });

  /** `member import` as `who`: from the file, or (stdin) its bytes through standard input in chunks. */
  async function runImport(
    who: TestUser,
    o: {
      file: string;
      stdin?: { bytes: Buffer; chunk: number | undefined };
      format?: string;
      company?: string;
      mode: Mode;
      json: boolean;
      /** Where the run keeps its rows: in memory (the default for small inputs) or a work file. */
      work?: 'memory' | 'file';
    },
  ): Promise<Outcome> {
    const c = fx().call(who, { json: o.json });
    if (o.stdin) c.io.stdin = chunked(o.stdin.bytes, o.stdin.chunk);
    return outcome(
      c,
      o.json,
      memberImport({
        ...c.deps,
        file: o.stdin ? '-' : o.file,
        format: o.format,
        company: o.company,
        dryRun: o.mode === 'dry',
        continueOnError: o.mode === 'continue',
        tuning: { memoryMb: o.work === 'file' ? 0 : undefined },
      }),
    );
  }

  type Member = { email: string; role: string; status: string };
  async function listMembers(who: TestUser, company: string | undefined, json: boolean, tty = false) {
    const c = fx().call(who, { json, tty });
    return outcome(c, json, memberList({ ...c.deps, company, csv: false, all: true }));
  }

  /** Whatever was stored prints cleanly in every listing, piped and on a terminal, and `store check` is clean. */
  async function expectCleanStore() {
    expect((await checkStore(fx().store)).problems).toEqual([]);
    for (const tty of [false, true]) {
      for (const c of Object.values(companies)) {
        const r = await listMembers(ann, String(c), false, tty);
        expect(r.exitCode, r.stderr).toBe(0);
        expectSane(r, `member list ${c}`);
      }
      const a = fx().call(ann, { tty });
      const r = await outcome(a, false, auditList({ ...a.deps, all: true }));
      expect(r.exitCode, r.stderr).toBe(0);
      expectSane(r, 'audit list');
    }
  }

  /** Resolves a row's company cell as the CLI must: id or exact name, else the default. */
  function companyIdOf(cell: unknown, fallback: number, companies: Record<string, number>): number | undefined {
    const text = typeof cell === 'string' ? cell.trim() : typeof cell === 'number' ? String(cell) : '';
    if (text === '') return fallback;
    const byName: Record<string, number> = {
      'Smith Company': companies.smith!,
      'Jones Company': companies.jones!,
      'Brown Company': companies.brown!,
    };
    if (text in byName) return byName[text];
    const n = Object.values(companies).find((c) => String(c) === text);
    return n;
  }

  /**
   * A row's company cell as the CLI reads it back: trimmed text, '' for none (and for a
   * JSON line the CLI cannot take, whose cells are not read), bytes that are not UTF-8
   * decoded to U+FFFD.
   */
  function refOf(row: Row, format: 'csv' | 'jsonl'): string {
    // A line with bytes that are not UTF-8 in a cell the import reads (a JSON line: anywhere),
    // or a JSON line with a lone surrogate, is a bad line: it names no company.
    // A CSV line whose e-mail, role or company holds U+FFFD is refused as not UTF-8 too
    // (src/domain/bulk/rows.ts): a lone surrogate is written as U+FFFD.
    const cells = [row.email, row.role, row.company].filter((x): x is string => typeof x === 'string');
    if (cells.some((x) => /[\ue000-\ue002]/.test(x))) return '';
    if (format === 'jsonl' && cells.some((x) => /[\ud800-\udfff]/u.test(x))) return '';
    if (format === 'csv' && cells.some((x) => /[\ud800-\udfff\ufffd]/u.test(x))) return '';
    const c = row.company;
    const text = typeof c === 'string' ? c : typeof c === 'number' ? String(c) : '';
    return text
      .replace(/\ue000|\ue001/g, '\ufffd')
      .replace(/\ue002/g, '\ufffd\ufffd\ufffd')
      .trim();
  }

  /** Rows naming one company with two different roles for one e-mail: such a file has bad lines. */
  function hasConflicts(rows: Row[], company: (r: Row) => string): boolean {
    const seen = new Map<string, string>();
    for (const r of rows) {
      const key = `${company(r)}|${String(r.email).trim().toLowerCase()}`;
      const role = String(r.role).trim().toUpperCase();
      if (seen.has(key) && seen.get(key) !== role) return true;
      seen.set(key, role);
    }
    return false;
  }

  /** Writes the rows as CSV or JSON Lines; returns the file and the line each row starts on. */
  function writeRows(
    dir: string,
    rows: Row[],
    format: 'csv' | 'jsonl',
    style: { crlf: boolean; mixed: boolean; bom: boolean; quoteAll: boolean; blank: number[] },
    n: number,
  ) {
    // Line endings: one kind for the file, or (as after editing on two systems) alternating.
    const eolAt = (i: number) => ((style.mixed ? i % 2 === 0 : false) !== style.crlf ? '\r\n' : '\n');
    const eol = eolAt(-1);
    const lines: number[] = [];
    let text = style.bom ? '\ufeff' : '';
    let line = 1;
    const put = (s: string) => {
      text += s;
      line += s.split('\n').length - 1;
    };
    if (format === 'csv') {
      const cell = (v: unknown) => {
        const s = typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
        return style.quoteAll || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      };
      put(`email,role,company,note${eol}`);
      rows.forEach((r, i) => {
        if (style.blank.includes(i)) put(eol);
        lines.push(line);
        put(`${cell(r.email)},${cell(r.role)},${cell(r.company)},${cell(`row ${i}`)}${eolAt(i)}`);
      });
    } else {
      rows.forEach((r, i) => {
        if (style.blank.includes(i)) put(eol);
        lines.push(line);
        const o: Record<string, unknown> = { email: r.email, role: r.role };
        if (r.company !== '') o.company = r.company;
        put(JSON.stringify(o) + eolAt(i));
      });
    }
    const path = join(dir, `fuzz-${n}.${format}`);
    const bytes = encode(text);
    writeFileSync(path, bytes);
    return { path, lines, bytes };
  }

  it(
    'structured rows with hostile cells: all or nothing by default, exactly the unreported rows with --continue-on-error',
    { timeout: 240_000 },
    async () => {
      const pool = [
        'p0@example.org',
        'p1@example.org',
        'P2@Example.ORG ',
        ' p3@example.org',
        'bob@example.com',
        'carol@example.com',
        'ann@example.com',
      ];
      const roles = ['DESIGNER', 'manager', ' Administrator ', 'OWNER'];
      const cells = [
        '',
        '',
        'Smith Company',
        String(companies.smith),
        'Jones Company',
        ` ${companies.jones} `,
        'Brown Company',
        'Nope Company',
        String(companies.brown + 1000),
      ];
      const valid = fc.record({
        email: fc.constantFrom(...pool),
        role: fc.constantFrom(...roles),
        company: fc.constantFrom<unknown>(...cells),
      });
      // Mostly one hostile cell in an otherwise valid row (the near miss a validator must catch), sometimes all three.
      const hurt = fc.oneof(hostile, hostile, odd);
      const bad = fc.oneof(
        fc.record({ email: hurt, role: fc.constantFrom(...roles), company: fc.constantFrom<unknown>(...cells) }),
        fc.record({ email: fc.constantFrom(...pool), role: hurt, company: fc.constantFrom<unknown>(...cells) }),
        fc.record({ email: fc.constantFrom(...pool), role: fc.constantFrom(...roles), company: hurt }),
        fc.record({ email: hurt, role: hurt, company: hurt }),
      );
      // Rows that should all go through (new, re-roled or unchanged members of Ann's own company).
      const good = fc.record({
        email: fc.constantFrom(...pool.slice(0, 6)),
        role: fc.constantFrom(...roles.slice(0, 3)),
        company: fc.constantFrom<unknown>('', 'Smith Company', String(companies.smith)),
      });
      const scenario = fc.record({
        rows: fc.oneof(
          fc
            .array(fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: bad }), {
              minLength: 1,
              maxLength: 7,
            })
            .map((rows): { rows: Row[]; clean: boolean } => ({ rows, clean: false })),
          fc
            .array(good, { minLength: 1, maxLength: 5 })
            .map((rows): { rows: Row[]; clean: boolean } => ({ rows, clean: true })),
        ),
        format: fc.constantFrom('csv' as const, 'jsonl' as const),
        mode: fc.constantFrom<Mode>('default', 'default', 'continue', 'continue', 'dry'),
        json: fc.boolean(),
        stdin: fc.boolean(),
        // Standard input arrives in chunks: a multi-byte character, a CRLF or a quote may straddle two.
        chunk: fc.constantFrom<number | undefined>(undefined, 1 << 16, 7, 1),
        defaultCompany: fc.constantFrom<string | undefined>(undefined, undefined, 'Jones Company'),
        // Both ways a run keeps its rows answer alike (test/store/work-memory.test.ts): each is fuzzed.
        work: fc.constantFrom('memory' as const, 'file' as const),
        style: fc.record({
          crlf: fc.boolean(),
          mixed: fc.boolean(),
          bom: fc.boolean(),
          quoteAll: fc.boolean(),
          blank: fc.array(fc.nat(7), { maxLength: 2 }),
        }),
      });
      let n = 0;
      const seen: string[] = [];
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          n++;
          // JSON Lines cannot be non-strings in CSV in a meaningful way: keep odd values to JSON Lines.
          const rows =
            s.format === 'csv'
              ? s.rows.rows.map(
                  (r) =>
                    Object.fromEntries(
                      Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
                    ) as unknown as Row,
                )
              : s.rows.rows;
          const { path, lines, bytes } = writeRows(fx().dir, rows, s.format, s.style, n);
          // The placeholders of bytes that are not UTF-8 are invisible on a terminal: named in the message.
          const shown = (r: Row) =>
            JSON.stringify(r).replace(/[\ue000-\ue002]/g, (c) => `<bad ${BAD_BYTES[c]!.toString('hex')}>`);
          const what = `run ${n}: ${JSON.stringify({ ...s, rows: rows.map((r) => shown(r).slice(0, 120)) })}`;

          const before = await dumpStore(fx());
          const r = await runImport(ann, {
            file: path,
            ...(s.stdin ? { stdin: { bytes, chunk: s.chunk } } : {}),
            ...(s.stdin && s.format === 'jsonl' ? { format: 'jsonl' } : {}),
            company: s.defaultCompany,
            mode: s.mode,
            json: s.json,
            work: s.work,
          });
          seen.push(`${s.mode}:${r.exitCode}`);
          expectSane(r, what);
          // A file of good rows, however it is quoted, encoded or ended, goes through.
          // --company naming a company Ann no longer manages (a row may have re-roled her) is
          // refused before the input is read.
          if (s.defaultCompany) {
            const annId = rowsOf(before, 'users').find((u) => u.email === 'ann@example.com')!.id;
            const role = rowsOf(before, 'memberships').find(
              (m) => m.user_id === annId && m.company_id === companies.jones,
            )?.role;
            if (role !== 'ADMINISTRATOR' && role !== 'OWNER') {
              expect(r.exitCode, `${what}: ${r.stderr}`).toBe(4);
              expect(await dumpStore(fx()), `${what}: nothing may be written`).toEqual(before);
              return;
            }
          }
          // --company rebinds a file whose rows name at most one company; naming more is refused whole.
          const named = new Set(rows.map((row) => refOf(row, s.format)).filter((x) => x !== ''));
          if (s.defaultCompany && named.size > 1) {
            expect(r.exitCode, `${what}: ${r.stderr}`).toBe(2);
            expect(r.stderr, what).toMatch(/--company rebinds a file whose rows name one company/);
            expect(await dumpStore(fx()), `${what}: nothing may be written`).toEqual(before);
            return;
          }
          const rebound = Boolean(s.defaultCompany) && named.size === 1 && !named.has(s.defaultCompany!);
          // A file of good rows, however it is quoted, encoded or ended, goes through, unless it
          // gives one e-mail two roles in one company (both lines bad: a file means one thing).
          if (
            s.rows.clean &&
            !s.defaultCompany &&
            !hasConflicts(rows, (row) => String(companyIdOf(row.company, companies.smith, companies)))
          )
            expect(r.exitCode, `${what}: ${r.stderr}`).toBe(0);
          const after = await dumpStore(fx());

          if (s.mode === 'dry' || (s.mode === 'default' && r.exitCode !== 0)) {
            expect(after, `${what}: nothing may be written`).toEqual(before);
            return;
          }
          // The run completed (exit 0): the rows it did not report as failed were applied, in file order.
          expect(r.exitCode, `${what}: ${r.stderr}`).toBe(0);
          const report = s.json ? JSON.parse(r.stdout) : undefined;
          const errors: { line: number; code: string | undefined }[] = report
            ? report.errors
            : failedLinesOfText(r.stdout);
          const failed = new Set<number>(errors.map((e) => e.line));
          const seatLimited = new Set(errors.filter((e) => e.code === 'SEAT_LIMIT').map((e) => e.line));
          /** Rows (company|e-mail|role) whose line failed for want of a seat. */
          const noSeat = new Set<string>();
          for (const l of failed) expect(lines, `${what}: reported line ${l} is no row's first line`).toContain(l);
          if (s.mode === 'default') expect(failed.size, what).toBe(0);
          const fallback = s.defaultCompany ? companies.jones : companies.smith;
          const model = membersOf(before);
          const counts = { invited: 0, updated: 0, unchanged: 0 };
          const touched = new Set<number>();
          rows.forEach((row, i) => {
            const email = String(row.email).trim().toLowerCase();
            const role = String(row.role).trim().toUpperCase();
            const c = s.defaultCompany ? fallback : companyIdOf(row.company, fallback, companies);
            if (seatLimited.has(lines[i]!)) noSeat.add(`${c}|${email}|${role}`);
            if (failed.has(lines[i]!)) return;
            // A rebound file's OWNER rows mean nothing in the new company, nor do its rows naming
            // that company's own OWNER: left as they are.
            if (rebound && (role === 'OWNER' || model.get(`${c}|${email}`) === 'OWNER')) {
              counts.unchanged++;
              return;
            }
            expect(c, `${what}: row ${i} applied to a company that does not exist`).toBeDefined();
            // Non-ASCII local parts are allowed (docs/identity.md); nothing invisible, no
            // control, format, private-use or unpaired surrogate, and an ASCII domain.
            expect(email, `${what}: row ${i} accepted an unsafe e-mail`).toMatch(/^[^\s\p{C}@]+@[a-z0-9.-]+$/u);
            const key = `${c}|${email}`;
            const was = model.get(key);
            // The same row again after a copy of it failed for want of a seat fails too (it
            // was counted as unchanged, though nothing was applied: found by this property).
            expect(noSeat.has(`${key}|${role}`), `${what}: line ${lines[i]} repeats a row that had no seat`).toBe(
              false,
            );
            if (was === role) counts.unchanged++;
            else {
              counts[was === undefined ? 'invited' : 'updated']++;
              touched.add(c!);
            }
            model.set(key, role);
          });
          expect(membersOf(after), `${what}: the store is not the rows that were not reported as failed`).toEqual(
            model,
          );
          seen.push(
            `applied ${rows.length - failed.size}/${rows.length} rows, ${counts.invited + counts.updated} changes`,
          );
          if (report) {
            expect(report, what).toMatchObject({ ...counts, failed: failed.size, applied: true });
            expect(report.invited + report.updated + report.unchanged + report.failed, what).toBe(rows.length);
          }
          // One summary entry per company the import changed and one entry per change, none otherwise.
          const audit = (after.audit_log ?? [])
            .filter((a) => !(before.audit_log ?? []).includes(a))
            .map((a) => JSON.parse(a) as { action: string; company_id: number; run_id: number | null });
          expect(
            audit
              .filter((a) => a.action === 'member.import')
              .map((a) => `${a.action} ${a.company_id}`)
              .sort(),
            what,
          ).toEqual([...touched].map((c) => `member.import ${c}`).sort());
          expect(
            audit.filter((a) => a.action !== 'member.import'),
            what,
          ).toHaveLength(counts.invited + counts.updated);
          expect(new Set(audit.map((a) => a.run_id)).size, what).toBeLessThanOrEqual(1);
          // What member list shows agrees, role and status (PENDING = no account yet).
          if (s.mode === 'continue' && touched.size) {
            const c = [...touched][0]!;
            const shown = await listMembers(ann, String(c), true);
            expect(shown.exitCode, shown.stderr).toBe(0);
            const list = JSON.parse(shown.stdout) as Member[];
            const registered = new Set(rowsOf(after, 'users').map((u) => String(u.email)));
            const want = [...model]
              .filter(([k]) => k.startsWith(`${c}|`))
              .map(([k, role]) => {
                const email = k.slice(k.indexOf('|') + 1);
                return `${email} ${role}${registered.has(email) ? '' : ' PENDING'}`;
              });
            const got = list.map(
              (m: { email: string; role: string; status: string }) =>
                `${m.email} ${m.role}${m.status === 'PENDING' ? ' PENDING' : ''}`,
            );
            expect(got.sort(), what).toEqual(want.sort());
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      if (process.env.FUZZ_VERBOSE) console.log(engine, seen.join(' | '));
      await expectCleanStore();
    },
  );

  it(
    'raw hostile bytes (broken quotes, NUL, BOM in the middle, invalid UTF-8, long lines): a clean refusal or a consistent import',
    { timeout: 240_000 },
    async () => {
      const fragment = fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            'p1@example.org,DESIGNER\n',
            'q2@example.org,manager,Smith Company\n',
            '{"email":"q3@example.org","role":"MANAGER"}\n',
          ),
        },
        {
          weight: 4,
          arbitrary: fc.constantFrom(
            'p1@example.org',
            'q2@example.org',
            'DESIGNER',
            'manager',
            'Smith Company',
            'Brown Company',
            ',',
            ',',
            '\n',
            '\n',
            '\r\n',
            '\r',
          ),
        },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '"',
            '""',
            '\x00',
            '\ufeff',
            '\ue000',
            '\ue001',
            '\x1b[31m',
            '\u202e',
            '{',
            '}',
            '"email":',
            '"role":',
            ':',
            '\\',
            '\\u0000',
            'z'.repeat(70_000),
          ),
        },
        { weight: 1, arbitrary: hostile },
      );
      const scenario = fc.record({
        header: fc.constantFrom(
          'email,role\n',
          'email,role,company\r\n',
          '\ufeffEMAIL , Role\n',
          '',
          'role,email\n',
          'email\n',
        ),
        body: fc.array(fragment, { minLength: 1, maxLength: 25 }),
        format: fc.constantFrom('csv' as const, 'jsonl' as const),
        mode: fc.constantFrom<Mode>('default', 'continue', 'dry'),
        json: fc.boolean(),
        // From the file, or the same bytes through standard input in chunks of any size.
        stdin: fc.boolean(),
        chunk: fc.constantFrom<number | undefined>(undefined, 1 << 16, 7, 1),
        work: fc.constantFrom('memory' as const, 'file' as const),
      });
      let n = 0;
      const seen: string[] = [];
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          n++;
          const path = join(fx().dir, `raw-${n}.${s.format}`);
          const bytes = encode((s.format === 'csv' ? s.header : '') + s.body.join(''));
          writeFileSync(path, bytes);
          const what = `raw run ${n}: ${JSON.stringify({ ...s, body: s.body.map((b) => b.slice(0, 40)) })}`;
          const before = await dumpStore(fx());
          const r = await runImport(ann, {
            file: path,
            ...(s.stdin ? { stdin: { bytes, chunk: s.chunk }, format: s.format } : {}),
            mode: s.mode,
            json: s.json,
            work: s.work,
          });
          seen.push(`${s.mode}:${r.exitCode}`);
          expectSane(r, what);
          const after = await dumpStore(fx());
          if (r.exitCode !== 0 || s.mode === 'dry') {
            expect(after, `${what}: nothing may be written`).toEqual(before);
            return;
          }
          // Completed: the store changed by exactly what the report says.
          const was = membersOf(before);
          const now = membersOf(after);
          const added = [...now.keys()].filter((k) => !was.has(k)).length;
          const changed = [...now].filter(([k, v]) => was.has(k) && was.get(k) !== v).length;
          expect(
            [...was.keys()].every((k) => now.has(k)),
            `${what}: an import never removes anyone`,
          ).toBe(true);
          if (s.json) {
            const report = JSON.parse(r.stdout);
            expect({ added, changed }, what).toEqual({ added: report.invited, changed: report.updated });
            if (s.mode === 'default') expect(report.failed, what).toBe(0);
          } else {
            expect(r.stdout, what).toMatch(new RegExp(`^Invited\\s+${added}\\nUpdated\\s+${changed}\\n`));
          }
        }),
        { numRuns: Math.ceil(RUNS / 2), seed: SEED, endOnFailure: true },
      );
      if (process.env.FUZZ_VERBOSE) console.log(engine, seen.join(' | '));
      await expectCleanStore();
    },
  );
  it('JSON Lines cells the store cannot hold (unpaired surrogates, NUL, huge, odd numbers) fail as rows, never as exit 1', async () => {
    // Dora's company is current: rows without a company go there. "\ud800" as a company
    // must fail its row before it reaches sqld, which would refuse the statement and close
    // the transaction (exit 1, TRANSACTION_CLOSED) instead.
    const rows = [
      { email: 'a@example.org', role: 'DESIGNER', company: '\ud800' },
      { email: 'b\udc00@example.org', role: 'DESIGNER' },
      { email: 'c@example.org', role: 'DESIGNER\udbff' },
      { email: 'd@example.org', role: 'DESIGNER', company: 'Odd\u0000Company' },
      { email: 'e@example.org', role: 'DESIGNER', company: 'z'.repeat(300_000) },
      { email: 'f@example.org', role: 'DESIGNER', company: 1e308 },
      { email: 'g@example.org', role: 'manager' },
    ];
    const file = join(fx().dir, 'odd.jsonl');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const r = await runImport(dora, { file, mode: 'continue', json: true });
    expectSane(r, 'odd cells');
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.errors.map((e: { line: number; code: string }) => `${e.line} ${e.code}`)).toEqual([
      '1 INVALID_INPUT',
      '2 INVALID_INPUT',
      '3 INVALID_INPUT',
      '4 NOT_FOUND',
      '5 NOT_FOUND',
      '6 NOT_FOUND',
    ]);
    expect(report).toMatchObject({ invited: 1, failed: 6, applied: true });
    const shown = await listMembers(dora, undefined, true);
    const list = JSON.parse(shown.stdout) as Member[];
    expect(list.map((m: { email: string; role: string }) => `${m.email} ${m.role}`).sort()).toEqual([
      'dora@example.com OWNER',
      'g@example.org MANAGER',
    ]);
  });
});
