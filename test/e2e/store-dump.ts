import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Engine } from './harness.js';

/** Every row of every table, as sorted JSON lines: two equal dumps are the same data. */
export type Dump = Record<string, string[]>;

/**
 * Reads every table of a store straight from the engine (not through the CLI).
 * On sqld the read runs under the write lock: a killed client's last request may still
 * be in flight on the server, and the dump must see its outcome, not a moment before.
 */
export async function dumpStore(engine: Engine, store: string, tables?: string[]): Promise<Dump> {
  const out: Dump = {};
  if (engine === 'local') {
    if (!existsSync(store)) return out;
    const db = new Database(store, { fileMustExist: true });
    try {
      const names = (
        db
          .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
          .all() as { name: string }[]
      ).map((r) => r.name);
      for (const name of names.filter((n) => !tables || tables.includes(n))) {
        out[name] = db
          .prepare(`SELECT * FROM "${name}"`)
          .all()
          .map((r) => JSON.stringify(r))
          .sort();
      }
    } finally {
      db.close();
    }
    return out;
  }
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url: store, intMode: 'number' });
  const tx = await c.transaction('write');
  try {
    const rs = await tx.execute(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%' AND name NOT LIKE '_litestream%' ORDER BY name`,
    );
    for (const row of rs.rows) {
      const name = String(row[0]);
      if (tables && !tables.includes(name)) continue;
      const data = await tx.execute(`SELECT * FROM "${name}"`);
      out[name] = data.rows
        .map((r) => JSON.stringify(Object.fromEntries(data.columns.map((col, i) => [col, r[i]]))))
        .sort();
    }
  } finally {
    await tx.rollback().catch(() => undefined);
    tx.close();
    c.close();
  }
  return out;
}

/** The same dump with every ISO timestamp replaced: two runs of one command differ only there. */
export function withoutTimes(d: Dump): Dump {
  return Object.fromEntries(
    Object.entries(d).map(([k, rows]) => [
      k,
      rows.map((r) => r.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')).sort(),
    ]),
  );
}

export const rowsOf = (d: Dump, table: string) => (d[table] ?? []).map((s) => JSON.parse(s) as Record<string, unknown>);
