import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine, type TestStore } from './harness.js';

/**
 * Security properties: secrets are never flags, never printed, never stored in the
 * clear; files are private; failed logins are throttled; dead tokens are refused.
 */

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** Runs SQL against the store from outside the CLI (to age a token, or seed a weak hash). */
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

describe.each(engines())('security on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  // --password refused as a flag and never echoed: password.test.ts, for register, login
  // and password change alike.

  it('no password, session or API token appears in outputs, the audit log or the store bytes', async () => {
    const t = await fresh();
    const password = 'pw-Unique-7f3a9c-secret';
    const ann = await t.register('ann@example.com', 'Ann', 'Secure', password);
    const outputs: string[] = [];
    const keep = <R extends { stdout: string; stderr: string }>(r: R): R => (outputs.push(r.stdout, r.stderr), r);
    const login = keep(
      await ann.run(['--json', 'account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
        input: password + '\n',
      }),
    );
    expect(login.exitCode).toBe(0);
    keep(
      await ann.run(['password', 'change', '--password-stdin'], {
        input: `${password}\nnew-${password}\nnew-${password}\n`,
      }),
    );
    const created = await ann.json(['account', 'token', 'create', '--name', 'ci']);
    const apiToken: string = created.token;
    expect(apiToken).toMatch(/^pct_/);
    const configFile = join(ann.configDir, 'config.json');
    const session: string = Object.values(
      JSON.parse(readFileSync(configFile, 'utf8')).sessions as Record<string, { token: string }>,
    )[0]!.token;
    for (const args of [
      ['account', 'show'],
      ['account', 'token', 'list'],
      ['audit', 'list', '--limit', '1000'],
      ['--json', 'audit', 'list', '--limit', '1000'],
    ]) {
      keep(await ann.run(args));
      keep(await ann.run(args, { token: apiToken }));
    }
    const secrets = [password, `new-${password}`, apiToken, session];
    for (const s of secrets) for (const o of outputs) expect(o).not.toContain(s);
    // The store, read as bytes: the live file and its log locally, a backup for both engines.
    const backup = join(t.dir, 'scan.db');
    expect((await t.run(['store', 'backup', backup])).exitCode).toBe(0);
    const files = [backup, ...(engine === 'local' ? [t.store, `${t.store}-wal`].filter(existsSync) : [])];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of secrets) expect(bytes.includes(Buffer.from(s)), `${s} in ${f}`).toBe(false);
    }
    // Tokens are kept as SHA-256 hashes.
    const db = new Database(backup, { readonly: true });
    const hashes = (db.prepare('SELECT token_hash FROM tokens').all() as { token_hash: string }[]).map(
      (r) => r.token_hash,
    );
    db.close();
    expect(hashes).toContain(sha256(apiToken));
    expect(hashes).toContain(sha256(session));
  });

  it('keeps the config file, the store and its log private (0600)', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    expect(statSync(join(ann.configDir, 'config.json')).mode & 0o777).toBe(0o600);
    if (engine === 'local') {
      for (const f of [t.store, `${t.store}-wal`, `${t.store}-shm`].filter(existsSync))
        expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
  });

  // Throttling of failed logins (and its reset by a success): session.test.ts.

  it('refuses revoked and expired tokens with exit 3', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const a = await ann.json(['account', 'token', 'create', '--name', 'revoked']);
    const b = await ann.json(['account', 'token', 'create', '--name', 'expiring', '--expires-in', '1']);
    expect((await t.run(['account', 'show'], { token: a.token })).exitCode).toBe(0);
    expect((await ann.run(['account', 'token', 'revoke', String(a.id)])).exitCode).toBe(0);
    const revoked = await t.run(['account', 'show'], { token: a.token });
    expect(revoked.exitCode).toBe(3);
    expect(revoked.stderr).toMatch(/revoked/);
    await sql(t, `UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?`, [b.id]);
    const expired = await t.run(['account', 'show'], { token: b.token });
    expect(expired.exitCode).toBe(3);
    expect(expired.stderr).toMatch(/expired/);
    // A session revoked by logout is refused too.
    const session: string = Object.values(
      JSON.parse(readFileSync(join(ann.configDir, 'config.json'), 'utf8')).sessions as Record<
        string,
        { token: string }
      >,
    )[0]!.token;
    expect((await ann.run(['account', 'logout'])).exitCode).toBe(0);
    expect((await t.run(['account', 'show'], { token: session })).exitCode).toBe(3);
  });

  // A weaker scrypt hash redone at the next successful login: session.test.ts (both engines).
});
