import type { Client, InArgs, InStatement, ResultSet, Transaction } from '@libsql/client';
import { PlatformError } from '../errors.js';
import { notInitialised, storeError } from './errors.js';
import { checkVersion, migrate, readVersion, versionOf } from './migrate.js';
import { LATEST_VERSION } from './migrations/index.js';
import type { StoreTimeouts } from './timeouts.js';
import type { Params, RunResult, Store, Tx } from './types.js';
import type { OutgoingRequest } from './http-transport.js';
import type * as LibsqlHttp from './libsql-http.js';

/** Statements per network round trip when a command writes many rows. */
const BATCH_SIZE = 1000;

/**
 * The largest value bound to a statement. sqld refuses a value over 5 MB (its
 * max_row_size); a replica forwarding such a write loses it without an error, so
 * nothing that size is ever sent.
 */
const MAX_VALUE_BYTES = 5 * 1024 * 1024 - 1024;

/** How long a read pinned to this caller's last write waits for a replica to catch up. */
const DEFAULT_REPLICA_WAIT_MS = 2000;

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

function checkSize(v: unknown): unknown {
  const bytes =
    typeof v === 'string'
      ? v.length > MAX_VALUE_BYTES / 3
        ? Buffer.byteLength(v)
        : 0
      : v instanceof Uint8Array || v instanceof ArrayBuffer
        ? v.byteLength
        : 0;
  if (bytes > MAX_VALUE_BYTES) {
    throw new PlatformError(
      'INVALID_INPUT',
      `A value of ${(bytes / 1024 / 1024).toFixed(1)} MB is larger than a remote store accepts (5 MB); nothing was sent.`,
    );
  }
  return v;
}

/** Binds our parameter objects ({k}) to the names the SQL uses (:k, @k or $k). */
function args(sql: string, p: Params | undefined): InArgs {
  if (p === undefined) return [];
  if (Array.isArray(p)) return p.map(checkSize) as InArgs;
  const out: Record<string, unknown> = {};
  for (const name of namesIn(sql)) {
    const bare = name.slice(1);
    if (Object.hasOwn(p, name)) out[name] = checkSize(p[name]);
    else if (Object.hasOwn(p, bare)) out[name] = checkSize(p[bare]);
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

/** One request went past its own deadline (PLATFORMCTL_STORE_TIMEOUT_MS). */
class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'RequestTimeout';
  }
}

/** A read pinned to this caller's last write waited PLATFORMCTL_REPLICA_WAIT_MS for a replica. */
class PinWaitOver extends Error {}

/** A pinned read gave up waiting: the caller reads through the primary instead (RemoteStore.read). */
class ReplicaBehind extends Error {
  constructor(readonly waitedMs: number) {
    super(`the store has not caught up with the last change after ${waitedMs} ms`);
    this.name = 'ReplicaBehind';
  }
}

/**
 * The store turned out to be another one than the caller expected, and the caller's
 * credential changed with it: a read that was already under way runs again.
 */
class IdentityChanged extends Error {}

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

/**
 * Read-your-writes across commands. sqld answers every request with the replication
 * index (the log frame) it reflects, and a replica asked for an index first waits until
 * it has applied it. @libsql/client neither reads nor sends that field, so the fetch
 * below does: the highest index seen is remembered (by the caller, per store identity,
 * between commands) and reads carry it.
 */
export interface Replication {
  /** The highest replication index seen on this store ('' or '0' when none). */
  index: string;
  /**
   * The index the endpoint that serves reads is known to have reached (it answered a read
   * at it). Reads are pinned only above it: once one pinned read is answered, the later
   * reads of the command need no wait, and a long read (a big `store check`) is never taken
   * for a replica that has not caught up.
   */
  confirmed?: string;
  /**
   * The endpoint was found behind `index` (a pinned read gave up waiting, in this command
   * or an earlier one): a later command waits for it only briefly (RECHECK_MS), and says
   * again that its answer may be stale while it is behind. Cleared by an answer at `index`.
   */
  stale: boolean;
  /** This command gave up waiting once and said so: its later reads are not pinned. */
  warned?: boolean;
  /**
   * This command found the reading endpoint behind the caller's last change and read
   * through the primary instead (RemoteStore.read): its later reads go there at once.
   */
  viaPrimary?: boolean;
  /** The primary did not answer such a read in this command: reads are the endpoint's own, maybe stale. */
  primaryDown?: boolean;
  /** While reads run through the primary: their bound, and whether every answer reached `index`. */
  primaryRead?: { limitMs: number; reached: boolean };
}

/** Options of a remote store beyond its location: what openStore and the Context decide. */
export interface RemoteOptions {
  /** What the first request of the command checks: openStore's create and migrate decisions. */
  gate?: { create: boolean; migrate: boolean } | undefined;
  /**
   * The identity the caller expects (a cache by location); once the store's own is read,
   * `identified` is told it and answers whether the caller's credential changed with it.
   */
  expectedId?: string | undefined;
  identified?: ((id: string | undefined) => boolean) | undefined;
  /** The highest replication index this caller saw on this store before. */
  replicationIndex?: string | undefined;
  /** The endpoint was behind that index when last read (see Replication.stale). */
  replicationBehind?: boolean | undefined;
  /** How long a pinned read waits for a replica (PLATFORMCTL_REPLICA_WAIT_MS). */
  replicaWaitMs?: number | undefined;
  /** A read was answered by an endpoint still behind the caller's last change after `waitedMs`. */
  onStale?: ((waitedMs: number) => void) | undefined;
}

const META_SQL = `SELECT (SELECT value FROM platformctl_meta WHERE key = 'schema_version') AS version,
  (SELECT value FROM platformctl_meta WHERE key = 'store_id') AS id`;

interface Meta {
  version: number | 'foreign';
  id: string | undefined;
}

function metaOf(rs: ResultSet | undefined): Meta {
  const row = rs?.rows[0];
  return metaFrom(row?.[0], row?.[1]);
}

/** META_SQL's two values as a Meta. */
function metaFrom(version: unknown, id: unknown): Meta {
  return { version: versionOf(version), id: typeof id === 'string' && id !== '' ? id : undefined };
}

const INDEX_KEY = Buffer.from('"replication_index":"');

/**
 * The highest replication index in a Hrana JSON answer (`"replication_index":"<digits>"`),
 * or undefined. Read from the bytes: decoding a long page into a string only for this
 * would cost a copy of it (http-transport.ts, Response.json).
 */
function highestIndex(bytes: Buffer): bigint | undefined {
  let max: bigint | undefined;
  for (let at = bytes.indexOf(INDEX_KEY); at >= 0; at = bytes.indexOf(INDEX_KEY, at + 1)) {
    const from = at + INDEX_KEY.length;
    let end = from;
    while (end < bytes.length && bytes[end]! >= 0x30 && bytes[end]! <= 0x39) end++;
    if (end === from || bytes[end] !== 0x22) continue;
    const v = BigInt(bytes.toString('latin1', from, end));
    if (max === undefined || v > max) max = v;
  }
  return max;
}

/** The request body with every execute and batch asking for at least this replication index. */
function pinned(body: string, index: string): string {
  const j = JSON.parse(body) as { requests?: { type: string; stmt?: object; batch?: object }[] };
  for (const r of j.requests ?? []) {
    if (r.type === 'execute' && r.stmt) Object.assign(r.stmt, { replication_index: index });
    if (r.type === 'batch' && r.batch) Object.assign(r.batch, { replication_index: index });
  }
  return JSON.stringify(j);
}

type Lib = typeof LibsqlHttp;

/**
 * The one fetch of both clients: basic auth from the URL, no compression (sqld gzips in
 * ~64-byte chunks that cost seconds of CPU per MB to decode), replication indexes seen
 * and (reads only) sent, error bodies kept. Every HTTP request has a deadline of its own
 * (`timeoutMs`) and its own AbortSignal: one that times out is aborted alone, and no
 * request leaves a listener on anything that outlives it. It goes over node:http
 * (http-transport.ts), not Node's fetch.
 */
function hranaFetch(
  lib: Lib,
  transport: InstanceType<Lib['Transport']>,
  o: {
    basicAuth: string | undefined;
    /** The store's own origin: every request goes there, whatever `base_url` a server answers. */
    origin: string;
    timeoutMs: number;
    replication: Replication;
    pin: boolean;
    waitMs: number;
    onStale: ((waitedMs: number) => void) | undefined;
    /** A pinned read that gives up waiting throws ReplicaBehind (read through the primary then) instead of asking again unpinned. */
    behindThrows: boolean;
    /** Reads that need not reach the caller's last change (the schema and identity check): never pinned. */
    anyIndex?: boolean;
  },
) {
  return async (input: OutgoingRequest | string | URL): Promise<InstanceType<Lib['Response']>> => {
    const req: OutgoingRequest =
      typeof input === 'string' || input instanceof URL ? new lib.Request(String(input)) : input;
    // Hrana lets a server name another `base_url` for the rest of a stream; the client would
    // follow it with the store token, to any host and from https to http: refused.
    if (new URL(req.url).origin !== o.origin) throw new ForeignRedirect(new URL(req.url).origin);
    const headers = new lib.Headers();
    req.headers.forEach((v, k) => headers.set(k, v));
    if (o.basicAuth) headers.set('authorization', `Basic ${o.basicAuth}`);
    headers.set('accept-encoding', 'identity');
    const body = req.method === 'POST' ? await req.text() : undefined;
    /** One HTTP exchange, aborted (alone) with `reason` once `ms` have passed. */
    const send = async (b: string | undefined, ms: number, reason: Error) => {
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(reason), ms);
      try {
        return await transport.send(
          { url: req.url, method: req.method, headers, text: async () => b ?? '' },
          b,
          deadline.signal,
        );
      } finally {
        clearTimeout(timer);
      }
    };
    const rep = o.replication;
    let res: InstanceType<Lib['Response']>;
    let fellBack = false;
    const above = (a: string, b: string | undefined) => b === undefined || b === '' || BigInt(a) > BigInt(b);
    // A read carries the caller's last change (the index) until this command has given up
    // waiting for it once; an endpoint found behind by an earlier command is waited for
    // briefly (replication lag), not the whole PLATFORMCTL_REPLICA_WAIT_MS again.
    const pinnable = o.pin && !o.anyIndex && body !== undefined && rep.index !== '' && rep.index !== '0';
    let waitMs = Math.min(rep.stale ? Math.min(o.waitMs, RECHECK_MS) : o.waitMs, o.timeoutMs);
    // A read through the primary (RemoteStore.readThroughPrimary) is bounded by its own limit.
    const primaryRead = o.pin ? undefined : rep.primaryRead;
    const limitMs = primaryRead ? Math.min(o.timeoutMs, primaryRead.limitMs) : o.timeoutMs;
    if (pinnable && !rep.warned && above(rep.index, rep.confirmed)) {
      if (rep.primaryDown) {
        // This command already waited once and found the primary silent: no second wait.
        fellBack = true;
        res = await send(body, o.timeoutMs, new RequestTimeout(o.timeoutMs));
      } else {
        // A replica waits, without a limit of its own, until it has the index: bounded here.
        const over = waitMs < o.timeoutMs ? new PinWaitOver() : new RequestTimeout(o.timeoutMs);
        try {
          res = await send(pinned(body, rep.index), waitMs, over);
        } catch (e) {
          if (!(e instanceof PinWaitOver)) throw e;
          // No answer within the wait: read through the primary (the caller does), or asked
          // again without the pin. Whether that was stale is known from its answer's index
          // (a short wait can end before any request could come back, even from a primary
          // that has everything).
          if (o.behindThrows) throw new ReplicaBehind(waitMs);
          fellBack = true;
          res = await send(body, o.timeoutMs, new RequestTimeout(o.timeoutMs));
        }
      }
    } else {
      waitMs = 0;
      res = await send(body, limitMs, new RequestTimeout(limitMs));
    }
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('application/json')) return res;
    if (!res.ok) {
      const text = await res.text();
      // sqld explains refusals as {"error": "..."}, which the client would drop: kept as text.
      try {
        const j = JSON.parse(text) as { error?: unknown; message?: unknown };
        if (typeof j.message !== 'string' && typeof j.error === 'string') {
          return new lib.Response(j.error, {
            status: res.status,
            statusText: res.statusText,
            headers: { 'content-type': 'text/plain' },
          });
        }
      } catch {
        /* not JSON after all: left as it is */
      }
      return res;
    }
    const seen = highestIndex(await res.bytes());
    const reached = seen !== undefined && rep.index !== '' && seen >= BigInt(rep.index);
    if (primaryRead) {
      // An answer of a read through the primary: fresh only at the caller's last change (below
      // it, the primary numbers its log anew, or it was not the primary that answered).
      if (seen !== undefined && !reached) primaryRead.reached = false;
      return res;
    }
    if (fellBack && !reached) {
      // The replica has not caught up with this caller's last change (its primary may be
      // down): answered from what it has, and said to be possibly stale, once a command;
      // the later reads of the command are not held up again.
      rep.stale = true;
      if (!rep.warned) o.onStale?.(waitMs);
      rep.warned = true;
    }
    if (reached) rep.stale = false;
    if (seen !== undefined) {
      // Reads never lower it: the caller's last change is still what a later read must
      // reach. A write's answer is the primary's own index: lower only when the primary
      // numbers its log anew (restarted after a crash), which it then is.
      if (rep.index === '' || seen > BigInt(rep.index) || (!o.pin && seen < BigInt(rep.index))) {
        rep.index = seen.toString();
        // A write: the next read is pinned to it again, even in this command (and may go
        // through the primary again when it waits in vain).
        if (!o.pin) rep.stale = rep.warned = rep.primaryDown = rep.viaPrimary = false;
      }
      // A read answered at `seen`: the reading endpoint has it (it only moves forward).
      if (o.pin && above(seen.toString(), rep.confirmed)) rep.confirmed = seen.toString();
    }
    return res;
  };
}

/**
 * One queued piece of work of a Tx: statements (batched with their neighbours) or a
 * script. A deferred statement waits for the next request instead of causing one.
 */
type Item =
  | {
      kind: 'stmt';
      stmt: InStatement;
      deferred?: true;
      resolve: (r: ResultSet) => void;
      reject: (e: unknown) => void;
    }
  | { kind: 'script'; sql: string; resolve: (r: undefined) => void; reject: (e: unknown) => void };

/**
 * A Tx whose statements are queued and sent together: everything issued before the
 * event loop turns goes out as one request (in order), the next turn's as the next one.
 * Deferred writes ride along with the next request, or with the COMMIT (takeDeferred).
 */
class QueuedTx implements Tx {
  private queue: Item[] = [];
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  /** The failure of a deferred write that went out with a later request: the transaction's. */
  failure: unknown;

  constructor(
    private readonly sendStatements: (stmts: InStatement[]) => Promise<ResultSet[]>,
    private readonly sendScript: (sql: string) => Promise<void>,
    private readonly writable = false,
  ) {}

  private enqueue(stmt: InStatement): Promise<ResultSet> {
    return new Promise<ResultSet>((resolve, reject) => {
      this.queue.push({ kind: 'stmt', stmt, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.queue.splice(0);
      this.chain = this.chain.then(() => this.flush(items));
    });
  }

  private async flush(items: Item[]): Promise<void> {
    for (let i = 0; i < items.length;) {
      const first = items[i]!;
      if (first.kind === 'script') {
        i++;
        try {
          await this.sendScript(first.sql);
          first.resolve(undefined);
        } catch (e) {
          first.reject(e);
          for (const rest of items.slice(i)) rest.reject(e);
          return;
        }
        continue;
      }
      let j = i;
      while (j < items.length && items[j]!.kind === 'stmt' && j - i < BATCH_SIZE) j++;
      const group = items.slice(i, j) as Extract<Item, { kind: 'stmt' }>[];
      i = j;
      try {
        const results = await this.sendStatements(group.map((g) => g.stmt));
        group.forEach((g, k) => g.resolve(results[k]!));
      } catch (e) {
        // Nothing after a failed request is sent: its statements fail with it.
        for (const rest of [...group, ...items.slice(i)]) rest.reject(e);
        return;
      }
    }
  }

  /** Resolves once everything sent or about to be sent has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.scheduled) await new Promise((r) => setImmediate(r));
    await this.chain;
  }

  /** The deferred writes no request has carried yet, taken off the queue (call after settled()). */
  takeDeferred(): InStatement[] {
    return (this.queue.splice(0) as Extract<Item, { kind: 'stmt' }>[]).map((i) => i.stmt);
  }

  /** libsql's SQLite (3.45.1 as shipped) has no jsonb_each. */
  readonly jsonEach = 'json_each';
  get = async <T>(sql: string, p?: Params) => toObjects<T>(await this.enqueue(stmt(sql, p)))[0];
  all = async <T>(sql: string, p?: Params) => toObjects<T>(await this.enqueue(stmt(sql, p)));
  run = async (sql: string, p?: Params): Promise<RunResult> => {
    const r = await this.enqueue(stmt(sql, p));
    return { changes: r.rowsAffected, lastInsertRowid: Number(r.lastInsertRowid ?? 0) };
  };
  defer = (sql: string, p?: Params): void => {
    if (!this.writable) throw new Error('defer() is for write transactions only');
    this.queue.push({
      kind: 'stmt',
      stmt: stmt(sql, p),
      deferred: true,
      resolve: () => undefined,
      reject: (e) => (this.failure ??= e),
    });
  };
  runMany = async (sql: string, rows: Params[]): Promise<void> => {
    // One statement repeated, BATCH_SIZE to a request, all inside the command's
    // transaction: a failure in any chunk rolls back every chunk.
    const built = rows.map((p) => stmt(sql, p));
    await Promise.all(built.map((s) => this.enqueue(s)));
  };
  exec = (sql: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: 'script', sql, resolve: () => resolve(), reject });
      this.schedule();
    });
}

/**
 * Failures after which the server has ended the transaction (the lock was taken away,
 * the stream expired or was closed): nothing more may be sent on it, because sqld would
 * run the next statement outside any transaction and commit it at once.
 */
function endsTransaction(e: unknown): boolean {
  const err = e as { code?: string; message?: string; name?: string };
  const code = String(err?.code ?? '');
  const text = String(err?.message ?? '');
  if (['TRANSACTION_TIMEOUT', 'STREAM_EXPIRED', 'TRANSACTION_CLOSED', 'RESPONSE_TOO_LARGE'].includes(code)) return true;
  if (/timed[- ]out|no transaction is active|invalid baton|stream has expired/i.test(text)) return true;
  // Anything that is not a statement's own error (a transport failure, a timeout): the
  // stream is gone or its state unknown.
  return !/^(SQLITE_|SQL_PARSE_ERROR|SQL_INPUT_ERROR|ARGS_INVALID|PROXY_ERROR)/.test(code);
}

/** The remote engine: a libSQL server (sqld, Turso) through @libsql/client. */
export class RemoteStore implements Store {
  readonly engine = 'libsql' as const;
  readonly displayLocation: string;
  /** Reads: single requests, pinned to the caller's last write. */
  private readonly reader: Client;
  /** Write transactions (and the one snapshot transaction a backup needs). */
  private readonly writer: Client;
  /** Reads that need not reach the caller's last write (the schema and identity check): never pinned. */
  private readonly anyReader: Client;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  /**
   * How long `call` waits for one client call before it gives up itself: the request
   * timeout over WebSockets; over HTTP a backstop only, since every HTTP request is
   * bounded (and aborted) by hranaFetch first.
   */
  private readonly callTimeoutMs: number;
  /** close() was called: nothing more is sent. */
  private closed = false;
  private readonly busyMs: number;
  readonly replication: Replication;
  private readonly opts: RemoteOptions;
  /** The first request has checked the schema version and the identity. */
  private isAdmitted = false;
  /** That check, while it is under way. */
  private admission: Promise<void> | undefined;
  /** Requests of the check itself (and of a migration it runs) pass. */
  private admitting = false;
  private id: string | undefined;
  private idKnown = false;
  /** Whether the server has answered once: a failure before that means it was never reached. */
  private reached = false;
  /** The HTTP connections (kept alive for the command's requests). */
  private transport: { close(): void } | undefined;

  private constructor(
    clients: { reader: Client; writer: Client; anyReader: Client },
    display: string,
    secrets: string[],
    timeouts: StoreTimeouts,
    overHttp: boolean,
    replication: Replication,
    opts: RemoteOptions,
  ) {
    this.reader = clients.reader;
    this.writer = clients.writer;
    this.anyReader = clients.anyReader;
    this.displayLocation = display;
    this.secrets = secrets;
    this.timeoutMs = timeouts.requestMs;
    this.callTimeoutMs = timeouts.requestMs + (overHttp ? CALL_BACKSTOP_MS : 0);
    this.busyMs = timeouts.busyMs;
    this.replication = replication;
    this.opts = opts;
    // Without a gate (tests and tools that open a store directly) nothing is checked first.
    if (!opts.gate) this.isAdmitted = true;
  }

  static async open(
    url: string,
    display: string,
    authToken: string | undefined,
    timeouts: StoreTimeouts,
    opts: RemoteOptions = {},
  ): Promise<RemoteStore> {
    const t = target(url, authToken);
    const replication: Replication = {
      index: opts.replicationIndex ?? '',
      stale: opts.replicationBehind === true && opts.replicationIndex !== undefined,
    };
    let clients: { reader: Client; writer: Client; anyReader: Client };
    let transport: { close(): void } | undefined;
    try {
      if (/^wss?:/i.test(t.clientUrl)) {
        // WebSockets carry no fetch: no pinning there (docs/remote.md).
        const { createClient } = await import('@libsql/client/ws');
        const c = createClient({ url: t.clientUrl, authToken: authToken || undefined, intMode: 'number' });
        clients = { reader: c, writer: c, anyReader: c };
      } else {
        // Our own bundle of the HTTP client (scripts/build.mjs), loaded only by remote commands.
        const lib = await import('./libsql-http.js');
        const http = new lib.Transport();
        transport = http;
        const make = (pin: boolean, anyIndex = false) =>
          lib.createClient({
            url: t.clientUrl,
            authToken: authToken || undefined,
            intMode: 'number',
            fetch: hranaFetch(lib, http, {
              basicAuth: t.basicAuth,
              origin: httpOrigin(t.clientUrl),
              timeoutMs: timeouts.requestMs,
              replication,
              pin,
              waitMs: opts.replicaWaitMs ?? DEFAULT_REPLICA_WAIT_MS,
              onStale: opts.onStale,
              behindThrows: pin,
              anyIndex,
            }),
          });
        clients = { reader: make(true), writer: make(false), anyReader: make(true, true) };
      }
    } catch (e) {
      if (e instanceof PlatformError) throw e;
      const msg = redact(String((e as Error)?.message ?? e), t.secrets);
      throw new PlatformError('USAGE', `The store URL ${display} cannot be used: ${msg.replace(/^[A-Z_]+: /, '')}`);
    }
    const store = new RemoteStore(clients, display, t.secrets, timeouts, transport !== undefined, replication, opts);
    store.transport = transport;
    return store;
  }

  /** Maps a libSQL client failure to a one-line PlatformError (README: exit codes) that names no secret. */
  private fail(e: unknown, phase: Phase): unknown {
    if (e instanceof PlatformError || e instanceof IdentityChanged) return e;
    const where = this.displayLocation;
    const redirect = e instanceof ForeignRedirect ? e : (e as { cause?: unknown })?.cause;
    if (redirect instanceof ForeignRedirect) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} told this program to send the rest of the command to another server ` +
          `(${redirect.target}); refused, nothing was sent there. ${outcome(phase)}`,
      );
    }
    if (e instanceof RequestTimeout || (e as { cause?: unknown })?.cause instanceof RequestTimeout) {
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
    let code = String(err?.code ?? '');
    const cause = err?.cause;
    const status = cause?.status;
    const text = redact(`${err?.message ?? String(e)} ${cause?.message ?? ''} ${cause?.code ?? ''}`, this.secrets);
    // The server's own words, for a message: without the codes the client puts in front,
    // and without the prefix a replica puts before its primary's refusal.
    const reason = firstLine(
      redact(String(err?.message ?? e), this.secrets)
        .replace(/^([A-Z][A-Z0-9_]+: )+/, '')
        .replace(/^error executing a request on the primary: /, '')
        .replace(/^SQLite error: /, ''),
    );
    // A replica forwards writes (and reads it cannot serve yet) to its primary and wraps
    // the primary's refusal: classified by the primary's words.
    if (code === 'PROXY_ERROR') {
      if (/constraint failed|guarded|platformctl:/i.test(reason)) code = 'SQLITE_CONSTRAINT';
      else if (/database is locked/i.test(reason)) code = 'SQLITE_BUSY';
    }
    const busy = () =>
      new PlatformError(
        'STORE_BUSY',
        `The store ${where} ended this command's transaction because another writer was waiting too long. Nothing was changed; try again.`,
      );
    if (/Authorization forbidden/i.test(text) || status === 403 || /HTTP status 403\b/.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} refused the write: the token only allows reading. Nothing was changed.`,
      );
    }
    if (status === 401 || /HTTP status 401\b/.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `Authentication to the store ${where} failed: the server refused the token. Check PLATFORMCTL_STORE_TOKEN (or the config key storeToken).`,
      );
    }
    if (
      ['TRANSACTION_TIMEOUT', 'STREAM_EXPIRED', 'TRANSACTION_CLOSED', 'TRANSACTION_BUSY'].includes(code) ||
      status === 429 ||
      /Transaction timed[- ]out|no transaction is active/i.test(text)
    ) {
      return busy();
    }
    if (code === 'RESPONSE_TOO_LARGE' || /Response is too large/i.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} refused to send an answer larger than its limit (sqld's --max-response-size, 10 MB by default). ${outcome(phase)}`,
      );
    }
    if (/ANSWER_TOO_LARGE/.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} sent ${firstLine(cause?.message ?? 'an answer too large')}; stopped reading it. ${outcome(phase)}`,
      );
    }
    if (code === 'ARGS_INVALID' || code === 'SQLITE_TOOBIG' || /string or blob too big/i.test(text)) {
      return new PlatformError(
        'INVALID_INPUT',
        `A value is larger than the store ${where} accepts (5 MB). Nothing was changed.`,
      );
    }
    if (/^SQLITE_/.test(code)) {
      // In the server's own words (the reason), as storeError words a local refusal.
      if (/^SQLITE_CONSTRAINT/.test(code)) {
        return new PlatformError(
          'CONFLICT',
          `The store ${where} refused the change: ${reason.replace(/\.$/, '')}. Nothing was changed; try again.`,
        );
      }
      const mapped = storeError({ code, message: text }, where);
      if (mapped instanceof PlatformError) return mapped;
    }
    if (/invalid baton/i.test(text)) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} lost this command's transaction between two servers ` +
          `(a load balancer without sticky sessions; start sqld with --http-self-url). Nothing was changed.`,
      );
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
    // Any other answer of the server (its error codes are upper-case words): never exit 1.
    if (/^[A-Z][A-Z0-9_]+$/.test(code) || /^Libsql/.test(String(err?.name))) {
      return new PlatformError(
        'STORE_UNAVAILABLE',
        `The store ${where} refused a statement (${reason.replace(/\.$/, '')}). ${outcome(phase)}`,
      );
    }
    // Anything else came out of reading the server's answer: not JSON (an HTML page from a
    // proxy, an empty or cut-off body), a value this program cannot hold (an integer past
    // 2^53)… An answer of a server never exits 1.
    return new PlatformError(
      'STORE_UNAVAILABLE',
      `The store ${where} sent an answer this program cannot read ` +
        `(${firstLine(redact(String(err?.message ?? e), this.secrets)).slice(0, 200)}). ${outcome(phase)}`,
    );
  }

  /**
   * One request to the server, bounded by the request timeout: over HTTP, hranaFetch
   * aborts that request (and only it) at its deadline; this timer is a backstop there,
   * and the bound itself over WebSockets. A timeout ends nothing else: the next request
   * of the command is sent as usual (the bulk engine, say, still records a failed run).
   */
  private async call<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RequestTimeout(this.timeoutMs)), this.callTimeoutMs);
    });
    try {
      const r = await Promise.race([fn(), timeout]);
      this.reached = true;
      return r;
    } catch (e) {
      // Not a failure: the caller reads through the primary instead (read()).
      const behind = e instanceof ReplicaBehind ? e : (e as { cause?: unknown })?.cause;
      if (behind instanceof ReplicaBehind) throw behind;
      const statement = statementFailure(e);
      const mapped = this.fail(e, phase === 'statement' && !this.reached ? 'connect' : phase);
      if (statement) this.reached = true;
      if (mapped !== null && typeof mapped === 'object') {
        REQUEST_FAILURES.add(mapped);
        if (statement) STATEMENT_FAILURES.add(mapped);
        if (endsTransaction(e)) ENDS_TRANSACTION.add(mapped);
      }
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  /** One read request: a single statement, or a batch that is one snapshot. */
  private readRequest(stmts: InStatement[], client = this.reader): Promise<ResultSet[]> {
    return this.call(this.reached ? 'statement' : 'connect', async () =>
      stmts.length === 1 ? [await client.execute(stmts[0]!)] : client.batch(stmts, 'read'),
    );
  }

  /**
   * Decides on what the first request learnt: a store that is not ours or too new is
   * refused, an empty one is refused unless it may be created, an older one is migrated
   * when the command may; then the caller is told the store's identity. Says whether the
   * statements that came with it must be sent again ('again': the schema changed under
   * them) or the read run again ('rerun': the caller's credential changed).
   */
  private async admit(meta: Meta): Promise<'ok' | 'again' | 'rerun'> {
    const gate = this.opts.gate!;
    const where = this.displayLocation;
    const version = checkVersion(meta.version, where);
    if (version === 0 && !gate.create) throw notInitialised(where);
    let again = false;
    if (gate.migrate && version < LATEST_VERSION) {
      this.admitting = true;
      try {
        await migrate(this, { create: gate.create });
        // Pinned to the migration just written (a replica may not have it yet).
        meta = await this.read(async (tx) => {
          const row = await tx.get<{ version: unknown; id: unknown }>(META_SQL);
          return metaFrom(row?.version, row?.id);
        });
      } finally {
        this.admitting = false;
      }
      again = true;
    }
    this.id = meta.id;
    this.idKnown = true;
    this.isAdmitted = true;
    if (this.opts.identified?.(meta.id)) return 'rerun';
    return again ? 'again' : 'ok';
  }

  /** The first look at the store on a request of its own. */
  private async admitAlone(): Promise<'ok' | 'again' | 'rerun'> {
    let meta: Meta;
    this.admitting = true;
    try {
      meta = metaOf((await this.readRequest([{ sql: META_SQL, args: [] }], this.anyReader))[0]);
    } catch (e) {
      if (!noMetaTable(e)) throw e;
      meta = { version: await this.read(readVersion), id: undefined };
    } finally {
      this.admitting = false;
    }
    return this.admit(meta);
  }

  /**
   * Whether the caller is to make the first request, with its check; a caller that
   * comes while another makes it waits for it.
   */
  private async mustAdmit(): Promise<boolean> {
    if (this.isAdmitted || this.admitting) return false;
    if (this.admission) await this.admission.catch(() => undefined);
    return !this.isAdmitted;
  }

  private async tracked<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.admission = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** A read request; the command's first carries the schema and identity check with it. */
  private async sendRead(stmts: InStatement[]): Promise<ResultSet[]> {
    if (!(await this.mustAdmit())) return this.readRequest(stmts);
    return this.tracked(async () => {
      let results: ResultSet[];
      try {
        results = await this.readRequest([{ sql: META_SQL, args: [] }, ...stmts]);
      } catch (e) {
        if (!(e !== null && typeof e === 'object' && STATEMENT_FAILURES.has(e))) throw e;
        // The batch fails as a whole: because of the check itself (an empty store has no
        // platformctl_meta), because the store is not ours or older than this build, or
        // because of one of the statements. The check is made again on its own, then the
        // statements are sent again on theirs.
        const verdict = await this.admitAlone();
        if (verdict === 'rerun') throw new IdentityChanged();
        return this.readRequest(stmts);
      }
      const verdict = await this.admit(metaOf(results[0]));
      if (verdict === 'rerun') throw new IdentityChanged();
      if (verdict === 'again') return this.readRequest(stmts);
      return results.slice(1);
    });
  }

  /**
   * A read is answered by the endpoint (a replica answers it itself), pinned to the
   * caller's last change. When the endpoint has not reached it within
   * PLATFORMCTL_REPLICA_WAIT_MS (a replica behind a busy primary, or one whose primary is
   * down), the read runs again through the primary, which a replica hands an interactive
   * read transaction to; the command's later reads go there at once. Only when the primary
   * does not answer that within its bound is the endpoint's answer taken, said to be
   * possibly stale (onStale).
   */
  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const rep = this.replication;
    if (rep.viaPrimary && !rep.primaryDown) {
      const fresh = await this.readThroughPrimary(fn);
      if (fresh) return fresh.value;
    }
    try {
      return await this.readHere(fn);
    } catch (e) {
      if (!(e instanceof ReplicaBehind)) throw e;
    }
    const fresh = await this.readThroughPrimary(fn);
    if (fresh) return fresh.value;
    return this.readHere(fn);
  }

  /**
   * fn in an interactive read transaction (through a replica: on its primary), bounded by
   * the replica wait (at least 1 s); undefined when the primary did not answer in time or
   * answered below the caller's last change, after which this command's reads are the
   * endpoint's own (Replication.primaryDown). Errors of fn itself are thrown.
   */
  private async readThroughPrimary<T>(fn: (tx: Tx) => Promise<T>): Promise<{ value: T } | undefined> {
    const rep = this.replication;
    if (await this.mustAdmit()) await this.tracked(() => this.admitAlone());
    const wait = this.opts.replicaWaitMs ?? DEFAULT_REPLICA_WAIT_MS;
    const attempt = { limitMs: Math.max(wait, 1000), reached: true };
    rep.primaryRead = attempt;
    let value: T;
    try {
      value = await this.transactOnce('read', fn);
    } catch (e) {
      // What fn itself decided (a refusal of the command) is the answer. A request that
      // failed (no answer in time, a replica that cannot reach its primary, a statement
      // refused) is not: the endpoint answers then, and says so if that may be stale.
      if (!(e !== null && typeof e === 'object' && REQUEST_FAILURES.has(e))) throw e;
      rep.primaryDown = true;
      return undefined;
    } finally {
      if (rep.primaryRead === attempt) rep.primaryRead = undefined;
    }
    if (!attempt.reached) {
      rep.primaryDown = true;
      return undefined;
    }
    rep.viaPrimary = true;
    rep.stale = true;
    return { value };
  }

  private async readHere<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const tx = new QueuedTx(
        (stmts) => this.sendRead(stmts),
        () => Promise.reject(new Error('a read cannot run a script')),
      );
      try {
        return await fn(tx);
      } catch (e) {
        // The store is not the one the caller's credential was chosen for: once more with the right one.
        if (e instanceof IdentityChanged && attempt === 0) continue;
        if (e instanceof IdentityChanged)
          throw new PlatformError(
            'STORE_UNAVAILABLE',
            `The store ${this.displayLocation} changed identity while it was read.`,
          );
        throw e;
      } finally {
        await tx.settled().catch(() => undefined);
      }
    }
  }

  /**
   * A write: one interactive transaction, BEGIN IMMEDIATE on the server (the write lock
   * is taken with the first request; a replica forwards it all to its primary).
   * @libsql/client sends BEGIN with the first statements, so a write costs one request
   * per group of statements sent together, plus COMMIT. If the connection is lost before
   * COMMIT, it never commits: sqld discards an unfinished transaction when its stream
   * dies or the process restarts.
   */
  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (await this.mustAdmit()) await this.tracked(() => this.admitAlone());
    return this.transact('write', fn);
  }

  private async transact<T>(mode: 'read' | 'write', fn: (tx: Tx) => Promise<T>): Promise<T> {
    // STORE_BUSY here always means sqld rolled our transaction back itself (another
    // writer held the lock, or sqld took ours for a waiting writer after ~5 s): nothing
    // was applied, so the whole transaction runs again after a short random pause, until
    // the busy timeout is spent, as SQLite's busy timeout does locally.
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
    const t: Transaction = await this.call('connect', () => this.writer.transaction(mode));
    // Until the server has answered once in this transaction, a failure means it was never reached.
    let answered = false;
    let ended: object | undefined;
    const guarded = async <R>(send: () => Promise<R>): Promise<R> => {
      if (ended !== undefined) throw ended as Error;
      try {
        const r = await this.call(answered ? 'statement' : 'connect', send);
        answered = true;
        return r;
      } catch (e) {
        // Once the server has ended the transaction, not one more statement: it would
        // run on its own and commit (sqld 0.24, Hrana v2).
        if (e !== null && typeof e === 'object' && ENDS_TRANSACTION.has(e)) ended = e;
        throw e;
      }
    };
    const tx = new QueuedTx(
      (stmts) => guarded(() => (stmts.length === 1 ? t.execute(stmts[0]!).then((r) => [r]) : t.batch(stmts))),
      (sql) => guarded(() => t.executeMultiple(sql)),
      mode === 'write',
    );
    try {
      const result = await fn(tx);
      await tx.settled();
      if (ended !== undefined) throw ended as Error;
      if (tx.failure !== undefined) throw tx.failure as Error;
      if (mode === 'read') {
        // A read-only transaction has nothing to commit: closing the stream ends it.
        t.close();
      } else {
        // The writes still deferred go out with the COMMIT, in one request: the batch's
        // steps run one after the other only while each succeeds, so COMMIT runs only
        // after all of them (a failed one leaves the transaction open, rolled back below).
        const pending = tx.takeDeferred();
        const commit = pending.length
          ? () => t.batch([...pending, { sql: 'COMMIT', args: [] }]).then(() => undefined)
          : () => t.commit();
        try {
          await this.call('commit', commit);
        } catch (e) {
          if (e !== null && typeof e === 'object' && ENDS_TRANSACTION.has(e)) ended = e;
          throw e;
        }
      }
      return result;
    } catch (e) {
      await tx.settled().catch(() => undefined);
      if (!t.closed && !this.closed && ended === undefined) {
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

  async identity(): Promise<string | undefined> {
    if (await this.mustAdmit()) await this.tracked(() => this.admitAlone());
    if (this.idKnown) return this.id;
    try {
      return metaOf((await this.readRequest([{ sql: META_SQL, args: [] }], this.anyReader))[0]).id;
    } catch (e) {
      if (noMetaTable(e)) return undefined;
      throw e;
    }
  }

  async integrityCheck(): Promise<string[]> {
    return this.read(async (tx) => {
      // The table-valued forms: sqld counts a bare PRAGMA as a write, which a read-only token may not do.
      const [rows, fk] = await Promise.all([
        tx.all<Record<string, string>>('SELECT * FROM pragma_integrity_check'),
        tx.all<{ table: string; rowid: number; parent: string }>('SELECT * FROM pragma_foreign_key_check'),
      ]);
      return [
        ...rows.map((r) => Object.values(r)[0]!).filter((m) => m !== 'ok'),
        ...fk.map((r) => `foreign key: ${r.table} row ${r.rowid} points to a missing ${r.parent}`),
      ];
    });
  }

  /**
   * sqld (0.24 and the newest source) started without `--checkpoint-interval-s` lets
   * SQLite checkpoint on the connection whose commit grew the log (wal_autocheckpoint
   * 1000); with many writers waiting, a checkpoint can leave its write lock handed to a
   * connection that no longer waits, and the server then spins and answers nothing
   * (docs/remote.md, Server settings). The bare PRAGMA is sent to the primary (a replica
   * forwards it); the client cannot change it (sqld refuses the PRAGMA with a value).
   */
  async longWriteAdvice(): Promise<string | undefined> {
    let pages: unknown;
    try {
      pages = Object.values(
        (await this.readRequest([{ sql: 'PRAGMA wal_autocheckpoint', args: [] }], this.anyReader))[0]!.rows[0] ?? {},
      )[0];
    } catch (e) {
      // A server that refuses the statement does not say (another libSQL server): no advice.
      // One that does not answer would not take the import's writes either: that error now.
      if (e !== null && typeof e === 'object' && STATEMENT_FAILURES.has(e)) return undefined;
      throw e;
    }
    if (typeof pages !== 'number' || pages <= 0) return undefined;
    return (
      `This sqld server checkpoints on its writers' commits (its default): while others write, a long import or ` +
      `sync can make it stop answering. Whoever runs it should start its primary with --checkpoint-interval-s 5 ` +
      `(see "Server settings" in docs/remote.md, shipped with platformctl).`
    );
  }

  /**
   * Copies a consistent snapshot into a new local SQLite file: one interactive read
   * transaction, which a replica hands to its primary (so a backup needs the primary).
   */
  async backup(path: string): Promise<void> {
    const { writeSnapshot } = await import('./snapshot.js');
    if (await this.mustAdmit()) await this.tracked(() => this.admitAlone());
    await this.transact('read', (tx) => writeSnapshot(tx, path, this.displayLocation));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.close();
    if (this.writer !== this.reader) this.writer.close();
    this.transport?.close();
  }
}

/** How long a read waits for an endpoint that an earlier command found behind (ms). */
const RECHECK_MS = 150;

/** How much longer than the request timeout `call` waits over HTTP before giving up itself. */
const CALL_BACKSTOP_MS = 1000;

/** Mapped failures of a request (not of what a read or write does with the answers). */
const REQUEST_FAILURES = new WeakSet<object>();
/** Mapped failures of a statement the server refused (it was reached and answered). */
const STATEMENT_FAILURES = new WeakSet<object>();
/** Mapped failures after which the server's transaction is over. */
const ENDS_TRANSACTION = new WeakSet<object>();

function statementFailure(e: unknown): boolean {
  return /^(SQLITE_|SQL_PARSE_ERROR|SQL_INPUT_ERROR|ARGS_INVALID|PROXY_ERROR)/.test(
    String((e as { code?: string })?.code ?? ''),
  );
}

/** The store has no platformctl_meta table: empty, or another program's database. */
function noMetaTable(e: unknown): boolean {
  const text = `${(e as Error)?.message ?? ''} ${(e as { cause?: Error })?.cause?.message ?? ''}`;
  return /no such table:? platformctl_meta/i.test(text);
}

/** The HTTP origin the client sends a store URL's requests to (libsql: is https, or http with ?tls=0). */
function httpOrigin(url: string): string {
  const u = new URL(url);
  if (u.protocol === 'libsql:') {
    const scheme = u.searchParams.get('tls') === '0' ? 'http:' : 'https:';
    return new URL(`${scheme}//${u.host}`).origin;
  }
  return u.origin;
}

/** A server's `base_url` naming another origin than the store's. */
class ForeignRedirect extends Error {
  constructor(readonly target: string) {
    super(`a redirection to ${target}`);
    this.name = 'ForeignRedirect';
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
