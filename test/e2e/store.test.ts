import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type TestStore } from './harness.js';
import { LATEST_VERSION } from '../../src/store/migrations/index.js';

// What needs a process: the files a real process writes (the store, its -wal/-shm and a
// backup, mode 0600; a missing directory made), the exit status the shell sees (0, 6 and
// 7), problems on stdout and the error on stderr, and what a process that needs no store
// (--help, --version) leaves alone. The rules of store init, check and backup (every JSON
// field and message, each broken invariant, the backup's content, refused destinations)
// are checked in unit tests of their run() on both engines: test/commands/store/
// {init,check,backup}.test.ts; which stores a command refuses (a newer schema, a file
// that is not SQLite, an unknown URL scheme): test/commands/store/store-open.test.ts.
// Another program's database, and a missing store for every command: store-paths.test.ts;
// a newer schema on sqld: remote.test.ts.

const mode = (path: string) => statSync(path).mode & 0o777;

describe.each(engines())('store on %s', (engine) => {
  const fresh = useStore(engine);
  const local = engine === 'local';

  it('store init, check and backup as processes: exit 0, 6 and 7; the files they write are 0600', async () => {
    const t = await fresh();
    // A local store and its missing directory are made by the process.
    const where = local ? join(t.dir, 'a', 'b', 'platform.db') : t.store;
    const init = await t.run(['--store', where, '--json', 'store', 'init']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ engine, schemaVersion: LATEST_VERSION, migratedFrom: 0 });
    expect(init.stderr).toBe('');
    if (local) expect(mode(where)).toBe(0o600);

    const [ann] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    if (local) {
      // A reader kept open keeps the -wal and -shm files while platformctl writes.
      const reader = new Database(t.store, { readonly: true });
      try {
        reader.prepare('SELECT count(*) FROM users').get();
        const write = await ann.run(['account', 'token', 'create', '--name', 'ci']);
        expect(write.exitCode, write.stderr).toBe(0);
        for (const side of ['-wal', '-shm']) expect(mode(t.store + side), side).toBe(0o600);
      } finally {
        reader.close();
      }
    }

    const healthy = await t.run(['store', 'check']);
    expect([healthy.exitCode, healthy.stdout]).toEqual([0, '']);
    expect(healthy.stderr).toMatch(/^✓ Store .* is healthy/);

    const path = join(t.dir, 'backups', 'copy.db');
    const backup = await t.run(['--json', 'store', 'backup', path]);
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ backup: path, engine });
    expect(mode(path)).toBe(0o600);
    const again = await t.run(['store', 'backup', path]);
    expect([again.exitCode, again.stdout]).toEqual([6, '']);
    expect(again.stderr).toBe(`error: ${path} already exists; choose a new file for the backup.`);

    // Ann's current company becomes Bob's, where she is no member; Bob's company loses its OWNER.
    const [a, b] = (await rawSql(
      t,
      `SELECT id, current_company_id AS c FROM users WHERE email IN ('ann@example.com', 'bob@example.com') ORDER BY email`,
    )) as [{ id: number; c: number }, { id: number; c: number }];
    await rawSql(t, `UPDATE users SET current_company_id = ? WHERE id = ?`, [b.c, a.id]);
    await rawSql(t, `DELETE FROM memberships WHERE company_id = ?`, [b.c]);
    const broken = await t.run(['store', 'check']);
    expect(broken.exitCode).toBe(7);
    expect(broken.stdout).toContain(`user ${a.id}: current company ${b.c} is not one of theirs\n`);
    expect(broken.stdout).toContain(`company ${b.c} has 0 OWNER memberships\n`);
    expect(broken.stderr).toBe('error: Store check found 3 problems.');
    // Repair so the harness's check passes.
    await rawSql(t, `UPDATE users SET current_company_id = (SELECT id FROM companies WHERE owner_id = users.id)`);
    await rawSql(
      t,
      `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at) SELECT id, owner_id, (SELECT email FROM users WHERE users.id = owner_id), 'OWNER', 'ACTIVE', created_at, created_at FROM companies WHERE id = ?`,
      [b.c],
    );
  });
});

// A local path given with --store: what happens there does not depend on the engine of the
// harness's own store, so once.
describe('a local store a process must leave alone', () => {
  const fresh = useStore('local');

  it('--help and --version never open (or create) it, nor store check; a file that is not SQLite or a newer schema: exit 7, untouched', async () => {
    const t = await fresh();
    const where = join(t.dir, 'never', 'platform.db');
    for (const args of [['--help'], ['--version'], ['account', '--help'], ['help', 'store']]) {
      const r = await t.run(['--store', where, ...args]);
      expect(r.exitCode, args.join(' ')).toBe(0);
      expect(r.stdout).not.toBe('');
    }
    expect(existsSync(join(t.dir, 'never'))).toBe(false);
    // store check only looks: a missing store is exit 7, and is not created.
    const missing = await t.run(['--store', where, '--json', 'store', 'check']);
    expect([missing.exitCode, missing.stdout]).toEqual([7, '']);
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining(where) },
    });
    expect(existsSync(join(t.dir, 'never'))).toBe(false);

    const bad = join(t.dir, 'notes.txt');
    writeFileSync(bad, 'these are my notes, not a database\n'.repeat(200));
    const notes = readFileSync(bad);
    const corrupt = await t.run(['--store', bad, 'store', 'check']);
    expect([corrupt.exitCode, corrupt.stdout, corrupt.stderr]).toEqual([
      7,
      '',
      `error: The store ${bad} is not a readable SQLite database (file is not a database).`,
    ]);
    expect(readFileSync(bad).equals(notes)).toBe(true);
    expect(existsSync(bad + '-wal')).toBe(false);

    const ann = await t.seed('ann@example.com');
    const db = new Database(t.store);
    db.prepare(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`).run();
    db.close();
    const before = readFileSync(t.store);
    const r = await ann.run(['--json', 'account', 'show']);
    expect([r.exitCode, r.stdout]).toEqual([7, '']);
    expect(JSON.parse(r.stderr)).toEqual({
      error: {
        code: 'SCHEMA_TOO_NEW',
        message: `The store ${t.store} has schema version 999, newer than this platformctl knows (${LATEST_VERSION}). Upgrade platformctl; the store was left untouched.`,
      },
    });
    expect(readFileSync(t.store).equals(before)).toBe(true);
    // Put it back so the harness's final store check passes.
    const fix = new Database(t.store);
    fix.prepare(`UPDATE platformctl_meta SET value = ? WHERE key = 'schema_version'`).run(String(LATEST_VERSION));
    fix.close();
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
  const c = createClient({ url: t.store, intMode: 'number' });
  try {
    return (await c.execute({ sql, args })).rows.map((r) => ({ ...r }));
  } finally {
    c.close();
  }
}
