import { execa, type Result } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { Sqld, sqldBinary } from './sqld.js';

export const BIN = fileURLToPath(new URL('../../bin/platformctl.js', import.meta.url));
export type Engine = 'local' | 'libsql';

/**
 * The engines the e2e suite runs on. libsql needs the sqld binary; CI installs it
 * (.ci/run), so there a missing binary is an error, not a skip.
 */
export function engines(): Engine[] {
  if (sqldBinary()) return ['local', 'libsql'];
  if (process.env.CI) throw new Error('CI must run the e2e suite on sqld too: .ci/run fetches it (scripts/fetch-sqld.sh).');
  console.warn('sqld not found: e2e tests run on the local engine only (run scripts/fetch-sqld.sh).');
  return ['local'];
}

export const PASSWORD = 'correct horse battery';

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

  private constructor(readonly engine: Engine, dir: string, store: string, sqld?: Sqld) {
    this.dir = dir;
    this.store = store;
    this.sqld = sqld;
  }

  static async create(engine: Engine, opts: { sqldArgs?: string[] } = {}): Promise<TestStore> {
    const dir = mkdtempSync(join(tmpdir(), 'platformctl-e2e-'));
    if (engine === 'local') return new TestStore(engine, dir, join(dir, 'platform.db'));
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
      NO_COLOR: undefined,
      FORCE_COLOR: undefined,
      XDG_DATA_HOME: join(this.dir, 'xdg-data'),
      XDG_CONFIG_HOME: join(this.dir, 'xdg-config'),
      ...o.env,
    };
    const r = await execa('node', [BIN, '--store', this.store, '--config-dir', o.configDir ?? join(this.dir, 'config-anon'), ...args], {
      reject: false,
      input: o.input ?? '',
      env,
      extendEnv: true,
      timeout: o.timeout ?? 50_000,
    });
    return r as unknown as RunResult;
  }

  /** Registers a user through the CLI (password on stdin) with their own config dir. */
  async register(email: string, first = 'Test', last = `User${++this.users}`, password = PASSWORD): Promise<User> {
    const user = new User(this, email, join(this.dir, `config-${email.replace(/[^a-z0-9]/gi, '_')}`), password);
    const r = await user.run(['account', 'register', '--email', email, '--first-name', first, '--last-name', last, '--password-stdin'], { input: password + '\n' });
    expect(r.exitCode, r.stderr).toBe(0);
    return user;
  }

  /** `store check` must pass: every scenario ends with the store's rules intact. */
  async expectClean(): Promise<void> {
    const r = await this.run(['store', 'check', '--json']);
    expect(r.stdout + r.stderr).not.toMatch(/"ok": false/);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  }

  async dispose(): Promise<void> {
    await this.sqld?.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A registered user: runs commands with their own saved session. */
export class User {
  constructor(
    readonly t: TestStore,
    readonly email: string,
    readonly configDir: string,
    public password: string,
  ) {}

  run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    return this.t.run(args, { configDir: this.configDir, ...o });
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
export function useStore(engine: Engine, opts: { sqldArgs?: string[]; check?: boolean } = {}) {
  let current: TestStore | undefined;
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
    current = await TestStore.create(engine, { sqldArgs: o.sqldArgs ?? opts.sqldArgs });
    return current;
  };
}
