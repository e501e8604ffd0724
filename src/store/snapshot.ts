import { closeSync, existsSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlatformError } from '../errors.js';
import type { Tx } from './types.js';

const PAGE = 5000;

/** Writes every table of the store, read through one transaction, into a new SQLite file. */
export async function writeSnapshot(tx: Tx, path: string): Promise<void> {
  if (existsSync(path))
    throw new PlatformError('ALREADY_EXISTS', `${path} already exists; choose a new file for the backup.`);
  const Database = (await import('better-sqlite3')).default;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'wx', 0o600));
  const out = new Database(path);
  try {
    const objects = await tx.all<{ type: string; name: string; sql: string | null }>(
      `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%' ORDER BY type = 'table' DESC, rowid`,
    );
    out.exec('BEGIN');
    for (const o of objects.filter((x) => x.type === 'table')) {
      out.exec(o.sql!);
      const cols = (await tx.all<{ name: string }>(`SELECT name FROM pragma_table_info(:t)`, { t: o.name })).map(
        (c) => c.name,
      );
      const quoted = cols.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
      const insert = out.prepare(`INSERT INTO "${o.name}" (${quoted}) VALUES (${cols.map(() => '?').join(', ')})`);
      for (let offset = 0; ; offset += PAGE) {
        const rows = await tx.all<Record<string, unknown>>(
          `SELECT ${quoted} FROM "${o.name.replaceAll('"', '""')}" LIMIT ${PAGE} OFFSET ${offset}`,
        );
        // @libsql/client returns BLOBs as ArrayBuffer; better-sqlite3 binds Buffers.
        for (const r of rows) insert.run(cols.map((c) => (r[c] instanceof ArrayBuffer ? Buffer.from(r[c]) : r[c])));
        if (rows.length < PAGE) break;
      }
    }
    for (const o of objects.filter((x) => x.type !== 'table')) out.exec(o.sql!);
    out.exec('COMMIT');
    out.pragma('journal_mode = WAL');
    out.close();
  } catch (e) {
    if (out.open) out.close();
    try {
      unlinkSync(path);
    } catch {
      /* nothing to clean */
    }
    throw e;
  }
}
