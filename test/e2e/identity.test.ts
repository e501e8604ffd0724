import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { engines, PASSWORD, useStore, type Engine, type TestStore } from './harness.js';

/**
 * Invisible and look-alike identities (docs/identity.md): what input refuses, one account
 * per e-mail however it is composed, and how `store check` reports look-alikes that an
 * older build let in. The rules (each refused character, the messages, NFC and NFD as one
 * account at register and login, the whole store check report) are checked through run()
 * on both engines in test/commands/account/identity-text.test.ts. Here, what needs the
 * process: the error document on stderr with hidden characters escaped, the exit codes
 * (2, 6, and 0 for a check that only warns) and stdout and stderr of a real process.
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

  it('register refuses a hidden character (exit 2) and a second spelling of an e-mail (exit 6); store check only warns (exit 0)', async () => {
    const t = await fresh();
    await t.seedMany([
      { email: NFC, first: 'José', last: 'Nfc' },
      { email: 'victim@example.com', first: 'Vic', last: 'Tim' },
      { email: 'victim2@example.com', first: 'Vic', last: 'Copy' },
    ]);
    const reg = (email: string, first: string, last: string) =>
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
    const r = await reg('victim\u2060@example.com', 'Vic', 'Tim');
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const err = JSON.parse(r.stderr).error;
    expect(err.code).toBe('INVALID_INPUT');
    // The hidden character is named and shown escaped, never raw.
    expect(err.message).toContain('victim\\u{2060}@example.com');
    expect(err.message).toContain('U+2060');
    expect(r.stderr).not.toContain('\u2060');

    const again = await reg(NFD, 'Jose\u0301', 'Nfd');
    expect(again.exitCode, again.stderr).toBe(6);
    expect(again.stdout).toBe('');
    expect(JSON.parse(again.stderr).error.code).toBe('ALREADY_EXISTS');
    expect(await sql(t, 'SELECT email FROM users ORDER BY id')).toEqual([
      { email: NFC },
      { email: 'victim@example.com' },
      { email: 'victim2@example.com' },
    ]);

    // What a build before this rule accepted, written as it would have been.
    await sql(t, 'UPDATE users SET email = ? WHERE email = ?', ['victim\u2060@example.com', 'victim2@example.com']);
    await sql(t, 'UPDATE memberships SET email = ? WHERE email = ?', [
      'victim\u2060@example.com',
      'victim2@example.com',
    ]);
    // The report on stdout, one warning a line with hidden characters spelled out; the verdict on stderr.
    const h = await t.run(['store', 'check']);
    expect(h.exitCode, h.stderr).toBe(0);
    const lines = h.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^warning: /);
    expect(h.stdout).toContain('victim\\u{2060}@example.com');
    expect(h.stdout).not.toContain('\u2060');
    expect(h.stderr).toMatch(/is healthy/);
    expect(h.stderr).toMatch(/2 warnings: look-alike or now-refused identity text/);
  });
});
