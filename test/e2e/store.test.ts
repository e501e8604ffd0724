import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type TestStore } from './harness.js';
import { LATEST_VERSION } from '../../src/store/migrations/index.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.each(engines())('store on %s', (engine) => {
  const fresh = useStore(engine);
  const local = engine === 'local';

  it('store init creates the store (and its missing directory) with mode 0600, and is idempotent', async () => {
    const t = await fresh();
    const nested = join(t.dir, 'a', 'b', 'platform.db');
    const where = local ? nested : t.store;
    const first = await t.run(['--store', where, '--json', 'store', 'init']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ engine, schemaVersion: LATEST_VERSION, migratedFrom: 0 });
    const again = await t.run(['--store', where, '--json', 'store', 'init']);
    expect(JSON.parse(again.stdout)).toMatchObject({ schemaVersion: LATEST_VERSION, migratedFrom: null });
    const human = await t.run(['--store', where, 'store', 'init']);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(`is ready (schema version ${LATEST_VERSION})`);
    if (local) {
      expect(mode(nested)).toBe(0o600);
      // A reader kept open keeps the -wal and -shm files while platformctl writes.
      const reader = new Database(nested, { readonly: true });
      reader.prepare('SELECT count(*) FROM users').get();
      const reg = await t.run(
        [
          '--store',
          nested,
          'account',
          'register',
          '--email',
          'ann@example.com',
          '--first-name',
          'A',
          '--last-name',
          'B',
          '--password-stdin',
        ],
        { input: 'correct horse battery\n' },
      );
      expect(reg.exitCode, reg.stderr).toBe(0);
      for (const side of ['-wal', '-shm']) expect(mode(nested + side), side).toBe(0o600);
      reader.close();
    }
    const check = await t.run(['--store', where, 'store', 'check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stderr).toMatch(/healthy/);
    if (local) await t.run(['store', 'init']); // the harness checks t.store afterwards
  });

  it('the first command creates the store with mode 0600 and config.json with mode 0600', async () => {
    const t = await fresh();
    const ann = await t.register('ann@example.com');
    expect(mode(join(ann.configDir, 'config.json'))).toBe(0o600);
    expect(mode(ann.configDir), 'the config directory holds sessions: private').toBe(0o700);
    const cfg = JSON.parse(readFileSync(join(ann.configDir, 'config.json'), 'utf8'));
    // Sessions are kept under the store's identity (docs/sessions.md), whatever its location's spelling.
    const [key] = Object.keys(cfg.sessions);
    expect(key).toMatch(/^[0-9a-f]{32}:ann@example\.com$/);
    expect(cfg.sessions[key!]).toMatchObject({ email: 'ann@example.com' });
    expect(cfg.sessions[key!].token).toMatch(/^pcs_/);
    if (local) {
      expect(mode(t.store)).toBe(0o600);
      // A running command leaves -wal/-shm only while open; check any left over.
      for (const side of ['-wal', '-shm']) if (existsSync(t.store + side)) expect(mode(t.store + side)).toBe(0o600);
    }
  });

  it('--help and --version never open (or create) the store', async () => {
    const t = await fresh();
    const where = join(t.dir, 'never', 'platform.db');
    for (const args of [['--help'], ['--version'], ['account', '--help'], ['help', 'store']]) {
      const r = await t.run(['--store', where, ...args]);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stdout).not.toBe('');
    }
    expect(existsSync(join(t.dir, 'never'))).toBe(false);
    await t.run(['store', 'init']);
  });

  it('store check on a missing local store exits 7 and does not create it', async () => {
    const t = await fresh();
    const missing = join(t.dir, 'nope', 'platform.db');
    const r = await t.run(['--store', missing, '--json', 'store', 'check']);
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining(missing) },
    });
    expect(existsSync(missing)).toBe(false);
    await t.run(['store', 'init']); // the harness checks t.store afterwards
  });

  it('store backup writes a consistent copy that opens as a store; refuses an existing file (exit 6)', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const path = join(t.dir, 'backups', 'copy.db');
    const r = await t.run(['--json', 'store', 'backup', path]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backup: path, engine });
    expect(mode(path)).toBe(0o600);
    const copy = new Database(path, { readonly: true });
    expect(copy.prepare('SELECT email FROM users').all()).toEqual([{ email: 'ann@example.com' }]);
    copy.close();
    // The backup is itself a valid store with the same session.
    const me = await ann.run(['--store', path, '--json', 'account', 'show'], { token: readSession(ann.configDir) });
    expect(JSON.parse(me.stdout).currentCompany.name).toBe('Smith Company');
    const again = await t.run(['store', 'backup', path]);
    expect(again.exitCode).toBe(6);
    expect(again.stderr).toMatch(/already exists/);
  });

  it.runIf(local)(
    'refuses a store whose schema is newer than this build (exit 7 SCHEMA_TOO_NEW), leaving the file untouched',
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com');
      const db = new Database(t.store);
      db.prepare(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`).run();
      db.close();
      const before = readFileSync(t.store);
      for (const args of [
        ['account', 'show'],
        ['store', 'init'],
        ['store', 'check'],
      ]) {
        const r = await ann.run(['--json', ...args]);
        expect(r.exitCode, args.join(' ')).toBe(7);
        expect(r.stdout).toBe('');
        const e = JSON.parse(r.stderr).error;
        expect(e.code).toBe('SCHEMA_TOO_NEW');
        expect(e.message).toContain(`schema version 999, newer than this platformctl knows (${LATEST_VERSION})`);
      }
      expect(readFileSync(t.store).equals(before)).toBe(true);
      // Put it back so the harness's final store check passes.
      const fix = new Database(t.store);
      fix.prepare(`UPDATE platformctl_meta SET value = ? WHERE key = 'schema_version'`).run(String(LATEST_VERSION));
      fix.close();
    },
  );

  it.runIf(local)(
    'a file that is not SQLite is refused with exit 7 STORE_CORRUPT and a clear message, unchanged',
    async () => {
      const t = await fresh();
      const bad = join(t.dir, 'notes.txt');
      writeFileSync(bad, 'these are my notes, not a database\n'.repeat(200));
      const before = readFileSync(bad);
      for (const args of [
        ['account', 'show'],
        ['store', 'check'],
        ['store', 'init'],
      ]) {
        const r = await t.run(['--store', bad, ...args]);
        expect(r.exitCode, args.join(' ')).toBe(7);
        expect(r.stdout).toBe('');
        expect(r.stderr).toBe(`error: The store ${bad} is not a readable SQLite database (file is not a database).`);
      }
      const j = await t.run(['--store', bad, '--json', 'store', 'check']);
      expect(JSON.parse(j.stderr).error.code).toBe('STORE_CORRUPT');
      expect(readFileSync(bad).equals(before)).toBe(true);
      expect(existsSync(bad + '-wal')).toBe(false);
      await t.run(['store', 'init']);
    },
  );

  it.runIf(local)('a SQLite database of another program is refused (exit 7) and not migrated', async () => {
    const t = await fresh();
    const other = join(t.dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    db.close();
    const r = await t.run(['--store', other, 'store', 'init']);
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toMatch(/not a platformctl store/);
    const after = new Database(other, { readonly: true });
    expect(after.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all()).toEqual([
      { name: 'notes' },
    ]);
    after.close();
    await t.run(['store', 'init']);
  });

  it('store check lists each broken invariant and exits 7', async () => {
    const t = await fresh();
    await Promise.all([t.seed('ann@example.com', 'Ann', 'Smith'), t.seed('bob@example.com', 'Bob', 'Jones')]);
    const ann = (
      await rawSql(t, `SELECT id, current_company_id AS c FROM users WHERE email = 'ann@example.com'`)
    )[0] as { id: number; c: number };
    const bob = (await rawSql(t, `SELECT current_company_id AS c FROM users WHERE email = 'bob@example.com'`))[0] as {
      c: number;
    };
    // Ann's current company becomes Bob's, where she is no member; Bob's company loses its OWNER.
    await rawSql(t, `UPDATE users SET current_company_id = ? WHERE id = ?`, [bob.c, ann.id]);
    await rawSql(t, `DELETE FROM memberships WHERE company_id = ?`, [bob.c]);
    const r = await t.run(['store', 'check']);
    expect(r.exitCode).toBe(7);
    expect(r.stdout).toContain(`user ${ann.id}: current company ${bob.c} is not one of theirs`);
    expect(r.stdout).toContain(`company ${bob.c} has 0 OWNER memberships`);
    expect(r.stderr).toBe('error: Store check found 3 problems.');
    const j = await t.run(['--json', 'store', 'check']);
    expect(j.exitCode).toBe(7);
    const report = JSON.parse(j.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(3);
    expect(JSON.parse(j.stderr).error.code).toBe('STORE_CORRUPT');
    // Repair so the harness's check passes.
    await rawSql(t, `UPDATE users SET current_company_id = (SELECT id FROM companies WHERE owner_id = users.id)`);
    await rawSql(
      t,
      `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at) SELECT id, owner_id, (SELECT email FROM users WHERE users.id = owner_id), 'OWNER', 'ACTIVE', created_at, created_at FROM companies WHERE id = ?`,
      [bob.c],
    );
  });
});

/** Raw SQL straight into the store, past platformctl: better-sqlite3 or the libSQL client. */
async function rawSql(t: TestStore, sql: string, args: (string | number)[] = []): Promise<unknown[]> {
  if (t.engine === 'local') {
    const db = new Database(t.store);
    try {
      const st = db.prepare(sql);
      return st.reader ? st.all(...args) : (st.run(...args), []);
    } finally {
      db.close();
    }
  }
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url: t.store });
  try {
    return (await c.execute({ sql, args })).rows.map((r) => ({ ...r }));
  } finally {
    c.close();
  }
}

function readSession(configDir: string): string {
  const cfg = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
  return (Object.values(cfg.sessions)[0] as { token: string }).token;
}
