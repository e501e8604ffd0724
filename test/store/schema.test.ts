import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local.js';
import { DEFAULT_TIMEOUTS } from '../../src/store/timeouts.js';
import { migrate } from '../../src/store/migrate.js';

/** Statements of a schema script, without comments and blank-line differences. */
function statements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .sort();
}

describe('schema.sql', () => {
  it('matches what the migrations build', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'platformctl-schema-')), 's.db');
    const store = await LocalStore.open(path, DEFAULT_TIMEOUTS);
    await migrate(store);
    await store.close();
    const db = new Database(path, { readonly: true });
    const live = db
      .prepare(`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'`)
      .all()
      .map((r) => (r as { sql: string }).sql)
      .join(';\n');
    db.close();
    const snapshot = readFileSync(new URL('../../src/store/schema.sql', import.meta.url), 'utf8');
    expect(statements(snapshot), 'regenerate src/store/schema.sql from a migrated store').toEqual(statements(live));
  });
});
