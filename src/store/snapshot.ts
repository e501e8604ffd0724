import type BetterSqlite3 from 'better-sqlite3';
import { PlatformError } from '../errors.js';
import { createBackupFile, discardBackupFile, stillOurs } from './backup-file.js';
import { APPLICATION_ID } from './local-path.js';
import { checkVersion, NOT_INTERNAL, readVersion, schemaScript } from './migrate.js';
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

const OBJECTS = `SELECT type, name, tbl_name FROM sqlite_master WHERE ${NOT_INTERNAL} ORDER BY type, name`;
const TABLES = `SELECT name FROM sqlite_master WHERE type = 'table' AND ${NOT_INTERNAL} ORDER BY name`;
const COLUMNS = `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(:t) ORDER BY cid`;
const ROWID = `SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = :t`;

const q = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** Reads a schema's shape through any reader: only names and pragma answers, never SQL text. */
async function shapeOf(
  get: <T>(sql: string, p?: Record<string, unknown>) => Promise<T[]>,
  tableNames: string[],
): Promise<Shape> {
  const objects = (await get<{ type: string; name: string; tbl_name: string }>(OBJECTS)).map(
    (o) => `${o.type} ${o.name} on ${o.tbl_name}`,
  );
  const tables: TableShape[] = [];
  for (const name of tableNames) {
    const columns = await get<TableShape['columns'][number]>(COLUMNS, { t: name });
    const wr = (await get<{ wr: number }>(ROWID, { t: name }))[0]?.wr;
    tables.push({ name, withoutRowid: wr === 1, columns });
  }
  return { objects, tables };
}

/** The first difference between what this program builds and what the server has. */
function difference(expected: Shape, actual: Shape): string | undefined {
  const want = new Set(expected.objects);
  const have = new Set(actual.objects);
  const extra = actual.objects.find((o) => !want.has(o));
  if (extra) return `it has ${extra}, which platformctl does not create`;
  const missing = expected.objects.find((o) => !have.has(o));
  if (missing) return `${missing} is missing`;
  for (const [i, t] of expected.tables.entries()) {
    const a = actual.tables[i]!;
    if (JSON.stringify(a) !== JSON.stringify(t)) return `the columns of table ${t.name} differ`;
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
    const localGet = async <T>(sql: string, p?: Record<string, unknown>) =>
      (p ? db.prepare(sql).all(p) : db.prepare(sql).all()) as T[];
    const tableNames = (await localGet<{ name: string }>(TABLES)).map((o) => o.name);
    const expected = await shapeOf(localGet, tableNames);
    const actual = await shapeOf((sql, p) => tx.all(sql, p), tableNames);
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
