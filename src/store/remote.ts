import type { Client, InArgs, InStatement, ResultSet, Transaction } from '@libsql/client';
import { PlatformError } from '../errors.js';
import { storeError } from './errors.js';
import type { StoreTimeouts } from './timeouts.js';
import type { Params, RunResult, Store, Tx } from './types.js';

/** Statements per network round trip when a command writes many rows. */
const BATCH_SIZE = 1000;

const paramNames = new Map<string, string[]>();

/**
 * The named parameters a statement uses, with their prefix, in order. String literals,
 * quoted identifiers and comments are skipped. sqld (unlike better-sqlite3) rejects
 * arguments the statement does not use, so only these are sent.
 */
function namesIn(sql: string): string[] {
  let names = paramNames.get(sql);
  if (names) return names;
  const found = new Set<string>();
  const re =
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\/|([:@$][A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) if (m[1]) found.add(m[1]);
  names = [...found];
  paramNames.set(sql, names);
  return names;
}

/** Binds our parameter objects ({k}) to the names the SQL uses (:k, @k or $k). */
function args(sql: string, p: Params | undefined): InArgs {
  if (p === undefined) return [];
  if (Array.isArray(p)) return p as InArgs;
  const out: Record<string, unknown> = {};
  for (const name of namesIn(sql)) {
    const bare = name.slice(1);
    if (Object.hasOwn(p, name)) out[name] = p[name];
    else if (Object.hasOwn(p, bare)) out[name] = p[bare];
    // A missing value is left out: the server names it in its error, as SQLite would.
  }
  return out as InArgs;
}

function stmt(sql: string, p: Params | undefined): InStatement {
  return { sql, args: args(sql, p) };
}

function toObjects<T>(rs: ResultSet): T[] {
  const { columns } = rs;
  return rs.rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) o[columns[i]!] = row[i];
    return o as T;
  });
}

class RequestTimeout extends Error {}

type Phase = 'connect' | 'statement' | 'commit';

/** The parts of a store URL @libsql/client gets, and the secrets that must never be printed. */
interface Target {
  clientUrl: string;
  basicAuth: string | undefined;
  secrets: string[];
}

function target(url: string, authToken: string | undefined): Target {
  const u = new URL(url);
  const secrets = [authToken, u.searchParams.get('authToken'), u.username, u.password].filter(
    (s): s is string => !!s && s.length >= 3,
  );
  let basicAuth: string | undefined;
  if (u.username || u.password) {
    if (/^wss?:$/i.test(u.protocol)) {
      throw new PlatformError(
        'USAGE',
        'A ws:// or wss:// store URL cannot carry a user name or password; pass the token in PLATFORMCTL_STORE_TOKEN (or the config key storeToken).',
      );
    }
    // sqld's --http-auth takes HTTP basic credentials; undici refuses URLs that carry them.
    basicAuth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    secrets.push(basicAuth);
    u.username = '';
    u.password = '';
  }
  return { clientUrl: u.toString(), basicAuth, secrets };
}

/** The remote engine: a libSQL server (sqld, Turso) through @libsql/client. */
export class RemoteStore implements Store {
  readonly engine = 'libsql' as const;
  readonly displayLocation: string;
  private readonly client: Client;
  private readonly secrets: string[];
  /** Aborts every HTTP request in flight once one has timed out: the command is over. */
  private readonly abort: AbortController;
  private readonly timeoutMs: number;
  private readonly busyMs: number;

  private constructor(
    client: Client,
    display: string,
    secrets: string[],
    abort: AbortController,
    timeouts: StoreTimeouts,
  ) {
    this.client = client;
    this.displayLocation = display;
    this.secrets = secrets;
    this.abort = abort;
    this.timeoutMs = timeouts.requestMs;
    this.busyMs = timeouts.busyMs;
  }

  static async open(
    url: string,
    display: string,
    authToken: string | undefined,
    timeouts: StoreTimeouts,
  ): Promise<RemoteStore> {
    const t = target(url, authToken);
    // The protocol's own entry point: '@libsql/client' itself also loads the native
    // embedded-replica binding, ~60 ms of start-up a remote store never uses.
    const { createClient } = /^wss?:/i.test(t.clientUrl)
      ? await import('@libsql/client/ws')
      : await import('@libsql/client/http');
    const abort = new AbortController();
    const fetchFn = (input: Request | string | URL, init?: RequestInit) => {
      let req = new Request(input, init);
      if (t.basicAuth) {
        const headers = new Headers(req.headers);
        headers.set('Authorization', `Basic ${t.basicAuth}`);
        req = new Request(req, { headers });
      }
      return fetch(req, { signal: abort.signal });
    };
    let client: Client;
    try {
      client = createClient({ url: t.clientUrl, authToken: authToken || undefined, intMode: 'number', fetch: fetchFn });
    } catch (e) {
      const msg = redact(String((e as Error)?.message ?? e), t.secrets);
      throw new PlatformError('USAGE', `The store URL ${display} cannot be used: ${msg.replace(/^[A-Z_]+: /, '')}`);
    }
    return new RemoteStore(client, display, t.secrets, abort, timeouts);
  }

  /** Maps a libSQL client failure to a one-line contract error that names no secret. */
  private fail(e: unknown, phase: Phase): unknown {
    if (e instanceof PlatformError) return e;
    const where = this.displayLocation;
    if (e instanceof RequestTimeout) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} did not answer within ${this.timeoutMs / 1000} s (PLATFORMCTL_STORE_TIMEOUT_MS). ${outcome(phase)}`,
      );
    }
    const err = e as {
      name?: string;
      code?: string;
      message?: string;
      cause?: { name?: string; code?: string; message?: string; status?: number };
    };
    const code = String(err?.code ?? '');
    const cause = err?.cause;
    const status = cause?.status;
    const text = redact(`${err?.message ?? String(e)} ${cause?.message ?? ''} ${cause?.code ?? ''}`, this.secrets);
    if (status === 401 || /HTTP status 401\b/.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `Authentication to the store ${where} failed: the server refused the token. Check PLATFORMCTL_STORE_TOKEN (or the config key storeToken).`,
      );
    }
    if (status === 403 || /HTTP status 403\b/.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} refused the write: the token only allows reading. Nothing was changed.`,
      );
    }
    if (code === 'TRANSACTION_TIMEOUT' || code === 'STREAM_EXPIRED') {
      return new PlatformError(
        'STORE_BUSY',
        `The store ${where} ended this command's transaction because another writer was waiting too long. Nothing was changed; try again.`,
      );
    }
    if (/^SQLITE_/.test(code)) {
      const mapped = storeError({ code, message: text }, where);
      if (mapped instanceof PlatformError) return mapped;
      return e;
    }
    if (typeof status === 'number') {
      return new PlatformError('STORE_UNAVAILABLE', `The store ${where} answered HTTP ${status}. ${outcome(phase)}`);
    }
    if (err?.name === 'TimeoutError') {
      return new PlatformError('STORE_UNAVAILABLE', `The store ${where} did not answer in time. ${outcome(phase)}`);
    }
    if (/SSL|TLS|CERT|certificate|self[- ]signed/i.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The TLS connection to the store ${where} failed (${firstLine(cause?.code || cause?.message || text)}). ${outcome(phase)}`,
      );
    }
    const transport =
      /fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|other side closed|socket|terminated|bad port/i.test(
        text,
      ) ||
      /^HRANA_/.test(code) ||
      code === 'SERVER_ERROR' ||
      ['ClosedError', 'WebSocketError', 'HttpServerError', 'ProtoError', 'AbortError'].includes(String(err?.name)) ||
      ['ClosedError', 'WebSocketError', 'HttpServerError', 'ProtoError', 'SocketError'].includes(String(cause?.name));
    if (transport) {
      const why = firstLine(cause?.code ? `${cause.code}` : (cause?.message ?? err?.message ?? 'connection failed'));
      const verb = phase === 'connect' ? 'is unreachable' : 'stopped answering';
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} ${verb} (${redact(why, this.secrets)}). ${outcome(phase)}`,
      );
    }
    return e;
  }

  /** One request to the server, bounded by the request timeout. */
  private async call<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.abort.abort();
        reject(new RequestTimeout());
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (e) {
      throw this.fail(e, phase);
    } finally {
      clearTimeout(timer);
    }
  }

  private wrap(t: Transaction, conn: { answered: boolean }): Tx {
    const exec = (sql: string, p?: Params) =>
      this.call(conn.answered ? 'statement' : 'connect', async () => {
        const r = await t.execute(stmt(sql, p));
        conn.answered = true;
        return r;
      });
    return {
      get: async <T>(sql: string, p?: Params) => toObjects<T>(await exec(sql, p))[0],
      all: async <T>(sql: string, p?: Params) => toObjects<T>(await exec(sql, p)),
      run: async (sql: string, p?: Params): Promise<RunResult> => {
        const r = await exec(sql, p);
        return { changes: r.rowsAffected, lastInsertRowid: Number(r.lastInsertRowid ?? 0) };
      },
      runMany: async (sql: string, rows: Params[]) => {
        // Chunks of one statement repeated, each chunk one round trip, all inside the
        // command's transaction: a failure in any chunk rolls back every chunk.
        for (let i = 0; i < rows.length; i += BATCH_SIZE) {
          const stmts = rows.slice(i, i + BATCH_SIZE).map((p) => stmt(sql, p));
          await this.call(conn.answered ? 'statement' : 'connect', async () => {
            await t.batch(stmts);
            conn.answered = true;
          });
        }
      },
      exec: (sql: string) =>
        this.call(conn.answered ? 'statement' : 'connect', async () => {
          await t.executeMultiple(sql);
          conn.answered = true;
        }),
    };
  }

  /**
   * One interactive transaction: 'write' is BEGIN IMMEDIATE on the server (the write lock
   * is taken with the first statement), 'read' is BEGIN TRANSACTION READONLY (a snapshot).
   * @libsql/client sends BEGIN in the same request as the first statement, so a write
   * of n statements costs n + 1 round trips (the last one is COMMIT) and a read n.
   * If the server goes away before COMMIT, it never commits: sqld discards an unfinished
   * transaction when its stream dies or the process restarts.
   */
  private async transact<T>(mode: 'read' | 'write', fn: (tx: Tx) => Promise<T>): Promise<T> {
    // STORE_BUSY here always means sqld rolled our transaction back itself (another
    // writer held the lock, or sqld stole ours for a waiting writer after ~5 s):
    // nothing was applied, so the whole transaction runs again after a short random
    // pause, until the busy timeout is spent — as SQLite's busy timeout does locally.
    const deadline = Date.now() + this.busyMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactOnce(mode, fn);
      } catch (e) {
        // A command whose input cannot be read twice (member import) marks its error final.
        if (
          !(e instanceof PlatformError) ||
          e.code !== 'STORE_BUSY' ||
          e.details?.retry === false ||
          Date.now() >= deadline
        )
          throw e;
        const pause = Math.min(200, 10 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, deadline - Date.now()))));
      }
    }
  }

  private async transactOnce<T>(mode: 'read' | 'write', fn: (tx: Tx) => Promise<T>): Promise<T> {
    const t = await this.call('connect', () => this.client.transaction(mode));
    // Until the server has answered once, a failure means it was never reached.
    const conn = { answered: false };
    try {
      const result = await fn(this.wrap(t, conn));
      if (mode === 'read') {
        // A read-only transaction has nothing to commit: closing the stream ends it on
        // the server, and that request goes out without the command waiting for it.
        t.close();
      } else {
        await this.call('commit', () => t.commit());
      }
      return result;
    } catch (e) {
      if (!t.closed && !this.abort.signal.aborted) {
        try {
          await this.call('statement', () => t.rollback());
        } catch {
          /* the server may be gone; it rolls back an unfinished transaction itself */
        }
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
      // The table-valued forms: sqld counts a bare PRAGMA as a write, which a read-only token may not do.
      const rows = await tx.all<Record<string, string>>('SELECT * FROM pragma_integrity_check');
      const fk = await tx.all<{ table: string; rowid: number; parent: string }>(
        'SELECT * FROM pragma_foreign_key_check',
      );
      return [
        ...rows.map((r) => Object.values(r)[0]!).filter((m) => m !== 'ok'),
        ...fk.map((r) => `foreign key: ${r.table} row ${r.rowid} points to a missing ${r.parent}`),
      ];
    });
  }

  /** Copies a consistent snapshot (one read transaction) into a new local SQLite file. */
  async backup(path: string): Promise<void> {
    const { writeSnapshot } = await import('./snapshot.js');
    await this.read((tx) => writeSnapshot(tx, path, this.displayLocation));
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

function outcome(phase: Phase): string {
  return phase === 'commit'
    ? 'The connection was lost while committing: the change may or may not have been applied; check before retrying.'
    : 'Nothing was changed.';
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim().slice(0, 160);
}

/** Removes every secret (token, URL credentials) from a message before it is printed. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) {
    out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('***');
  }
  return out;
}
