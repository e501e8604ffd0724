import { closeSync, mkdirSync, openSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Params, RunResult, Store, Tx } from './types.js';
import { storeError } from './errors.js';
import type { StoreTimeouts } from './timeouts.js';
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
      get: async <T>(sql: string, p?: Params) => prepare(sql).get(...asArgs(p)) as T | undefined,
      all: async <T>(sql: string, p?: Params) => prepare(sql).all(...asArgs(p)) as T[],
      run: async (sql: string, p?: Params): Promise<RunResult> => {
        const r = prepare(sql).run(...asArgs(p));
        return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
      },
      runMany: async (sql: string, rows: Params[]) => {
        const s = prepare(sql);
        for (const row of rows) s.run(row);
      },
      exec: async (sql: string) => {
        this.db.exec(sql);
      },
    };
  }

  /** Opens (creating with mode 0600, and its directory, if missing) a local store file. */
  static async open(path: string, timeouts: StoreTimeouts): Promise<LocalStore> {
    const Database = (await import('better-sqlite3')).default;
    try {
      if (!existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        // Create the file ourselves so it is 0600 from the first byte; SQLite gives
        // the -wal and -shm files the same mode.
        closeSync(openSync(path, 'wx', 0o600));
      }
      const db = new Database(path, { timeout: timeouts.busyMs });
      // Account data must survive power loss: WAL with a full fsync on commit.
      await withBusyRetry(timeouts.busyMs, () => db.pragma('journal_mode = WAL'));
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      return new LocalStore(db, path, timeouts.busyMs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return LocalStore.open(path, timeouts);
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

  private async transact<T>(begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      if (begin === 'BEGIN IMMEDIATE') await this.beginImmediate();
      else this.db.exec(begin);
    } catch (e) {
      throw storeError(e, this.displayLocation);
    }
    try {
      const result = await fn(this.tx);
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
    return this.transact('BEGIN DEFERRED', fn);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transact('BEGIN IMMEDIATE', fn);
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
    if (existsSync(path))
      throw new PlatformError('ALREADY_EXISTS', `${path} already exists; choose a new file for the backup.`);
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'wx', 0o600));
      await this.db.backup(path);
    } catch (e) {
      throw storeError(e, path);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
