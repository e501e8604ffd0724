import type { Client, InArgs, InStatement, Transaction } from '@libsql/client';
import { PlatformError } from '../domain/errors.js';
import { storeError } from './errors.js';
import type { Params, RunResult, Store, Tx } from './types.js';

/** Statements per network round trip when a command writes many rows. */
const BATCH_SIZE = 1000;

/**
 * sqld answers these when it has rolled the transaction back itself: another writer
 * held the lock (SQLITE_BUSY), or it stole our write lock for a waiting connection
 * after its transaction timeout (TRANSACTION_TIMEOUT). Nothing of ours was applied,
 * so the whole transaction can run again.
 */
function rolledBackByServer(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? '');
  return code === 'TRANSACTION_TIMEOUT' || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED';
}

/** A server-side rollback, carried up to transact() so it can retry within the busy timeout. */
class Retryable extends Error {
  constructor(readonly original: unknown) {
    super('retryable store failure');
  }
}

function retryTimeoutMs(): number {
  const v = Number(process.env.PLATFORMCTL_BUSY_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 10_000;
}

function args(p: Params | undefined): InArgs | undefined {
  if (p === undefined) return undefined;
  if (Array.isArray(p)) return p as InArgs;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[/^[:@$]/.test(k) ? k : `:${k}`] = v;
  return out as InArgs;
}

function toObjects<T>(rs: { columns: string[]; rows: ArrayLike<unknown>[] }): T[] {
  const { columns } = rs;
  return rs.rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) o[columns[i]!] = row[i];
    return o as T;
  });
}

/** Maps a libSQL client failure to a one-line contract error without leaking the token. */
export function remoteError(e: unknown, where: string): unknown {
  if (e instanceof PlatformError) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const msg = String(err?.message ?? e);
  const cause = err?.cause?.code ?? '';
  if (/\b401\b|unauthori[sz]ed|authentication|jwt|auth token/i.test(msg)) {
    return new PlatformError('STORE_UNAVAILABLE', `Authentication to the store ${where} failed: check PLATFORMCTL_STORE_TOKEN (or the config key storeToken).`);
  }
  if (/\b403\b|forbidden|read[- ]?only|not allowed|permission/i.test(msg) && !/SQLITE_CONSTRAINT/.test(msg)) {
    return new PlatformError('STORE_UNAVAILABLE', `The store ${where} refused the write: the token only allows reading. Nothing was changed.`);
  }
  const mapped = storeError(e, where);
  if (mapped !== e) return mapped;
  if (/fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|socket|network|other side closed|terminated|timeout|TLS|certificate|SSL|stream/i.test(msg + ' ' + cause) || err?.code === 'HRANA_WEBSOCKET_ERROR' || err?.code === 'SERVER_ERROR') {
    return new PlatformError('STORE_UNAVAILABLE', `The store ${where} is unreachable (${(cause || msg).split('\n')[0]!.slice(0, 200)}). Nothing was changed.`);
  }
  return e;
}

/** The remote engine: a libSQL server (sqld, Turso) through @libsql/client. */
export class RemoteStore implements Store {
  readonly engine = 'libsql' as const;
  readonly displayLocation: string;
  private readonly client: Client;

  private constructor(client: Client, display: string) {
    this.client = client;
    this.displayLocation = display;
  }

  static async open(url: string, display: string, authToken?: string): Promise<RemoteStore> {
    const { createClient } = await import('@libsql/client');
    try {
      const client = createClient({ url, authToken, intMode: 'number' });
      return new RemoteStore(client, display);
    } catch (e) {
      throw remoteError(e, display);
    }
  }

  private wrap(t: Transaction): Tx {
    const where = this.displayLocation;
    const exec = async (sql: string, p?: Params) => {
      try {
        return await t.execute({ sql, args: args(p) } as InStatement);
      } catch (e) {
        if (rolledBackByServer(e)) throw new Retryable(e);
        throw remoteError(e, where);
      }
    };
    return {
      get: async <T>(sql: string, p?: Params) => toObjects<T>(await exec(sql, p))[0],
      all: async <T>(sql: string, p?: Params) => toObjects<T>(await exec(sql, p)),
      run: async (sql: string, p?: Params): Promise<RunResult> => {
        const r = await exec(sql, p);
        return { changes: r.rowsAffected, lastInsertRowid: Number(r.lastInsertRowid ?? 0) };
      },
      runMany: async (sql: string, rows: Params[]) => {
        for (let i = 0; i < rows.length; i += BATCH_SIZE) {
          const stmts = rows.slice(i, i + BATCH_SIZE).map((p) => ({ sql, args: args(p) }) as InStatement);
          try {
            await t.batch(stmts);
          } catch (e) {
            if (rolledBackByServer(e)) throw new Retryable(e);
            throw remoteError(e, where);
          }
        }
      },
      exec: async (sql: string) => {
        try {
          await t.executeMultiple(sql);
        } catch (e) {
          throw remoteError(e, where);
        }
      },
    };
  }

  /**
   * Runs fn in one transaction. When sqld rolls it back for lock contention (see
   * rolledBackByServer) it runs again after a short random pause, until the busy
   * timeout (PLATFORMCTL_BUSY_TIMEOUT_MS, as on the local engine) is spent; then
   * STORE_BUSY. fn must only touch the store, which every domain function does.
   */
  private async transact<T>(mode: 'read' | 'write', fn: (tx: Tx) => Promise<T>): Promise<T> {
    const deadline = Date.now() + retryTimeoutMs();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactOnce(mode, fn);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (Date.now() >= deadline) {
          throw new PlatformError('STORE_BUSY', `The store ${this.displayLocation} is busy: other writers held it longer than the busy timeout. Try again.`);
        }
        const pause = Math.min(200, 10 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
      }
    }
  }

  private async transactOnce<T>(mode: 'read' | 'write', fn: (tx: Tx) => Promise<T>): Promise<T> {
    let t: Transaction;
    try {
      t = await this.client.transaction(mode);
    } catch (e) {
      throw remoteError(e, this.displayLocation);
    }
    try {
      const result = await fn(this.wrap(t));
      try {
        await t.commit();
      } catch (e) {
        // A commit the server refused as timed out or busy was rolled back there.
        if (rolledBackByServer(e)) throw new Retryable(e);
        throw remoteError(e, this.displayLocation);
      }
      return result;
    } catch (e) {
      try {
        if (!t.closed) await t.rollback();
      } catch {
        /* the server may be gone; it rolls back an unfinished transaction itself */
      }
      throw e;
    } finally {
      t.close();
    }
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transact('read', fn);
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transact('write', fn);
  }

  async integrityCheck(): Promise<string[]> {
    return this.read(async (tx) => {
      const rows = await tx.all<Record<string, string>>('PRAGMA integrity_check');
      const fk = await tx.all<{ table: string; rowid: number; parent: string }>('PRAGMA foreign_key_check');
      return [
        ...rows.map((r) => Object.values(r)[0]!).filter((m) => m !== 'ok'),
        ...fk.map((r) => `foreign key: ${r.table} row ${r.rowid} points to a missing ${r.parent}`),
      ];
    });
  }

  /** Copies a consistent snapshot (one read transaction) into a new local SQLite file. */
  async backup(path: string): Promise<void> {
    const { writeSnapshot } = await import('./snapshot.js');
    await this.read((tx) => writeSnapshot(tx, path));
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
