import { PlatformError } from '../errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import type { Store, Tx } from './types.js';
import { notInitialised } from './errors.js';

const META = `CREATE TABLE IF NOT EXISTS platformctl_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;

/**
 * SQL true for objects that belong to platformctl, not to the engine or its tooling:
 * SQLite's own (sqlite_*), sqld's (libsql_*) and Litestream's. (LIKE's `_` is a
 * wildcard: escaped.) `col` names the column holding the object's name.
 */
export function notInternal(col = 'name'): string {
  return `${col} NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${col} NOT LIKE 'libsql\\_%' ESCAPE '\\' AND ${col} NOT LIKE '\\_litestream%' ESCAPE '\\'`;
}

/** The schema version a store holds: 0 when it has no tables yet, 'foreign' when they are not ours. */
export async function readVersion(tx: Pick<Tx, 'get'>): Promise<number | 'foreign'> {
  // One round trip for both questions: is this our store, and is it empty?
  const t = await tx.get<{ meta: number; other: number }>(
    `SELECT
       (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'platformctl_meta') AS meta,
       (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND ${notInternal()}) AS other`,
  );
  if (!t?.meta) return t?.other ? 'foreign' : 0;
  const row = await tx.get<{ value: unknown }>(`SELECT value FROM platformctl_meta WHERE key = 'schema_version'`);
  return versionOf(row?.value);
}

/** The schema version a platformctl_meta value holds: 0 when there is none, 'foreign' when it is not one. */
export function versionOf(value: unknown): number | 'foreign' {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'string' && typeof value !== 'number') return 'foreign';
  const v = Number(value);
  // Anything but a whole number is not a version this program wrote.
  return Number.isSafeInteger(v) && v >= 0 && /^[0-9]+$/.test(String(value)) ? v : 'foreign';
}

/** The version, or the refusal of a store that is not ours or newer than this build. */
export function checkVersion(version: number | 'foreign', where: string): number {
  if (version === 'foreign') {
    throw new PlatformError(
      'STORE_CORRUPT',
      `The store ${where} is a SQLite database of another program, not a platformctl store; it was left untouched.`,
    );
  }
  if (version > LATEST_VERSION) {
    throw new PlatformError(
      'SCHEMA_TOO_NEW',
      `The store ${where} has schema version ${version}, newer than this platformctl knows (${LATEST_VERSION}). ` +
        `Upgrade platformctl; the store was left untouched.`,
    );
  }
  return version;
}

/**
 * Brings the store to the latest schema. The version is read first without a write
 * lock; pending migrations then run together in one IMMEDIATE transaction that
 * re-reads the version, so concurrent first runs apply them once.
 */
export async function migrate(store: Store, opts: { create?: boolean } = {}): Promise<{ from: number; to: number }> {
  const where = store.displayLocation;
  const current = checkVersion(await store.read(readVersion), where);
  if (current === LATEST_VERSION) return { from: current, to: current };
  // An empty store gets its schema only from a command that may create one.
  if (current === 0 && opts.create === false) throw notInitialised(where);
  return store.write(async (tx) => {
    const from = checkVersion(await readVersion(tx), where);
    try {
      await tx.exec(META);
      for (const sql of MIGRATIONS.slice(from)) await tx.exec(sql);
      await tx.run(
        `INSERT INTO platformctl_meta (key, value) VALUES ('schema_version', :v) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        { v: String(LATEST_VERSION) },
      );
    } catch (e) {
      if (e instanceof PlatformError) throw e;
      throw new PlatformError(
        'STORE_CORRUPT',
        `Migrating the store ${where} from schema ${from} to ${LATEST_VERSION} failed: ${(e as Error).message}. Nothing was changed.`,
      );
    }
    return { from, to: LATEST_VERSION };
  });
}

/**
 * This program's own statements that build schema version `version` on an empty
 * database (a remote backup builds its file from these, never from the server's SQL).
 */
export function schemaScript(version: number): string[] {
  return [META, ...MIGRATIONS.slice(0, version)];
}

/** The schema version a store holds (0 for an empty store). */
export async function schemaVersion(store: Store): Promise<number> {
  return checkVersion(await store.read(readVersion), store.displayLocation);
}

/** Creates the store or migrates it to the latest schema. */
export async function initStore(store: Store) {
  const r = await migrate(store);
  return {
    engine: store.engine,
    store: store.displayLocation,
    schemaVersion: r.to,
    migratedFrom: r.from === r.to ? null : r.from,
  };
}
