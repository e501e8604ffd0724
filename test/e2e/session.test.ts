import type * as ScryptKdfModule from 'scrypt-kdf';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config } from '../../src/config.js';
import { openStore, parseLocation } from '../../src/store/open.js';
import { engines, useStore, PASSWORD, type TestStore, type User } from './harness.js';

// What needs a process: the files the CLI writes in --config-dir (and their mode), the
// environment (PLATFORMCTL_TOKEN, PLATFORMCTL_DEBUG), exit statuses, stdout vs stderr, one-line
// errors and JSON errors, production's scrypt cost, each engine. The rules of login, logout,
// status, switch, register's sessions and token create/list/revoke (messages, states, who may
// do what, what the store holds) are checked in unit tests of their run() on both engines:
// test/commands/account/{login,logout,status,switch,session-*}.test.ts and token/*.test.ts.
// Throttling of failed sign-ins (per e-mail and device, the account ceiling, staff unlock):
// throttle.test.ts.

type ScryptKdf = typeof ScryptKdfModule;
async function scrypt(): Promise<ScryptKdf> {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return m.default ?? m;
}

const configFile = (u: User) => join(u.configDir, 'config.json');

function sessionOf(u: User): string {
  const cfg = JSON.parse(readFileSync(configFile(u), 'utf8'));
  const all: { token: string }[] = Object.values(cfg.sessions ?? {});
  expect(all).toHaveLength(1);
  return all[0]!.token;
}

/** Set-up in this process: the store at `location` opened (created and migrated) as the CLI opens it. */
async function storeAt(location: string): Promise<{ key: string; id: string | undefined }> {
  const loc = parseLocation(location);
  const store = await openStore(loc);
  try {
    return { key: loc.key, id: await store.identity() };
  } finally {
    await store.close();
  }
}

const login = (t: TestStore, email: string, password: string, o: { configDir?: string; json?: boolean } = {}) =>
  t.run([...(o.json ? ['--json'] : []), 'account', 'login', '--email', email, '--password-stdin'], {
    input: password + '\n',
    ...(o.configDir ? { configDir: o.configDir } : {}),
  });

describe.each(engines())('sessions and tokens on %s', (engine) => {
  const fresh = useStore(engine);
  const local = engine === 'local';

  it('logout and login as processes: the session file in --config-dir (0600), the store revokes, production scrypt (a weaker hash redone at logN 17), exit 0 and 3', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const first = sessionOf(ann);
    const s = await scrypt();
    const weak = Buffer.from(await s.kdf(PASSWORD, { logN: 14, r: 8, p: 1 })).toString('base64');
    await t.write((tx) => tx.run(`UPDATE users SET password_hash = :h WHERE email = :e`, { h: weak, e: ann.email }));

    const out = await ann.run(['account', 'logout']);
    expect([out.exitCode, out.stdout, out.stderr]).toEqual([0, '', '✓ Signed out ann@example.com.']);
    expect(JSON.parse(readFileSync(configFile(ann), 'utf8')).sessions).toEqual({});
    // Revoked in the store, not only forgotten here (that a revoked session is refused: unit tests).
    const revoked = await t.query((q) =>
      q.tx.all<{ revoked_at: string | null }>(`SELECT revoked_at FROM tokens WHERE kind = 'session'`),
    );
    expect(revoked.map((x) => x.revoked_at !== null)).toEqual([true]);

    const r = await login(t, 'ANN@example.com ', PASSWORD, { configDir: ann.configDir, json: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ user: { email: 'ann@example.com' }, signedIn: true });
    expect(sessionOf(ann)).not.toBe(first);
    expect(statSync(configFile(ann)).mode & 0o777).toBe(0o600);
    // The CLI hashes with production's parameters (unit tests inject cheap ones).
    const now = (await t.query((q) =>
      q.tx.get<{ h: string }>(`SELECT password_hash AS h FROM users WHERE email = :e`, { e: ann.email }),
    ))!.h;
    expect(now).not.toBe(weak);
    expect(s.viewParams(Buffer.from(now, 'base64'))).toEqual({ logN: 17, r: 8, p: 1 });

    const unknown = await login(t, 'nobody@example.com', PASSWORD, { json: true });
    expect([unknown.exitCode, unknown.stdout]).toEqual([3, '']);
    expect(JSON.parse(unknown.stderr)).toEqual({
      error: { code: 'BAD_CREDENTIALS', message: 'Incorrect e-mail or password.' },
    });
  });

  it('several accounts in one --config-dir: the active one is kept from process to process; status and switch exit 0 and 3', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([{ email: 'ann@example.com' }, { email: 'bob@example.com' }]);
    // One machine where Ann then Bob signed in, saved as the CLI saves sessions.
    const me = join(t.dir, 'me');
    const { key, id } = await storeAt(t.store);
    const cfg = new Config(me);
    cfg.bind(key, id);
    for (const u of [ann, bob]) await cfg.saveSession(key, { token: u.sessionToken!, email: u.email });
    const as = (args: string[]) => t.run(args, { configDir: me });

    const status = await as(['account', 'status']);
    expect([status.exitCode, status.stdout, status.stderr]).toEqual([
      0,
      '\tann@example.com\tsigned in\n*\tbob@example.com\tsigned in',
      '',
    ]);
    const sw = await as(['account', 'switch', 'ANN@example.com']);
    expect([sw.exitCode, sw.stdout, sw.stderr]).toEqual([
      0,
      '',
      '✓ ann@example.com is now the active account on this store.',
    ]);
    const nobody = await as(['account', 'switch', 'carol@example.com']);
    expect([nobody.exitCode, nobody.stdout, nobody.stderr]).toEqual([
      3,
      '',
      'error: carol@example.com is not signed in on this store (signed in: ann@example.com, bob@example.com). Sign in with `platformctl account login --email carol@example.com`.',
    ]);

    // The store no longer accepts either session: the list goes to stderr with the error (Ann
    // still marked active: the switch was saved), nothing on stdout, exit 3.
    await t.write((tx) => tx.run(`UPDATE tokens SET revoked_at = '2001-01-01T00:00:00.000Z'`));
    const stale = await as(['account', 'status']);
    expect([stale.exitCode, stale.stdout, stale.stderr]).toEqual([
      3,
      '',
      '*\tann@example.com\trevoked: sign in again\n\tbob@example.com\trevoked: sign in again\nerror: Nobody is signed in to this store with a session it still accepts. Sign in again with `platformctl account login`.',
    ]);
  });

  it('sessions belong to the store, not to the spelling of its location; another store is not signed in; older config files are taken over', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    // Another spelling of the same store: a symbolic link to the file, or another host name for the server.
    const other = local ? join(t.dir, 'link.db') : t.store.replace('127.0.0.1', 'localhost');
    if (local) symlinkSync(t.store, other);
    // Another store: the same config dir is not signed in there. The refusal is one line,
    // without a stack trace (PLATFORMCTL_DEBUG=1 adds one: see the errors test below).
    const elsewhere = join(t.dir, 'other.db');
    await storeAt(elsewhere);
    const plain = await ann.run(['--store', elsewhere, 'account', 'show']);
    expect([plain.exitCode, plain.stdout, plain.stderr]).toEqual([
      3,
      '',
      'error: You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.',
    ]);

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
    // Taken over (owned by the store's identity, as every session saved now is), it works
    // from every spelling of the location.
    const then = await t.run(['--store', other, '--json', 'account', 'show'], { configDir: old });
    expect(then.exitCode, then.stderr).toBe(0);
    expect(JSON.parse(then.stdout).user.email).toBe('ann@example.com');
  });

  it('errors: one line without a stack trace (the tests above), or one JSON object on stderr; a stack only with PLATFORMCTL_DEBUG=1', async () => {
    const t = await fresh();
    await storeAt(t.store);
    const usage = await t.run(['--json', 'account', 'login']);
    expect(usage.exitCode).toBe(2);
    expect(JSON.parse(usage.stderr).error).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/--email/) });
    const debug = await t.run(['account', 'show'], { env: { PLATFORMCTL_DEBUG: '1' } });
    expect(debug.exitCode).toBe(3);
    expect(debug.stderr).toMatch(/^error: You are not signed in/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('personal API tokens: the secret alone on stdout, PLATFORMCTL_TOKEN with an empty config dir and over a saved session; token commands exit 0, 2, 5, 6', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([{ email: 'ann@example.com' }, { email: 'bob@example.com' }]);
    const created = await ann.run(['account', 'token', 'create', '--name', 'ci', '--expires-in', '30']);
    expect(created.exitCode, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(created.stdout).toMatch(/^pct_[A-Za-z0-9_-]{40,}\n?$/);
    expect(created.stderr).toMatch(/Created token \d+ "ci", expires /);
    expect(created.stderr).not.toContain(secret);
    const id = /Created token (\d+) /.exec(created.stderr)![1]!;

    // CI: only the token, an empty config dir; it acts as Ann.
    const list = await t.run(['account', 'token', 'list'], { token: secret, configDir: join(t.dir, 'empty-config') });
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\tci\\tACTIVE\\t`));
    expect(list.stdout).not.toContain(secret);

    // PLATFORMCTL_TOKEN overrides Bob's saved session: logout acts on the token (an API token
    // is not a session: exit 2), and Bob stays signed in.
    const bobs = sessionOf(bob);
    const lo = await bob.run(['account', 'logout'], { token: secret });
    expect([lo.exitCode, lo.stderr]).toEqual([
      2,
      'error: This is a personal API token, not a session; revoke it with `platformctl account token revoke ID`.',
    ]);
    expect(sessionOf(bob)).toBe(bobs);

    const missing = await ann.run(['--json', 'account', 'token', 'revoke', '9999']);
    expect([missing.exitCode, missing.stdout]).toEqual([5, '']);
    expect(JSON.parse(missing.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: 'No personal API token with id 9999.' },
    });
    expect((await ann.run(['account', 'token', 'revoke', 'abc'])).exitCode).toBe(2);
    expect((await ann.run(['account', 'token', 'create', '--name', 'x', '--expires-in', '0'])).exitCode).toBe(2);

    const revoked = await ann.run(['account', 'token', 'revoke', id]);
    expect([revoked.exitCode, revoked.stderr]).toEqual([0, `✓ Revoked token ${id} "ci".`]);
    const twice = await ann.run(['account', 'token', 'revoke', id]);
    expect(twice.exitCode).toBe(6);
  });
});
