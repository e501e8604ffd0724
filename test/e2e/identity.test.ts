import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { engines, PASSWORD, useStore, type Engine, type TestStore } from './harness.js';

/**
 * Invisible and look-alike identities (docs/identity.md): what input refuses, one account
 * per e-mail however it is composed, and how `store check` reports look-alikes that an
 * older build let in.
 */

/** Runs SQL against the store from outside the CLI, as an older build would have written. */
async function sql(t: TestStore, statement: string, args: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (t.engine === 'local') {
    const db = new Database(t.store);
    try {
      const s = db.prepare(statement);
      return s.reader ? (s.all(...args) as Record<string, unknown>[]) : (s.run(...args), []);
    } finally {
      db.close();
    }
  }
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url: t.store, intMode: 'number' });
  try {
    const rs = await c.execute({ sql: statement, args: args as never });
    return rs.rows.map((r) => Object.fromEntries(rs.columns.map((col, i) => [col, r[i]])));
  } finally {
    c.close();
  }
}

const NFC = 'jos\u00e9@example.com';
const NFD = 'jose\u0301@example.com';

describe.each(engines())('identity text on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('registering victim\\u2060@example.com (WORD JOINER) is refused (exit 2) and creates nothing', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const reg = (email: string, first = 'Vic', last = 'Tim') =>
      t.run(
        [
          '--json',
          'account',
          'register',
          '--email',
          email,
          '--first-name',
          first,
          '--last-name',
          last,
          '--password-stdin',
        ],
        { input: PASSWORD + '\n' },
      );
    const r = await reg('victim\u2060@example.com');
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr).error;
    expect(err.code).toBe('INVALID_INPUT');
    // The hidden character is named and shown escaped, never raw.
    expect(err.message).toContain('victim\\u{2060}@example.com');
    expect(err.message).toContain('U+2060');
    expect(r.stderr).not.toContain('\u2060');
    // A tag character in an e-mail, a Hangul filler as a name, a ZWJ at the start.
    for (const [email, first] of [
      ['victim\u{e0041}@example.com', 'Vic'],
      ['vic@example.com', '\u3164'],
      ['vic@example.com', '\u200dVic'],
    ]) {
      const x = await reg(email!, first);
      expect([x.exitCode, JSON.parse(x.stderr).error.code], `${email} ${first}`).toEqual([2, 'INVALID_INPUT']);
    }
    expect(await sql(t, 'SELECT count(*) AS n FROM users')).toEqual([{ n: 0 }]);
    // What a script needs is accepted: ZWNJ in a Persian name, ZWJ after a Devanagari virama.
    const ok = await reg('nima@example.com', 'می\u200cخواهم', 'क्\u200dष');
    expect(ok.exitCode, ok.stderr).toBe(0);
    const names = await sql(t, 'SELECT first_name, last_name FROM users');
    expect(names).toEqual([{ first_name: 'می\u200cخواهم', last_name: 'क्\u200dष' }]);
  });

  it('josé composed (NFC) and decomposed (NFD) are one account: the second registration is ALREADY_EXISTS', async () => {
    const t = await fresh();
    const jose = await t.register(NFC, 'José', 'Nfc');
    const again = await t.run(
      [
        '--json',
        'account',
        'register',
        '--email',
        NFD,
        '--first-name',
        'Jose\u0301',
        '--last-name',
        'Nfd',
        '--password-stdin',
      ],
      { input: PASSWORD + '\n' },
    );
    expect(again.exitCode, again.stderr).toBe(6);
    expect(JSON.parse(again.stderr).error.code).toBe('ALREADY_EXISTS');
    expect(await sql(t, 'SELECT email FROM users')).toEqual([{ email: NFC }]);
    // Signing in and inviting with the other spelling reach the same account.
    const login = await t.run(['account', 'login', '--email', NFD.toUpperCase(), '--password-stdin'], {
      input: PASSWORD + '\n',
    });
    expect(login.exitCode, login.stderr).toBe(0);
    const show = await jose.json(['account', 'show']);
    expect(show.user.email).toBe(NFC);
  });

  it('store check warns (exit 0) of look-alike e-mails and now-refused names an older build stored', async () => {
    const t = await fresh();
    await t.seedMany([
      { email: NFC, first: 'José', last: 'Nfc' },
      { email: 'jose2@example.com', first: 'José', last: 'Nfd' },
      { email: 'victim@example.com', first: 'Vic', last: 'Tim' },
      { email: 'victim2@example.com', first: 'Vic', last: 'Copy' },
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
    ]);
    const clean = await t.run(['--json', 'store', 'check']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, problems: [], warnings: [], warningCount: 0 });

    // What a build before this rule accepted, written as it would have been.
    const respell = async (from: string, to: string) => {
      await sql(t, 'UPDATE users SET email = ? WHERE email = ?', [to, from]);
      await sql(t, 'UPDATE memberships SET email = ? WHERE email = ?', [to, from]);
    };
    await respell('jose2@example.com', NFD);
    await respell('victim2@example.com', 'victim\u2060@example.com');
    await sql(t, `UPDATE users SET first_name = ? WHERE email = 'ann@example.com'`, ['Ann\u3164']);
    await sql(t, `UPDATE companies SET name = ? WHERE name = 'Smith Company'`, ['Smith\u202eCompany']);
    const ann = (await sql(t, `SELECT id FROM users WHERE email = 'ann@example.com'`))[0]!.id as number;
    const annCompany = (await sql(t, 'SELECT id FROM companies WHERE owner_id = ?', [ann]))[0]!.id as number;
    await sql(
      t,
      `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
       VALUES (?, ?, 'MANAGER', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')`,
      [annCompany, 'VICTIM@example.com'],
    );

    const j = await t.run(['--json', 'store', 'check']);
    expect(j.exitCode, j.stderr).toBe(0);
    expect(j.stderr).toBe('');
    const report = JSON.parse(j.stdout);
    expect(report).toMatchObject({ ok: true, problems: [] });
    const ids = Object.fromEntries(
      (await sql(t, 'SELECT id, email FROM users')).map((r) => [r.email as string, r.id as number]),
    );
    const groups = report.warnings.filter((w: any) => w.kind === 'LOOKALIKE_EMAILS');
    expect(groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: NFC,
          holders: [
            { userId: ids[NFC], email: NFC },
            { userId: ids[NFD], email: NFD },
          ],
        }),
        expect.objectContaining({
          key: 'victim@example.com',
          holders: [
            { userId: ids['victim@example.com'], email: 'victim@example.com' },
            { userId: ids['victim\u2060@example.com'], email: 'victim\u2060@example.com' },
            { companyId: annCompany, email: 'VICTIM@example.com', pending: true },
          ],
        }),
      ]),
    );
    expect(groups).toHaveLength(2);
    const rest = report.warnings
      .filter((w: any) => w.kind !== 'LOOKALIKE_EMAILS')
      .map((w: any) => [w.kind, w.table, w.field]);
    expect(rest).toEqual(
      expect.arrayContaining([
        ['NOT_NORMALISED', 'users', 'email'],
        ['NOW_REFUSED', 'users', 'email'],
        ['NOW_REFUSED', 'users', 'first_name'],
        ['NOW_REFUSED', 'companies', 'name'],
        ['NOT_NORMALISED', 'invitations', 'email'],
      ]),
    );
    expect(rest).toHaveLength(5);
    expect(report.warningCount).toBe(7);

    // The human report: one warning a line on stdout, hidden characters spelled out.
    const h = await t.run(['store', 'check']);
    expect(h.exitCode, h.stderr).toBe(0);
    const lines = h.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line).toMatch(/^warning: /);
    expect(h.stdout).toContain(`user ${ids[NFD]} "jose\\u{301}@example.com"`);
    expect(h.stdout).toContain(`user ${ids[NFC]} "jos\\u{e9}@example.com"`);
    expect(h.stdout).toContain('victim\\u{2060}@example.com');
    expect(h.stdout).not.toMatch(/[\u2060\u3164\u202e]/);
    expect(h.stderr).toMatch(/is healthy/);
    expect(h.stderr).toMatch(/7 warnings: look-alike or now-refused identity text/);
  });
});
