import { PlatformError } from '../errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import type { Store, Tx } from './types.js';

const META = `CREATE TABLE IF NOT EXISTS platformctl_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;

async function readVersion(tx: Tx): Promise<number | 'foreign'> {
  // One round trip for both questions: is this our store, and is it empty?
  const t = await tx.get<{ meta: number; other: number }>(
    `SELECT
       (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'platformctl_meta') AS meta,
       (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' AND name NOT LIKE 'libsql_%') AS other`,
  );
  if (!t?.meta) return t?.other ? 'foreign' : 0;
  const row = await tx.get<{ value: string }>(`SELECT value FROM platformctl_meta WHERE key = 'schema_version'`);
  return row ? Number(row.value) : 0;
}

function check(version: number | 'foreign', where: string): number {
  if (version === 'foreign') {
    throw new PlatformError(
      'STORE_CORRUPT',
      `${where} is a SQLite database but not a platformctl store; refusing to touch it.`,
    );
  }
  if (version > LATEST_VERSION) {
    throw new PlatformError(
      'SCHEMA_TOO_NEW',
      `The store ${where} has schema version ${version}, newer than this platformctl knows (${LATEST_VERSION}). Upgrade platformctl; the store was left untouched.`,
    );
  }
  return version;
}

/**
 * Brings the store to the latest schema. The version is read first without a write
 * lock; pending migrations then run together in one IMMEDIATE transaction that
 * re-reads the version, so concurrent first runs apply them once.
 */
export async function migrate(store: Store): Promise<{ from: number; to: number }> {
  const where = store.displayLocation;
  const current = check(await store.read(readVersion), where);
  if (current === LATEST_VERSION) return { from: current, to: current };
  return store.write(async (tx) => {
    const from = check(await readVersion(tx), where);
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

/** The schema version a store holds (0 for an empty store). */
export async function schemaVersion(store: Store): Promise<number> {
  return check(await store.read(readVersion), store.displayLocation);
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
