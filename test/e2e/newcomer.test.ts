import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';

const NOT_SIGNED_IN = 'error: You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.';
const ENV_HINT =
  'Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).';

/** What a newcomer met without a terminal, driven through real pipes. */
describe.each(engines())('sessions, store locations and checks, without a terminal, on %s', (engine) => {
  const fresh = useStore(engine);

  it('a PLATFORMCTL_TOKEN the store refuses says to unset it or make a new token, not to sign in', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const api = (await ann.run(['account', 'token', 'create', '--name', 'ci'])).stdout.trim();
    const id = (await ann.json(['account', 'token', 'list']))[0].id;
    expect((await ann.run(['account', 'token', 'revoke', String(id)])).exitCode).toBe(0);
    const revoked = await t.run(['account', 'show'], { token: api });
    expect([revoked.exitCode, revoked.stderr]).toEqual([
      3,
      `error: The token in PLATFORMCTL_TOKEN was revoked. ${ENV_HINT}`,
    ]);
    await t.query((r) => r.tx.run(`UPDATE tokens SET revoked_at = NULL, expires_at = '2000-01-01T00:00:00.000Z'`));
    const expired = await t.run(['account', 'show'], { token: api });
    expect(expired.stderr).toBe(`error: The token in PLATFORMCTL_TOKEN has expired. ${ENV_HINT}`);
    const unknown = await t.run(['account', 'show'], { token: 'pct_nothing-like-it' });
    expect(unknown.stderr).toBe(`error: The token in PLATFORMCTL_TOKEN is not valid for this store. ${ENV_HINT}`);
    // A saved session keeps the sign-in hint.
    const saved = await ann.run(['account', 'show']);
    expect(saved.stderr).toBe(
      'error: Your session or token has expired. Sign in again with `platformctl account login`.',
    );
  });

  it('account status: one "not signed in" wording, JSON states as documented, exit 3 when nobody usable is signed in', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const none = await t.run(['account', 'status']);
    const show = await t.run(['account', 'show']);
    expect([none.exitCode, none.stderr]).toEqual([3, NOT_SIGNED_IN]);
    expect(show.stderr).toBe(NOT_SIGNED_IN);

    const ann = await t.seed('ann@example.com');
    const ok = await ann.json(['account', 'status']);
    expect(ok.accounts).toEqual([{ email: 'ann@example.com', active: true, session: 'signed_in' }]);

    await t.query((r) => r.tx.run(`UPDATE tokens SET revoked_at = '2001-01-01T00:00:00.000Z'`));
    const stale = await ann.run(['account', 'status']);
    expect(stale.exitCode).toBe(3);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toMatch(/ann@example\.com\s+revoked: sign in again/);
    expect(stale.stderr).toMatch(/\nerror: Nobody is signed in to this store with a session it still accepts\./);
    const json = await ann.run(['--json', 'account', 'status']);
    expect(json.exitCode).toBe(3);
    expect(JSON.parse(json.stdout).accounts).toEqual([{ email: 'ann@example.com', active: true, session: 'revoked' }]);
    expect(JSON.parse(json.stderr).error.code).toBe('AUTH_REQUIRED');
  });

  it('account register with an e-mail already registered and no password way in: exit 6 before the password', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const r = await t.run([
      'account',
      'register',
      '--email',
      'ann@example.com',
      '--first-name',
      'A',
      '--last-name',
      'B',
    ]);
    expect(r.exitCode, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/^error: An account for ann@example.com already exists/);
    const fresh2 = await t.run([
      'account',
      'register',
      '--email',
      'new@example.com',
      '--first-name',
      'A',
      '--last-name',
      'B',
    ]);
    expect([fresh2.exitCode, fresh2.stderr]).toEqual([
      2,
      'error: The password cannot be asked: standard input is not a terminal. Pass --password-stdin and write it to standard input.',
    ]);
  });

  it('--store with a URL scheme platformctl does not speak is refused (exit 2); paths with a colon still work', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const r = await t.run(['--store', 'ftp://x', 'account', 'status']);
    expect([r.exitCode, r.stderr]).toEqual([
      2,
      'error: The store location has an unknown URL scheme "ftp:". A store is a path, file:<path>, or a URL with libsql:, http:, https:, ws: or wss:.',
    ]);
    const other = await t.run(['--store', 'SFTP://host/x.db', 'store', 'init']);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/unknown URL scheme "SFTP:"/);
    const colon = join(t.dir, 'a:b.db');
    const init = await t.run(['--store', colon, 'store', 'init']);
    expect(init.exitCode, init.stderr).toBe(0);
  });

  it('password change refuses the current password as the new one, after verifying it (exit 2), changes nothing', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const same = await ann.run(['password', 'change', '--password-stdin'], {
      input: `${PASSWORD}\n${PASSWORD}\n${PASSWORD}\n`,
    });
    expect([same.exitCode, same.stderr]).toEqual([
      2,
      'error: The new password is the same as the current one; choose a different password.',
    ]);
    // The order: a wrong current password is said first (exit 3), then this.
    const wrong = await ann.run(['password', 'change', '--password-stdin'], {
      input: `not the current one\n${PASSWORD}\n${PASSWORD}\n`,
    });
    expect([wrong.exitCode, wrong.stderr]).toEqual([3, 'error: Current password is incorrect.']);
    expect((await ann.run(['account', 'show'])).exitCode).toBe(0);
  });
});
