import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type TestStore } from './harness.js';

const SHORT = 'New password must be at least 8 characters long.';
const MISMATCH = 'New password and confirmation do not match.';
const WRONG = 'Current password is incorrect.';
const lines = (...l: string[]) => l.join('\n') + '\n';

/** Signs in as email in a config dir of its own; returns that dir. */
async function loginElsewhere(t: TestStore, email: string, password: string, name: string): Promise<string> {
  const dir = join(t.dir, name);
  const r = await t.run(['account', 'login', '--email', email, '--password-stdin'], {
    configDir: dir,
    input: password + '\n',
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return dir;
}

describe.each(engines())('password change on %s', (engine) => {
  const fresh = useStore(engine);

  it('checks length, then match, then the current password, with the exact messages and exit codes', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const change = (cur: string, next: string, confirm: string, json = false) =>
      ann.run([...(json ? ['--json'] : []), 'password', 'change', '--password-stdin'], {
        input: lines(cur, next, confirm),
      });

    // Short AND mismatched AND wrong current: the length message wins.
    let r = await change('wrong current', 'short', 'different');
    expect([r.exitCode, r.stderr, r.stdout]).toEqual([2, `error: ${SHORT}`, '']);
    // 7 emoji are 7 code points (14 UTF-16 units): still too short.
    r = await change(PASSWORD, '😀'.repeat(7), '😀'.repeat(7));
    expect([r.exitCode, r.stderr]).toEqual([2, `error: ${SHORT}`]);
    // 7 ligatures "ﬃ" are 21 code points after NFKC: long enough, so the mismatch is reported.
    r = await change('wrong current', 'ﬃ'.repeat(7), 'ﬃ'.repeat(6) + 'x');
    expect([r.exitCode, r.stderr]).toEqual([2, `error: ${MISMATCH}`]);
    // Mismatched AND wrong current: the mismatch wins.
    r = await change('wrong current', '😀'.repeat(8), '😀'.repeat(9));
    expect([r.exitCode, r.stderr]).toEqual([2, `error: ${MISMATCH}`]);
    // Only the current password is wrong.
    r = await change('wrong current', '😀'.repeat(8), '😀'.repeat(8), true);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'BAD_CREDENTIALS', message: WRONG } });

    // 8 emoji are fine.
    r = await change(PASSWORD, '😀'.repeat(8), '😀'.repeat(8), true);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true });
    let login = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], { input: PASSWORD + '\n' });
    expect([login.exitCode, login.stderr]).toEqual([3, 'error: Incorrect e-mail or password.']);
    login = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], {
      input: '😀'.repeat(8) + '\n',
    });
    expect(login.exitCode, login.stderr).toBe(0);
  });

  it('revokes every other session and API token of the user, keeps the current session', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const bob = await t.seed('bob@example.com');
    const elsewhere = await loginElsewhere(t, ann.email, PASSWORD, 'ann-laptop');
    const created = await ann.run(['account', 'token', 'create', '--name', 'ci']);
    const apiToken = created.stdout.trim();
    expect(apiToken).toMatch(/^pct_/);
    const bobToken = (await bob.run(['account', 'token', 'create', '--name', 'ci'])).stdout.trim();

    const r = await ann.run(['password', 'change', '--password-stdin'], {
      input: lines(PASSWORD, 'a brand new secret', 'a brand new secret'),
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Password changed; 2 other sessions and tokens were revoked/);

    const other = await t.run(['--json', 'account', 'show'], { configDir: elsewhere });
    expect(other.exitCode).toBe(3);
    expect(JSON.parse(other.stderr).error.code).toBe('AUTH_REQUIRED');
    // Signing out there succeeds (already signed out is not an error) and forgets the dead session locally.
    const out = await t.run(['account', 'logout'], { configDir: elsewhere });
    expect([out.exitCode, out.stderr]).toEqual([
      0,
      '✓ The session of ann@example.com had already ended in the store (expired or revoked); it was forgotten here.',
    ]);
    expect(JSON.parse(readFileSync(join(elsewhere, 'config.json'), 'utf8')).sessions).toEqual({});
    const api = await t.run(['account', 'show'], { token: apiToken });
    expect(api.exitCode).toBe(3);
    expect(api.stderr).toMatch(/revoked/);
    // The session that changed it stays; other users are untouched.
    expect((await ann.json(['account', 'show'])).user.email).toBe('ann@example.com');
    expect((await bob.json(['account', 'show'])).user.email).toBe('bob@example.com');
    expect((await t.run(['--json', 'account', 'show'], { token: bobToken })).exitCode).toBe(0);
  });

  // A password's length matters only to hashing, done before the store is touched, and
  // each of these steps is a full scrypt: run on the local engine only.
  it.runIf(engine === 'local')('accepts passwords of 1024+ code points without truncating them', async () => {
    const t = await fresh();
    // 1100 code points, multi-byte ones included.
    const long = [...'pässwörd-😀-'.repeat(100)].slice(0, 1000).join('') + 'x'.repeat(100);
    expect([...long].length).toBeGreaterThanOrEqual(1024);
    const ann = await t.register('ann@example.com', 'Ann', 'Smith', long);
    const prefix = [...long].slice(0, 1023).join('');
    const bad = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], { input: prefix + '\n' });
    expect(bad.exitCode).toBe(3);
    const good = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], { input: long + '\n' });
    expect(good.exitCode, good.stderr).toBe(0);
  });

  // Where a password may come from is decided while parsing arguments, before the store is
  // read or written: local store only.
  it.runIf(engine === 'local')(
    'without a terminal, passwords come only from --password-stdin (exit 2 naming it); --password is refused unechoed',
    async () => {
      const t = await fresh();
      await t.run(['store', 'init']);
      const noTTY = [
        ['account', 'register', '--email', 'ann@example.com', '--first-name', 'Ann', '--last-name', 'Smith'],
        ['account', 'login', '--email', 'ann@example.com'],
        ['password', 'change'],
      ];
      for (const args of noTTY) {
        const r = await t.run(args, { input: PASSWORD + '\n' });
        expect(r.exitCode, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/--password-stdin/);
      }
      const secret = 'hunter2-very-secret';
      const flagged = [
        [
          'account',
          'register',
          '--email',
          'ann@example.com',
          '--first-name',
          'Ann',
          '--last-name',
          'Smith',
          '--password',
          secret,
        ],
        ['account', 'login', '--password', secret, '--email', 'ann@example.com'],
        ['--password=' + secret, 'account', 'login', '--email', 'ann@example.com'],
        ['password', 'change', '--password', secret],
        ['--json', 'password', 'change', '--password', secret],
      ];
      for (const args of flagged) {
        const r = await t.run(args);
        expect(r.exitCode, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/--password-stdin/);
        expect(r.stderr).not.toContain(secret);
      }
      // --password-stdin wants its lines: three for password change, one for login.
      const two = await t.run(['password', 'change', '--password-stdin'], { input: lines('a', 'b') });
      expect([two.exitCode, two.stderr]).toEqual([
        2,
        'error: --password-stdin expects 3 non-empty lines on standard input.',
      ]);
      const none = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], { input: '' });
      expect(none.exitCode).toBe(2);
      expect(none.stderr).toMatch(/first line of standard input/);
      // Nobody was registered by any of this.
      const show = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
        input: PASSWORD + '\n',
      });
      expect(show.exitCode).toBe(3);
    },
  );

  it('password change needs a signed-in user (exit 3 AUTH_REQUIRED)', async () => {
    const t = await fresh();
    await t.run(['store', 'init']);
    const r = await t.run(['--json', 'password', 'change', '--password-stdin'], {
      input: lines(PASSWORD, 'new secret 123', 'new secret 123'),
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr).error.code).toBe('AUTH_REQUIRED');
  });
});
