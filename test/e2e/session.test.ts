import type * as ScryptKdfModule from 'scrypt-kdf';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type TestStore, type User } from './harness.js';

type ScryptKdf = typeof ScryptKdfModule;
async function scrypt(): Promise<ScryptKdf> {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return m.default ?? m;
}

function sessionOf(u: User): string {
  const cfg = JSON.parse(readFileSync(join(u.configDir, 'config.json'), 'utf8'));
  const all: { token: string }[] = Object.values(cfg.sessions ?? {});
  expect(all).toHaveLength(1);
  return all[0]!.token;
}

const login = (t: TestStore, email: string, password: string, o: { configDir?: string; json?: boolean } = {}) =>
  t.run([...(o.json ? ['--json'] : []), 'account', 'login', '--email', email, '--password-stdin'], {
    input: password + '\n',
    ...(o.configDir ? { configDir: o.configDir } : {}),
  });

describe.each(engines())('sessions and tokens on %s', (engine) => {
  const fresh = useStore(engine);
  const local = engine === 'local';

  it('login opens a session, logout revokes it in the store and forgets it locally', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const first = sessionOf(ann);
    const out = await ann.run(['account', 'logout']);
    expect([out.exitCode, out.stdout, out.stderr]).toEqual([0, '', '✓ Signed out ann@example.com.']);
    expect(JSON.parse(readFileSync(join(ann.configDir, 'config.json'), 'utf8')).sessions).toEqual({});
    // Not signed in any more, and the old token is dead in the store.
    for (const o of [{}, { token: first }]) {
      const r = await ann.run(['--json', 'account', 'show'], o);
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr).error.code).toBe('AUTH_REQUIRED');
    }
    // Already signed out is not an error (scripts may sign out twice).
    const again = await ann.run(['account', 'logout']);
    expect([again.exitCode, again.stdout, again.stderr]).toEqual([
      0,
      '',
      'You are not signed in to this store; nothing to do.',
    ]);
    expect(JSON.parse((await ann.run(['--json', 'account', 'logout'])).stdout)).toEqual({
      signedOut: false,
      email: null,
      active: null,
    });

    const r = await login(t, 'ANN@example.com ', PASSWORD, { configDir: ann.configDir, json: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ user: { email: 'ann@example.com' }, signedIn: true });
    expect(sessionOf(ann)).not.toBe(first);
    expect((await ann.json(['account', 'whoami'])).user.email).toBe('ann@example.com');
    // Sessions are per store location: the same config dir is not signed in elsewhere.
    expect((await t.run(['--store', join(t.dir, 'other.db'), 'store', 'init'])).exitCode).toBe(0);
    const elsewhere = await ann.run(['--store', join(t.dir, 'other.db'), 'account', 'show']);
    expect(elsewhere.exitCode).toBe(3);

    const unknown = await login(t, 'nobody@example.com', PASSWORD, { json: true });
    expect(unknown.exitCode).toBe(3);
    expect(JSON.parse(unknown.stderr)).toEqual({
      error: { code: 'BAD_CREDENTIALS', message: 'Incorrect e-mail or password.' },
    });
  });

  it('several accounts per store: register and login add one and make it active, switch changes it, logout removes it, status lists them', async () => {
    const t = await fresh();
    const me = join(t.dir, 'me');
    const as = (args: string[], o: { input?: string } = {}) => t.run(args, { configDir: me, ...o });
    const register = (email: string, last: string) =>
      as(['account', 'register', '--email', email, '--first-name', 'X', '--last-name', last, '--password-stdin'], {
        input: PASSWORD + '\n',
      });
    const whoami = async () => JSON.parse((await as(['--json', 'account', 'whoami'])).stdout).user.email as string;
    expect((await register('ann@example.com', 'Smith')).exitCode).toBe(0);
    // Registering Bob does not sign Ann out: it says so, and how to go back.
    const bob = await register('bob@example.com', 'Jones');
    expect(bob.exitCode, bob.stderr).toBe(0);
    expect(bob.stderr).toContain(
      'ann@example.com stays signed in: `platformctl account switch ann@example.com` makes it active again.',
    );
    expect(await whoami()).toBe('bob@example.com');
    const status = JSON.parse((await as(['--json', 'account', 'status'])).stdout);
    expect(status).toEqual({
      store: expect.any(String),
      accounts: [
        { email: 'ann@example.com', active: false, session: 'signed_in' },
        { email: 'bob@example.com', active: true, session: 'signed_in' },
      ],
      token: null,
    });
    expect((await as(['account', 'status'])).stdout).toBe(
      '\tann@example.com\tsigned in\n*\tbob@example.com\tsigned in',
    );

    // Playing two people: Ann invites Bob, Bob sees the invitation.
    const sw = await as(['account', 'switch', 'ANN@example.com']);
    expect([sw.exitCode, sw.stderr]).toEqual([0, '✓ ann@example.com is now the active account on this store.']);
    expect(await whoami()).toBe('ann@example.com');
    expect((await as(['member', 'invite', 'bob@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await as(['account', 'switch', 'bob@example.com'])).exitCode).toBe(0);
    const companies = JSON.parse((await as(['--json', 'company', 'list'])).stdout);
    expect(companies.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['Jones Company', 'ACTIVE'],
      ['Smith Company', 'INVITED'],
    ]);
    const again = await as(['--json', 'account', 'switch', 'bob@example.com']);
    expect(JSON.parse(again.stdout)).toEqual({ active: 'bob@example.com', changed: false });
    const nobody = await as(['account', 'switch', 'carol@example.com']);
    expect([nobody.exitCode, nobody.stderr]).toEqual([
      3,
      'error: carol@example.com is not signed in on this store (signed in: ann@example.com, bob@example.com). Sign in with `platformctl account login --email carol@example.com`.',
    ]);

    // Logout signs out the active account; the one signed in most recently before becomes active.
    const out = await as(['account', 'logout']);
    expect([out.exitCode, out.stderr]).toEqual([
      0,
      '✓ Signed out bob@example.com. ann@example.com is now the active account on this store.',
    ]);
    expect(await whoami()).toBe('ann@example.com');
    // Bob's session is revoked in the store, not only forgotten.
    const tokens = await t.query((r) =>
      r.tx.all<{ revoked_at: string | null }>(`SELECT revoked_at FROM tokens ORDER BY id`),
    );
    expect(tokens.map((x) => x.revoked_at !== null)).toEqual([false, true]);
    const notHere = await as(['account', 'logout', '--email', 'bob@example.com']);
    expect([notHere.exitCode, notHere.stderr]).toEqual([
      0,
      'bob@example.com is not signed in on this store; nothing to do.',
    ]);

    // A session the store no longer accepts: status says so, logout forgets it calmly.
    await t.query((r) => r.tx.run(`UPDATE tokens SET revoked_at = '2001-01-01T00:00:00.000Z'`));
    expect(JSON.parse((await as(['--json', 'account', 'status'])).stdout).accounts).toEqual([
      { email: 'ann@example.com', active: true, session: 'revoked' },
    ]);
    // Nobody usable is signed in: status lists the stale session on stderr and exits 3.
    const only = await as(['account', 'status']);
    expect(only.exitCode).toBe(3);
    expect(only.stderr).toMatch(/ann@example\.com\s+revoked: sign in again/);
    const stale = await as(['account', 'logout']);
    expect([stale.exitCode, stale.stderr]).toEqual([
      0,
      '✓ The session of ann@example.com had already ended in the store (expired or revoked); it was forgotten here.',
    ]);
    const none = await as(['account', 'status']);
    expect([none.exitCode, none.stderr]).toEqual([
      3,
      'error: You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.',
    ]);
  });

  it('sessions belong to the store, not to the spelling of its location; older config files are taken over', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    // Another spelling of the same store: a symbolic link to the file, or another host name for the server.
    const other = local ? join(t.dir, 'link.db') : t.store.replace('127.0.0.1', 'localhost');
    if (local) symlinkSync(t.store, other);
    const r = await ann.run(['--store', other, '--json', 'account', 'show']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).user.email).toBe('ann@example.com');

    // A config file written before sessions had an owner: one session keyed by location.
    const token = sessionOf(ann);
    const old = join(t.dir, 'old-config');
    const key = local ? t.store : new URL(t.store).toString();
    mkdirSync(old, { recursive: true });
    writeFileSync(
      join(old, 'config.json'),
      JSON.stringify({ sessions: { [key]: { token, email: 'ann@example.com' } } }),
    );
    const before = await t.run(['--json', 'account', 'show'], { configDir: old });
    expect(before.exitCode, before.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(join(old, 'config.json'), 'utf8'));
    expect(Object.values(cfg.sessions)).toEqual([
      { token, email: 'ann@example.com', store: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(statSync(join(old, 'config.json')).mode & 0o777).toBe(0o600);
    // Taken over, it now works from every spelling too.
    const then = await t.run(['--store', other, '--json', 'account', 'show'], { configDir: old });
    expect(then.exitCode, then.stderr).toBe(0);
  });

  it('errors: one line without a stack trace, or one JSON object on stderr; a stack only with PLATFORMCTL_DEBUG=1', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const plain = await t.run(['account', 'show']);
    expect(plain.exitCode).toBe(3);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toBe(
      'error: You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.',
    );
    const json = await t.run(['account', 'show', '--json']);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'AUTH_REQUIRED',
        message: 'You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.',
      },
    });
    const usage = await t.run(['--json', 'account', 'login']);
    expect(usage.exitCode).toBe(2);
    expect(JSON.parse(usage.stderr).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/--email/) });
    const debug = await t.run(['account', 'show'], { env: { PLATFORMCTL_DEBUG: '1' } });
    expect(debug.exitCode).toBe(3);
    expect(debug.stderr).toMatch(/^error: You are not signed in/);
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
  });

  it('personal API tokens: secret printed once on stdout, PLATFORMCTL_TOKEN works with an empty config dir, revoke → exit 3', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([t.seed('ann@example.com'), t.seed('bob@example.com')]);
    const created = await ann.run(['account', 'token', 'create', '--name', 'ci', '--expires-in', '30']);
    expect(created.exitCode, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(created.stdout).toMatch(/^pct_[A-Za-z0-9_-]{40,}\n?$/);
    expect(created.stderr).toMatch(/Created token \d+ "ci", expires /);
    expect(created.stderr).not.toContain(secret);

    const list = await ann.run(['--json', 'account', 'token', 'list']);
    expect(list.stdout).not.toContain(secret);
    const tokens = JSON.parse(list.stdout);
    expect(tokens).toEqual([
      {
        id: expect.any(Number),
        name: 'ci',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        status: 'ACTIVE',
      },
    ]);
    const id = String(tokens[0].id);
    const plainList = await ann.run(['account', 'token', 'list']);
    expect(plainList.stdout).toMatch(new RegExp(`^${id}\\tci\\tACTIVE\\t`));

    // CI: only the token, an empty config dir; PLATFORMCTL_TOKEN overrides Bob's saved session.
    const empty = join(t.dir, 'empty-config');
    expect(
      JSON.parse((await t.run(['--json', 'account', 'show'], { token: secret, configDir: empty })).stdout).user.email,
    ).toBe('ann@example.com');
    expect((await bob.json(['account', 'show'], { token: secret })).user.email).toBe('ann@example.com');
    // An API token is not a session: logout refuses it.
    const lo = await t.run(['account', 'logout'], { token: secret, configDir: empty });
    expect(lo.exitCode).toBe(2);

    // Bob cannot revoke Ann's token; nobody can revoke what does not exist or a session.
    expect((await bob.run(['account', 'token', 'revoke', id])).exitCode).toBe(5);
    const missing = await ann.run(['--json', 'account', 'token', 'revoke', '9999']);
    expect(missing.exitCode).toBe(5);
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No personal API token with id 9999.' },
    });
    expect((await ann.run(['account', 'token', 'revoke', 'abc'])).exitCode).toBe(2);
    expect((await ann.run(['account', 'token', 'create', '--name', 'x', '--expires-in', '0'])).exitCode).toBe(2);

    const revoked = await ann.run(['account', 'token', 'revoke', id]);
    expect([revoked.exitCode, revoked.stderr]).toEqual([0, `✓ Revoked token ${id} "ci".`]);
    const dead = await t.run(['account', 'show'], { token: secret, configDir: empty });
    expect(dead.exitCode).toBe(3);
    expect(dead.stderr).toMatch(/revoked/);
    const twice = await ann.run(['account', 'token', 'revoke', id]);
    expect(twice.exitCode).toBe(6);
    expect((await ann.json(['account', 'token', 'list']))[0].status).toBe('REVOKED');
  });

  // Throttling of failed sign-ins (per e-mail and device, the account ceiling, staff
  // unlock): throttle.test.ts.

  it.runIf(local)(
    'expired tokens and sessions are refused (exit 3); secrets and passwords are stored only as hashes',
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com');
      const session = sessionOf(ann);
      const api = (await ann.run(['account', 'token', 'create', '--name', 'ci', '--expires-in', '1'])).stdout.trim();
      const db = new Database(t.store);
      const files = [t.store, t.store + '-wal'].filter((f) => existsSync(f));
      const bytes = files.map((f) => readFileSync(f).toString('latin1') + readFileSync(f).toString('utf8')).join('');
      // (The password, which a seeded user never sent through the CLI, is looked for in
      // the store's bytes by security.test.ts after a real register, login and change.)
      for (const secret of [session, api]) {
        expect(bytes).not.toContain(secret);
        expect(bytes).not.toContain(secret.slice(4, 24));
      }
      const rows = db.prepare(`SELECT kind, token_hash FROM tokens ORDER BY id`).all() as {
        kind: string;
        token_hash: string;
      }[];
      expect(rows.map((r) => r.kind)).toEqual(['session', 'api']);
      for (const r of rows) expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);

      db.prepare(`UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'api'`).run();
      db.close();
      const expired = await t.run(['account', 'show'], { token: api });
      expect([expired.exitCode, expired.stderr]).toEqual([
        3,
        'error: The token in PLATFORMCTL_TOKEN has expired. Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).',
      ]);
      expect((await ann.json(['account', 'token', 'list']))[0].status).toBe('EXPIRED');
      const db2 = new Database(t.store);
      db2.prepare(`UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'session'`).run();
      db2.close();
      expect((await ann.run(['account', 'show'])).exitCode).toBe(3);
    },
  );

  it.runIf(local)(
    'a password hash with weaker scrypt parameters is upgraded to logN 17 at the next successful login',
    async () => {
      const t = await fresh();
      const ann = await t.seed('ann@example.com');
      const s = await scrypt();
      const weak = Buffer.from(await s.kdf(PASSWORD, { logN: 14, r: 8, p: 1 })).toString('base64');
      const db = new Database(t.store);
      db.prepare(`UPDATE users SET password_hash = ? WHERE email = ?`).run(weak, ann.email);
      db.close();
      const stored = () => {
        const d = new Database(t.store, { readonly: true });
        const h = (d.prepare(`SELECT password_hash AS h FROM users WHERE email = ?`).get(ann.email) as { h: string }).h;
        d.close();
        return h;
      };
      // A failed login leaves it alone.
      expect((await login(t, ann.email, 'not the password')).exitCode).toBe(3);
      expect(stored()).toBe(weak);
      const ok = await login(t, ann.email, PASSWORD);
      expect(ok.exitCode, ok.stderr).toBe(0);
      const now = stored();
      expect(now).not.toBe(weak);
      expect(s.viewParams(Buffer.from(now, 'base64'))).toEqual({ logN: 17, r: 8, p: 1 });
      expect(await s.verify(Buffer.from(now, 'base64'), PASSWORD)).toBe(true);
    },
  );
});
