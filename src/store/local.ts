import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { Params, RunResult, Store, Tx } from './types.js';
import { noStore, notInitialised, storeError } from './errors.js';
import type { StoreTimeouts } from './timeouts.js';
import { APPLICATION_ID, headerFacts, inspectStorePath, reason, type PathState } from './local-path.js';
import { createBackupFile, discardBackupFile, stillOurs } from './backup-file.js';
import { checkVersion, readVersion } from './migrate.js';
import { PlatformError } from '../errors.js';

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/**
 * Switching a brand-new file to WAL needs it to itself; SQLite can answer SQLITE_BUSY
 * at once (without its busy handler) while another process is doing the same on first
 * use. Such a step is retried until the busy timeout is spent.
 */
async function withBusyRetry<T>(busyMs: number, step: () => T): Promise<T> {
  const deadline = Date.now() + busyMs;
  for (;;) {
    try {
      return step();
    } catch (e) {
      if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
    }
  }
}

export interface LocalOpenOptions {
  /** Create the file if it is missing, and accept an empty one (default true; the Context decides). */
  create?: boolean;
  /** Write platformctl's application id into the header of a verified store (default true; off for a look that must not write). */
  stamp?: boolean;
  /** What to tell a user whose store is missing (after "There is no store at PATH."). */
  missingHint?: string;
}

/**
 * A WAL-mode file with no -wal beside it is complete on its own; it is read from a copy
 * in memory, because a read-only SQLite connection would create -wal and -shm files
 * beside a foreign database. Above this size the read-only connection is used anyway.
 */
const IN_MEMORY_LIMIT = 256 * 1024 * 1024;

type DatabaseClass = typeof BetterSqlite3;

/** Creates a missing store file, 0600, and its directory, 0700; someone else creating it first is fine. */
function createStoreFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR' ? 'a part of the path exists but is not a directory' : reason(e);
    throw new PlatformError('STORE_UNAVAILABLE', `The store ${path} cannot be created: ${why}.`);
  }
  try {
    // O_EXCL never follows a final symlink: a link that appeared meanwhile is looked at again, not written through.
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new PlatformError('STORE_UNAVAILABLE', `The store ${path} cannot be created: ${reason(e)}.`);
  }
}

/**
 * Decides, without writing a byte, whether a file may be opened read-write: 'ours' (a
 * platformctl store at a version this build knows) or 'empty' (a new or table-less
 * file). A foreign, corrupt or too-new file is refused here.
 */
async function verify(
  Database: DatabaseClass,
  path: string,
  found: Extract<PathState, { state: 'file' }>,
  facts: ReturnType<typeof headerFacts>,
): Promise<'ours' | 'empty'> {
  if (found.size === 0) return 'empty';
  if (!facts.sqlite) {
    throw new PlatformError(
      'STORE_CORRUPT',
      `The store ${path} is not a readable SQLite database (file is not a database).`,
    );
  }
  // Only platformctl writes its application id; the version is checked when the store is migrated or read.
  if (facts.applicationId === APPLICATION_ID) return 'ours';
  let probe: Database | undefined;
  try {
    if (facts.wal && !existsSync(`${found.real}-wal`) && found.size <= IN_MEMORY_LIMIT) {
      const copy = readFileSync(found.real);
      // The copy is read as a rollback-journal database: in memory there is no WAL.
      copy[18] = 1;
      copy[19] = 1;
      probe = new Database(copy, { readonly: true });
    } else {
      probe = new Database(found.real, { readonly: true, fileMustExist: true });
    }
    const db = probe;
    const version = checkVersion(await readVersion({ get: async (sql) => db.prepare(sql).get() as never }), path);
    return version === 0 ? 'empty' : 'ours';
  } catch (e) {
    if (String((e as { code?: string }).code) === 'SQLITE_READONLY_ROLLBACK') {
      throw new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${path} has an unfinished transaction of a crashed writer (${path}-journal); ` +
          `platformctl does not recover a file before it knows it is a store. ` +
          `Open it once with the program that wrote it.`,
      );
    }
    throw storeError(e, path);
  } finally {
    if (probe?.open) probe.close();
  }
}

/**
 * Marks a verified store as platformctl's in the SQLite header, so later opens know it
 * from its first 100 bytes. Best effort, without waiting: a busy or read-only store is
 * simply verified the long way next time.
 */
function stamp(db: Database, busyMs: number): void {
  try {
    db.pragma('busy_timeout = 0');
    db.pragma(`application_id = ${APPLICATION_ID}`);
  } catch (e) {
    const code = String((e as { code?: string }).code ?? '');
    if (!/^SQLITE_(BUSY|LOCKED|READONLY)/.test(code)) throw e;
  } finally {
    db.pragma(`busy_timeout = ${busyMs}`);
  }
}

/** better-sqlite3 takes a statement's parameters as arguments: none, or the one object/array. */
function asArgs(params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  return [params];
}

/** The embedded engine: one SQLite file through better-sqlite3 (synchronous underneath). */
export class LocalStore implements Store {
  readonly engine = 'local' as const;
  readonly displayLocation: string;
  private readonly db: Database;
  private readonly statements = new Map<string, Statement>();
  private readonly tx: Tx;
  private readonly readTx: Tx;
  private readonly busyMs: number;

  private constructor(db: Database, path: string, busyMs: number) {
    this.db = db;
    this.busyMs = busyMs;
    this.displayLocation = path;
    const prepare = (sql: string) => {
      let s = this.statements.get(sql);
      if (!s) {
        s = this.db.prepare(sql);
        this.statements.set(sql, s);
      }
      return s;
    };
    this.tx = {
      jsonEach: 'jsonb_each',
      get: async <T>(sql: string, p?: Params) => prepare(sql).get(...asArgs(p)) as T | undefined,
      all: async <T>(sql: string, p?: Params) => prepare(sql).all(...asArgs(p)) as T[],
      run: async (sql: string, p?: Params): Promise<RunResult> => {
        const r = prepare(sql).run(...asArgs(p));
        return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
      },
      defer: (sql: string, p?: Params) => {
        prepare(sql).run(...asArgs(p));
      },
      runMany: async (sql: string, rows: Params[]) => {
        const s = prepare(sql);
        for (const row of rows) s.run(row);
      },
      exec: async (sql: string) => {
        this.db.exec(sql);
      },
    };
    this.readTx = {
      ...this.tx,
      defer: () => {
        throw new Error('defer() is for write transactions only');
      },
    };
  }

  /**
   * Opens a local store file. The path is looked at first (a symlink is followed only to
   * an existing regular file; directories, FIFOs, devices, sockets, dangling links and
   * loops are refused) and the file verified without writing (header, then a read-only
   * look at its tables): only a platformctl store, or a new or empty file when `create`
   * allows it, is then opened read-write and switched to WAL. A missing file is created
   * with mode 0600 (and its directory 0700) only when `create` is set.
   */
  static async open(path: string, timeouts: StoreTimeouts, opts: LocalOpenOptions = {}): Promise<LocalStore> {
    const create = opts.create ?? true;
    // A CommonJS package: required, not imported (no ESM wrapper and export scan: ~3 ms).
    const Database = createRequire(import.meta.url)('better-sqlite3') as DatabaseClass;
    let found = inspectStorePath(path);
    if (found.state === 'missing') {
      if (!create) throw noStore(path, opts.missingHint);
      createStoreFile(path);
      found = inspectStorePath(path);
      if (found.state === 'missing') {
        throw new PlatformError('STORE_UNAVAILABLE', `The store ${path} disappeared while it was being created.`);
      }
    }
    const facts = headerFacts(found.header);
    const state = await verify(Database, path, found, facts);
    if (state === 'empty' && !create) throw notInitialised(path);
    let db: Database | undefined;
    try {
      // fileMustExist: SQLite never creates a file here; the path was checked above.
      db = new Database(found.real, { timeout: timeouts.busyMs, fileMustExist: true });
      if (opts.stamp !== false && facts.applicationId !== APPLICATION_ID) stamp(db, timeouts.busyMs);
      const open = db;
      // Account data must survive power loss: WAL with a full fsync on commit.
      await withBusyRetry(timeouts.busyMs, () => open.pragma('journal_mode = WAL'));
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      return new LocalStore(db, path, timeouts.busyMs);
    } catch (e) {
      if (db?.open) db.close();
      throw storeError(e, path);
    }
  }

  /**
   * Takes the write lock by retrying BEGIN IMMEDIATE every few milliseconds until the
   * busy timeout is spent. SQLite's own busy handler sleeps up to 100 ms between tries,
   * so a writer waiting on a bulk import (which commits in short chunks with pauses of a
   * few tens of ms, docs/bulk.md) could sleep through every pause; retrying this often,
   * it takes the lock in the first pause instead.
   */
  private async beginImmediate(): Promise<void> {
    const deadline = Date.now() + this.busyMs;
    this.db.pragma('busy_timeout = 0');
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          this.db.exec('BEGIN IMMEDIATE');
          return;
        } catch (e) {
          const code = String((e as { code?: string }).code ?? '');
          if (!code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
          const pause = Math.min(2 + attempt / 4, 8) * (0.5 + Math.random());
          await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(1, deadline - Date.now()))));
        }
      }
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyMs}`);
    }
  }

  private async transact<T>(begin: string, tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      if (begin === 'BEGIN IMMEDIATE') await this.beginImmediate();
      else this.db.exec(begin);
    } catch (e) {
      throw storeError(e, this.displayLocation);
    }
    try {
      const result = await fn(tx);
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.inTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          /* the original error matters more */
        }
      }
      throw storeError(e, this.displayLocation);
    }
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transact('BEGIN DEFERRED', this.readTx, fn);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transact('BEGIN IMMEDIATE', this.tx, fn);
  }

  async identity(): Promise<string | undefined> {
    try {
      const row = this.db.prepare(`SELECT value FROM platformctl_meta WHERE key = 'store_id'`).get() as
        { value: unknown } | undefined;
      return typeof row?.value === 'string' && row.value !== '' ? row.value : undefined;
    } catch (e) {
      // A store not initialised yet has no platformctl_meta, and so no identity.
      if (/no such table/i.test(String((e as Error).message))) return undefined;
      throw storeError(e, this.displayLocation);
    }
  }

  async integrityCheck(): Promise<string[]> {
    try {
      const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
      const fk = this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
      return [
        ...rows.map((r) => r.integrity_check).filter((m) => m !== 'ok'),
        ...fk.map((r) => `foreign key: ${r.table} row ${r.rowid} points to a missing ${r.parent}`),
      ];
    } catch (e) {
      throw storeError(e, this.displayLocation);
    }
  }

  async backup(path: string): Promise<void> {
    const file = createBackupFile(path);
    try {
      await this.db.backup(path);
      // SQLite opened the path itself: make sure it wrote the file this command created.
      if (!stillOurs(file)) {
        throw new PlatformError('CONFLICT', `${path} was replaced while the backup was written; it was left as found.`);
      }
    } catch (e) {
      discardBackupFile(file);
      throw storeError(e, path);
    }
  }

  async longWriteAdvice(): Promise<string | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
