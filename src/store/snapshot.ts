import type BetterSqlite3 from 'better-sqlite3';
import { PlatformError } from '../errors.js';
import { createBackupFile, discardBackupFile, stillOurs } from './backup-file.js';
import { APPLICATION_ID } from './local-path.js';
import { checkVersion, notInternal, readVersion, schemaScript } from './migrate.js';
import { notInitialised, storeError } from './errors.js';
import type { Tx } from './types.js';

/** Rows per request while copying a table. */
const PAGE = 2000;

type Database = BetterSqlite3.Database;

/** A table as `pragma_table_info` describes it, plus whether it has rowids. */
interface TableShape {
  name: string;
  withoutRowid: boolean;
  columns: { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
}

/** The shape of a schema, read as data: objects by type and name, and every table's columns. */
interface Shape {
  objects: string[];
  tables: TableShape[];
}

const OBJECTS = `SELECT type, name, tbl_name FROM sqlite_master WHERE ${notInternal()} ORDER BY type, name`;
const COLUMNS = `SELECT m.name AS tbl, p.name, p.type, p."notnull", p.dflt_value, p.pk
  FROM sqlite_master AS m, pragma_table_info(m.name) AS p
  WHERE m.type = 'table' AND ${notInternal('m.name')}
  ORDER BY m.name, p.cid`;
const ROWIDS = `SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND ${notInternal()} ORDER BY name`;

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

/**
 * Reads a schema's shape through any reader, in three queries whatever its size: names
 * and pragma answers only, never SQL text.
 */
async function shapeOf(all: <T>(sql: string) => Promise<T[]>): Promise<Shape> {
  const objects = (await all<{ type: string; name: string; tbl_name: string }>(OBJECTS)).map(
    (o) => `${String(o.type)} ${String(o.name)} on ${String(o.tbl_name)}`,
  );
  const tables = new Map<string, TableShape>();
  for (const c of await all<TableShape['columns'][number] & { tbl: string }>(COLUMNS)) {
    const t = tables.get(c.tbl) ?? { name: c.tbl, withoutRowid: false, columns: [] };
    const { tbl: _, ...column } = c;
    t.columns.push(column);
    tables.set(c.tbl, t);
  }
  for (const r of await all<{ name: string; wr: number }>(ROWIDS)) {
    const t = tables.get(r.name);
    if (t) t.withoutRowid = r.wr === 1;
  }
  return { objects, tables: [...tables.values()] };
}

/** The first difference between what this program builds and what the server has. */
function difference(expected: Shape, actual: Shape): string | undefined {
  const want = new Set(expected.objects);
  const have = new Set(actual.objects);
  const extra = actual.objects.find((o) => !want.has(o));
  if (extra) return `it has ${extra}, which platformctl does not create`;
  const missing = expected.objects.find((o) => !have.has(o));
  if (missing) return `${missing} is missing`;
  const byName = new Map(actual.tables.map((t) => [t.name, JSON.stringify(t)]));
  for (const t of expected.tables) {
    if (byName.get(t.name) !== JSON.stringify(t)) return `the columns of table ${t.name} differ`;
  }
  return undefined;
}

/**
 * Writes a consistent copy of a remote store (everything read through one transaction)
 * into a new local SQLite file. Nothing the server sends is executed: the file's schema
 * is built from this program's own migrations for the server's schema version, the
 * server's schema is compared with it as data (object names, pragma_table_info) and
 * refused if it differs, and rows are copied column by column with bound parameters,
 * a page at a time in key order.
 */
export async function writeSnapshot(tx: Tx, path: string, where: string): Promise<void> {
  const version = checkVersion(await readVersion(tx), where);
  if (version === 0) throw notInitialised(where);
  const Database = (await import('better-sqlite3')).default;
  const file = createBackupFile(path);
  let out: Database | undefined;
  try {
    out = new Database(path, { fileMustExist: true });
    const db = out;
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN');
    for (const sql of schemaScript(version)) db.exec(sql);
    const expected = await shapeOf(async <T>(sql: string) => db.prepare(sql).all() as T[]);
    const actual = await shapeOf((sql) => tx.all(sql));
    const diff = difference(expected, actual);
    if (diff) {
      throw new PlatformError(
        'STORE_CORRUPT',
        `The store ${where} does not have the schema platformctl builds for version ${version}: ${diff}. Refusing to back it up; nothing was written.`,
      );
    }
    // The migrations' own rows (ids, identity) give way to the server's; triggers are
    // ours and come back once the rows are in (they would refuse the ids being copied).
    const triggers = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL`)
      .all() as { name: string; sql: string }[];
    for (const t of triggers) db.exec(`DROP TRIGGER ${q(t.name)}`);
    for (const t of expected.tables) db.exec(`DELETE FROM ${q(t.name)}`);
    for (const t of expected.tables) await copyTable(tx, db, t);
    for (const t of triggers) db.exec(t.sql);
    db.exec('COMMIT');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma('journal_mode = WAL');
    db.close();
    if (!stillOurs(file)) {
      throw new PlatformError('CONFLICT', `${path} was replaced while the backup was written; it was left as found.`);
    }
  } catch (e) {
    if (out?.open) out.close();
    discardBackupFile(file);
    throw storeError(e, path);
  }
}

/** Copies one table's rows in key order (rowid, or the primary key of a WITHOUT ROWID table). */
async function copyTable(tx: Tx, out: Database, t: TableShape): Promise<void> {
  const cols = t.columns.map((c) => c.name);
  const key = t.withoutRowid
    ? t.columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name)
    : ['rowid'];
  // Rowids are copied as they are, also where no column names them (`rowid` itself is never quoted:
  // a quoted "rowid" would mean a column of that name).
  const selected = t.withoutRowid ? cols : ['rowid', ...cols.filter((c) => c.toLowerCase() !== 'rowid')];
  const list = selected.map((c, i) => (i === 0 && !t.withoutRowid ? c : q(c))).join(', ');
  const insert = out.prepare(
    `INSERT INTO ${q(t.name)} (${list}) VALUES (${selected.map((_, i) => `:v${i}`).join(', ')})`,
  );
  const order = t.withoutRowid ? key.map(q).join(', ') : 'rowid';
  const after = key.length === 1 ? `${order} > :k0` : `(${order}) > (${key.map((_, i) => `:k${i}`).join(', ')})`;
  let last: unknown[] | undefined;
  for (;;) {
    const params: Record<string, unknown> = {};
    last?.forEach((v, i) => (params[`k${i}`] = v));
    const rows = await tx.all<Record<string, unknown>>(
      `SELECT ${list} FROM ${q(t.name)}${last ? ` WHERE ${after}` : ''} ORDER BY ${order} LIMIT ${PAGE}`,
      last ? params : undefined,
    );
    for (const r of rows) {
      const values: Record<string, unknown> = {};
      // @libsql/client returns BLOBs as ArrayBuffer; better-sqlite3 binds Buffers.
      selected.forEach((c, i) => (values[`v${i}`] = r[c] instanceof ArrayBuffer ? Buffer.from(r[c]) : r[c]));
      insert.run(values);
    }
    if (rows.length < PAGE) return;
    const lastRow = rows[rows.length - 1]!;
    last = key.map((k) => lastRow[k]);
  }
}
