/**
 * Remote-only behaviour of the libSQL engine against a real sqld: a server that is down,
 * hung or crashes mid-command, JWT auth, secrets in URLs, schema versions, backups.
 * (The general e2e suite already runs every command on both engines via engines().)
 */
import { createClient, type Client } from '@libsql/client';
import Database from 'better-sqlite3';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestStore } from './harness.js';
import { useStore, type RunResult } from './harness.js';
import { KillProxy } from './kill-proxy.js';
import { LATEST_VERSION } from '../../src/store/migrations/index.js';

/** An error as documented (README, exit codes): one line on stderr, no stack trace, nothing on stdout. */
function expectOneLineError(r: RunResult, exit: number, pattern: RegExp) {
  expect(r.exitCode, r.stderr).toBe(exit);
  expect(r.stderr).toMatch(/^error: [^\n]+\n?$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

let clients: Client[] = [];
afterEach(() => {
  for (const c of clients) c.close();
  clients = [];
});
function direct(url: string, authToken?: string): Client {
  const c = createClient({ url, authToken, intMode: 'number' });
  clients.push(c);
  return c;
}

/** Every row of every table, in a stable order: equal fingerprints mean equal stores. */
async function fingerprint(c: Client, o: { ignoreTimes?: boolean } = {}): Promise<string> {
  const tables = (
    await c.execute(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%' ORDER BY name`,
    )
  ).rows.map((r) => String(r.name));
  const out: Record<string, unknown[]> = {};
  for (const t of tables) out[t] = (await c.execute(`SELECT * FROM "${t}" ORDER BY 1, 2`)).rows.map((r) => ({ ...r }));
  const json = JSON.stringify(out);
  // Two runs of the same command differ only in their timestamps.
  return o.ignoreTimes ? json.replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"') : json;
}

describe('remote engine (sqld)', () => {
  const fresh = useStore('libsql');

  it('server down, hung, or not speaking TLS: exit 7 with a one-line message and no secret printed', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const port = t.sqld!.port;
    const token = 'platformctl-test-secret-token';
    const secretEnv = { PLATFORMCTL_STORE_TOKEN: token };

    // TLS to a server that speaks plain HTTP.
    const tls = await ann.run(['--store', `https://127.0.0.1:${port}`, 'company', 'list'], { env: secretEnv });
    expectOneLineError(tls, 7, /TLS connection to the store https:\/\/127\.0\.0\.1:\d+\/ failed/);

    // Hung: the socket accepts but nothing answers.
    t.sqld!.pause(true);
    try {
      const hung = await ann.run(['company', 'list'], { env: { PLATFORMCTL_STORE_TIMEOUT_MS: '800' } });
      expectOneLineError(hung, 7, /did not answer within 0\.8 s/);
    } finally {
      t.sqld!.pause(false);
    }

    await t.sqld!.stop();
    const read = await ann.run(['company', 'list'], { env: secretEnv });
    expectOneLineError(
      read,
      7,
      new RegExp(
        `^error: The store http://127\\.0\\.0\\.1:${port}/ is unreachable \\(ECONNREFUSED\\)\\. Nothing was changed\\.`,
      ),
    );
    const write = await ann.run(['account', 'update', '--first-name', 'Anna'], { env: secretEnv });
    expectOneLineError(write, 7, /is unreachable \(ECONNREFUSED\)\. Nothing was changed\./);
    const json = await ann.run(['--json', 'store', 'init'], { env: secretEnv });
    expect(json.exitCode).toBe(7);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/unreachable/) },
    });

    // Credentials in the URL (basic auth, or libsql's ?authToken=) are never printed.
    const creds = await ann.run(['--store', `http://alice:s3cr3t-pw@127.0.0.1:${port}`, 'company', 'list']);
    expectOneLineError(creds, 7, new RegExp(`The store http://127\\.0\\.0\\.1:${port}/ is unreachable`));
    const query = await ann.run(['--store', `libsql://127.0.0.1:${port}?tls=0&authToken=${token}`, 'store', 'check']);
    expectOneLineError(query, 7, new RegExp(`The store libsql://127\\.0\\.0\\.1:${port}\\?tls=0 is unreachable`));
    for (const r of [tls, read, write, json, creds, query]) {
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.stdout + r.stderr).not.toContain('s3cr3t');
      expect(r.stdout + r.stderr).not.toContain('alice');
    }

    await t.sqld!.start();
  });

  it('a schema newer than this build is refused (exit 7 SCHEMA_TOO_NEW) and left untouched', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const c = direct(t.store);
    await c.execute(`UPDATE platformctl_meta SET value = '999' WHERE key = 'schema_version'`);
    const before = await fingerprint(c);
    for (const args of [
      ['store', 'init'],
      ['company', 'list'],
      ['account', 'update', '--first-name', 'X'],
      ['store', 'check'],
    ]) {
      const r = await ann.run(['--json', ...args]);
      expect(r.exitCode, r.stderr).toBe(7);
      expect(JSON.parse(r.stderr).error).toMatchObject({
        code: 'SCHEMA_TOO_NEW',
        message: expect.stringContaining(`schema version 999, newer than this platformctl knows (${LATEST_VERSION})`),
      });
    }
    expect(await fingerprint(c)).toBe(before);
    await c.execute({
      sql: `UPDATE platformctl_meta SET value = ? WHERE key = 'schema_version'`,
      args: [String(LATEST_VERSION)],
    });
  });

  it('store init migrates an empty server; backup is one consistent snapshot that checks clean as a local store', async () => {
    const t = await fresh();
    const init = await t.run(['--json', 'store', 'init']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ engine: 'libsql', schemaVersion: LATEST_VERSION });
    const version = await direct(t.store).execute(`SELECT value FROM platformctl_meta WHERE key = 'schema_version'`);
    expect(version.rows[0]!.value).toBe(String(LATEST_VERSION));
    const [ann] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    await ann.json(['account', 'update', '--phone', '+1 555 0100']);

    const file = join(t.dir, 'backup', 'snapshot.db');
    const b = await t.run(['--json', 'store', 'backup', file]);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ backup: file, engine: 'libsql' });
    const check = await t.run(['--store', file, '--json', 'store', 'check']);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      ok: true,
      engine: 'local',
      schemaVersion: LATEST_VERSION,
      problems: [],
    });

    // The copy holds exactly what the server holds.
    const remote = await fingerprint(direct(t.store));
    const local = direct(`file:${file}`);
    expect(await fingerprint(local)).toBe(remote);
    local.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'memberships_one_owner'`).get()).toBeTruthy();
    db.close();

    const exists = await t.run(['store', 'backup', file]);
    expectOneLineError(exists, 6, /already exists/);
  });

  it('sqld killed at any request of a multi-statement command: after a restart the store is exactly before or after', async () => {
    const t = await fresh();
    const proxy = await new KillProxy(t.sqld!).start();
    try {
      const via = ['--store', proxy.url];
      const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
      // Ann's session must be for the proxy's URL: sign in through it.
      const login = await ann.run([...via, 'account', 'login', '--email', ann.email, '--password-stdin'], {
        input: ann.password + '\n',
      });
      expect(login.exitCode, login.stderr).toBe(0);
      // The session token itself: account delete forgets the saved session when it succeeds.
      const saved = JSON.parse(readFileSync(join(ann.configDir, 'config.json'), 'utf8')) as {
        sessions: Record<string, { email: string; token: string }>;
      };
      const token = Object.values(saved.sessions).find((s) => s.email === ann.email)!.token;

      // 150 members in Ann's company, each with their own main company and Ann's as current:
      // deleting Ann rewrites 150 users, cascades 150 memberships and her tokens, and audits.
      const c = direct(t.store);
      const annId = Number((await c.execute(`SELECT id FROM users WHERE email = 'ann@example.com'`)).rows[0]!.id);
      const annCompany = Number(
        (await c.execute({ sql: `SELECT id FROM companies WHERE owner_id = ?`, args: [annId] })).rows[0]!.id,
      );
      const now = new Date().toISOString();
      const seed = [
        `UPDATE companies SET plan_id = (SELECT id FROM plans WHERE name = 'ENTERPRISE') WHERE id = ${annCompany}`,
      ];
      for (let i = 1; i <= 150; i++) {
        const uid = 1000 + i;
        const cid = 1000 + i;
        seed.push(
          `INSERT INTO users (id, email, first_name, last_name, password_hash, current_company_id, created_at, updated_at) VALUES (${uid}, 'm${i}@example.com', 'M', 'Member${i}', 'x', ${annCompany}, '${now}', '${now}')`,
          `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at) VALUES (${cid}, 'Member${i} Company', ${uid}, 1, '${now}', '${now}')`,
          `INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at) VALUES (${cid}, ${uid}, 'm${i}@example.com', 'OWNER', 'ACTIVE', '${now}', '${now}')`,
          `INSERT INTO memberships (company_id, user_id, email, role, status, invited_by, created_at, updated_at) VALUES (${annCompany}, ${uid}, 'm${i}@example.com', 'DESIGNER', 'ACTIVE', ${annId}, '${now}', '${now}')`,
        );
      }
      await c.batch(seed, 'write');
      c.close();
      await t.expectClean();

      // Keep a copy of the data directory to start each round from the same state.
      await t.sqld!.stop();
      const pristine = join(t.dir, 'sqld-pristine');
      cpSync(t.sqld!.dataDir, pristine, { recursive: true });
      const restore = async () => {
        await t.sqld!.stop();
        rmSync(t.sqld!.dataDir, { recursive: true, force: true });
        cpSync(pristine, t.sqld!.dataDir, { recursive: true });
        await t.sqld!.start();
      };
      await t.sqld!.start();
      const before = await fingerprint(direct(t.store));

      const del = ['account', 'delete', '--yes'];
      // A clean run first: how many requests the command makes, and the state after it.
      proxy.arm(Infinity);
      const ok = await ann.run([...via, '--json', ...del], { token });
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ deleted: true, removedMembers: 150 });
      // Every request up to the one that commits (a last one closes the stream).
      const requests = proxy.commitRequest();
      expect(requests).toBeGreaterThan(6);
      const after = await fingerprint(direct(t.store), { ignoreTimes: true });
      expect(after).not.toBe(before);
      const a = JSON.parse(after);
      expect(a.users.find((u: any) => u.email === 'ann@example.com')).toBeUndefined();
      // Ann's company was their current one: they now have none until they switch.
      expect(a.users.filter((u: any) => /^m\d+@/.test(u.email)).every((u: any) => u.current_company_id === null)).toBe(
        true,
      );
      await restore();

      // Crash sqld as request k arrives: before anything, then at every request of the
      // write transaction (BEGIN IMMEDIATE travels with its first statement) up to COMMIT.
      const begin = proxy.bodies.findIndex((b) => b.includes('BEGIN IMMEDIATE')) + 1;
      expect(begin).toBeGreaterThan(1);
      for (const k of [1, ...Array.from({ length: requests - begin + 1 }, (_, i) => begin + i)]) {
        proxy.arm(k, 'before');
        const r = await ann.run([...via, ...del], { token });
        expect(proxy.killed, `request ${k}: ${r.exitCode} ${r.stderr}`).toBe(true);
        expectOneLineError(r, 7, /is unreachable|stopped answering|may or may not have been applied/);
        await t.sqld!.start();
        expect(await fingerprint(direct(t.store)), `killed at request ${k} of ${requests}`).toBe(before);
      }

      // Crash sqld after it answered the last request (COMMIT) but before the client heard:
      // the command cannot know, says so, and the store holds the whole change.
      proxy.arm(requests, 'after');
      const lost = await ann.run([...via, ...del], { token });
      expectOneLineError(lost, 7, /while committing: the change may or may not have been applied/);
      await t.sqld!.start();
      expect(await fingerprint(direct(t.store), { ignoreTimes: true })).toBe(after);
    } finally {
      await proxy.close();
    }
  });
});

/** An EdDSA JWT as sqld expects it, signed with node:crypto. */
function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${part({ alg: 'EdDSA', typ: 'JWT' })}.${part(claims)}`;
  return `${head}.${sign(null, Buffer.from(head), key).toString('base64url')}`;
}

describe('remote engine with JWT auth (sqld --auth-jwt-key-file)', () => {
  // store check after the test needs a token: the test runs it itself.
  const fresh = useStore('libsql', { check: false });

  it('sqld also takes the public key as raw URL-safe base64', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyFile = join(process.env.TMPDIR ?? '/tmp', `platformctl-jwt-${process.pid}-raw-${Date.now()}.key`);
    writeFileSync(keyFile, publicKey.export({ format: 'jwk' }).x!);
    let t: TestStore;
    try {
      t = await fresh({ sqldArgs: ['--auth-jwt-key-file', keyFile] });
    } finally {
      rmSync(keyFile, { force: true });
    }
    expectOneLineError(await t.run(['store', 'init']), 7, /Authentication to the store .* failed/);
    const ok = await t.run(['store', 'init'], { env: { PLATFORMCTL_STORE_TOKEN: jwt(privateKey, {}) } });
    expect(ok.exitCode, ok.stderr).toBe(0);
  });

  it.each(['pem'] as const)(
    'no token, bad token, read-only token and read-write token (%s public key)',
    async (format) => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const keyFile = join(process.env.TMPDIR ?? '/tmp', `platformctl-jwt-${process.pid}-${format}-${Date.now()}.key`);
      // sqld takes the public key as SPKI PEM or as the raw 32 bytes in URL-safe base64.
      writeFileSync(
        keyFile,
        format === 'pem' ? publicKey.export({ type: 'spki', format: 'pem' }) : publicKey.export({ format: 'jwk' }).x!,
      );
      let t: TestStore;
      try {
        t = await fresh({ sqldArgs: ['--auth-jwt-key-file', keyFile] });
      } finally {
        rmSync(keyFile, { force: true });
      }
      const rw = jwt(privateKey, {});
      const ro = jwt(privateKey, { a: 'ro' });
      const forged = jwt(generateKeyPairSync('ed25519').privateKey, {});
      const outputs: RunResult[] = [];
      const run = async (args: string[], token: string | undefined, o: { configDir?: string } = {}) => {
        const r = await t.run(args, {
          env: { PLATFORMCTL_STORE_TOKEN: token },
          configDir: o.configDir ?? join(t.dir, 'config-ann'),
        });
        outputs.push(r);
        return r;
      };

      expectOneLineError(
        await run(['store', 'init'], undefined),
        7,
        /Authentication to the store http:\/\/127\.0\.0\.1:\d+\/ failed/,
      );
      expectOneLineError(await run(['store', 'init'], forged), 7, /Authentication to the store .* failed/);

      const reg = await t.run(
        [
          'account',
          'register',
          '--email',
          'ann@example.com',
          '--first-name',
          'Ann',
          '--last-name',
          'Smith',
          '--password-stdin',
        ],
        {
          input: 'correct horse battery\n',
          env: { PLATFORMCTL_STORE_TOKEN: rw },
          configDir: join(t.dir, 'config-ann'),
        },
      );
      outputs.push(reg);
      expect(reg.exitCode, reg.stderr).toBe(0);

      // Read-only: reads work, a write is refused as such and changes nothing.
      const list = await run(['--json', 'company', 'list'], ro);
      expect(list.exitCode, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject([
        { name: 'Smith Company', role: 'OWNER', current: true, main: true },
      ]);
      expect((await run(['account', 'show'], ro)).exitCode).toBe(0);
      const roCheck = await run(['store', 'check'], ro);
      expect(roCheck.exitCode, roCheck.stderr).toBe(0);
      expectOneLineError(
        await run(['account', 'update', '--first-name', 'Zed'], ro),
        7,
        /refused the write: the token only allows reading\. Nothing was changed\./,
      );
      // A read-only token is enough for an online backup.
      const backup = await run(['store', 'backup', join(t.dir, 'ro-backup.db')], ro);
      expect(backup.exitCode, backup.stderr).toBe(0);

      // Read-write through the config key storeToken; the env variable wins over it.
      const configPath = join(t.dir, 'config-ann', 'config.json');
      writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), storeToken: rw }));
      expectOneLineError(await run(['account', 'update', '--first-name', 'Zed'], ro), 7, /only allows reading/);
      const upd = await run(['--json', 'account', 'update', '--first-name', 'Anna'], undefined);
      expect(upd.exitCode, upd.stderr).toBe(0);
      const me = await run(['--json', 'account', 'show'], rw);
      expect(JSON.parse(me.stdout).user.firstName).toBe('Anna');
      const check = await run(['--json', 'store', 'check'], rw);
      expect(check.exitCode, check.stdout).toBe(0);

      for (const r of outputs) for (const secret of [rw, ro, forged]) expect(r.stdout + r.stderr).not.toContain(secret);
    },
  );
});
