/** Parameters bound to one statement: named (`:name`) or positional. Never interpolated. */
export type Params = Record<string, unknown> | unknown[];

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/** One open transaction. Statements run in order; the engine owns commit and rollback. */
export interface Tx {
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  run(sql: string, params?: Params): Promise<RunResult>;
  /** Runs one statement once per parameter set, in as few round trips as the engine allows. */
  runMany(sql: string, rows: Params[]): Promise<void>;
  /** Executes a script of several statements (migrations only). */
  exec(sql: string): Promise<void>;
}

export type EngineName = 'local' | 'libsql';

/** The store as the rest of the program sees it: transactions, checks and backups. */
export interface Store {
  readonly engine: EngineName;
  /** The location with any credentials removed, safe to print. */
  readonly displayLocation: string;
  /** A read-only transaction (a consistent snapshot). */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A write transaction, taken with the write lock up front (BEGIN IMMEDIATE). */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Engine-level integrity check: empty when healthy. */
  integrityCheck(): Promise<string[]>;
  /** A consistent copy of the whole store into a local SQLite file. */
  backup(path: string): Promise<void>;
  close(): Promise<void>;
}
