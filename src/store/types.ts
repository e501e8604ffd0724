/** Parameters bound to one statement: named (`:name`) or positional. Never interpolated. */
export type Params = Record<string, unknown> | unknown[];

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/**
 * Statements against the store, inside `Store.read` or `Store.write`.
 *
 * Statements issued together, before the caller awaits any of them (as with
 * `Promise.all([r.a(), r.b()])`), travel together: on the remote engine they are one
 * request, and inside a read one snapshot. Statements awaited one after the other are
 * one request each. Order is always kept.
 */
export interface Tx {
  /**
   * The table-valued function that walks a JSON array whose elements are arrays (the rows
   * of a batched statement): jsonb_each where the engine has SQLite's JSONB functions
   * (3.45+: the local engine), which hands each row over already parsed, where json_each
   * hands it over as text that every `value ->> i` parses again (~a third of a 100,000-row
   * import's inserts); json_each on sqld, whose libsql has no jsonb_each.
   */
  readonly jsonEach: 'json_each' | 'jsonb_each';
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  run(sql: string, params?: Params): Promise<RunResult>;
  /**
   * A write whose result nobody reads (an audit entry, an insert after its checks): the
   * local engine runs it at once; the remote one sends it with the transaction's next
   * request, its next read or else the COMMIT, so that a write transaction holds the
   * lock for fewer round trips. Its failure fails that request, and so the transaction
   * (nothing is applied). Only inside `Store.write`.
   */
  defer(sql: string, params?: Params): void;
  /** Runs one statement once per parameter set, in as few round trips as the engine allows. */
  runMany(sql: string, rows: Params[]): Promise<void>;
  /** Executes a script of several statements (migrations only). */
  exec(sql: string): Promise<void>;
}

export type EngineName = 'local' | 'libsql';

/** The store as the rest of the program sees it: reads, write transactions, checks and backups. */
export interface Store {
  readonly engine: EngineName;
  /** The location with any credentials removed, safe to print. */
  readonly displayLocation: string;
  /**
   * Reads. Local: one read transaction (one snapshot). Remote: no transaction; each
   * request is answered on its own (by a replica when the location is one), so the
   * statements sent together (see Tx) see one snapshot and separate requests may see
   * different moments. A read that must see one moment issues its statements together.
   */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A write transaction, taken with the write lock up front (BEGIN IMMEDIATE). */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The store's identity (platformctl_meta `store_id`, kept by backups): sessions belong
   * to it. Undefined for a store that has none yet (not initialised, or an older schema
   * looked at without migrating).
   */
  identity(): Promise<string | undefined>;
  /** Engine-level integrity check: empty when healthy. */
  integrityCheck(): Promise<string[]>;
  /**
   * Before a long write run (a bulk import): a server setting that puts it at risk, in
   * words, or undefined (always on a local file; also when the server does not say).
   */
  longWriteAdvice(): Promise<string | undefined>;
  /** A consistent copy of the whole store into a local SQLite file. */
  backup(path: string): Promise<void>;
  close(): Promise<void>;
}
