import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type ChangeOptions } from '../../../src/commands/password/change.js';
import { run as logout } from '../../../src/commands/account/logout.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { login, register, show } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { verifyPassword } from '../../../src/domain/password.js';
import type { Services } from '../../../src/domain/services.js';
import { passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { openStore } from '../../../src/store/open.js';
import { ENGINES, TEST_PASSWORD, failure, useFixture, type TestUser } from '../../helpers/services.js';

const PROMPTS = ['CURRENT PASSWORD', 'NEW PASSWORD', 'CONFIRM NEW PASSWORD'];
const SHORT = 'New password must be at least 8 characters long.';
const MISMATCH = 'New password and confirmation do not match.';

describe('password change run()', () => {
  let dir: string;
  let env: Services;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-unit-'));
    env = {
      store: await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' }),
      now: () => new Date(),
      kdf: FAST_KDF,
    };
    token = (
      await register(
        env,
        {
          email: 'ann@example.com',
          firstName: 'Ann',
          lastName: 'Smith',
          password: 'correct horse battery',
        },
        'unit-test-register-01',
      )
    ).token;
  });
  afterAll(async () => {
    await env.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const opts = (
    tty: boolean,
    prompter: Prompter,
    o: { passwordStdin?: boolean; stdin?: string; json?: boolean } = {},
  ) => {
    const b = bufferIO({ tty, ...(o.stdin === undefined ? {} : { stdin: o.stdin }) });
    const options: ChangeOptions = {
      io: b.io,
      services: async () => env,
      credential: () => ({ token }),
      json: o.json ?? false,
      prompter,
      passwordStdin: o.passwordStdin ?? false,
      source: () => 'unit-test-device-0001',
    };
    return { b, options };
  };

  it('without a terminal and without --password-stdin: USAGE naming --password-stdin, no prompt', async () => {
    const p = scriptedPrompter([]);
    await expect(run(opts(false, p.prompter).options)).rejects.toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('--password-stdin'),
    });
    expect(p.asked).toEqual([]);
  });

  it('on a terminal asks the three prompts in order; the length rule comes before the current password', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['CURRENT PASSWORD', 'wrong'],
        ['NEW PASSWORD', 'short'],
        ['CONFIRM NEW PASSWORD', 'other'],
      ]),
    );
    await expect(run(opts(true, p.prompter).options)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'New password must be at least 8 characters long.',
    });
    expect(p.asked).toEqual(PROMPTS);
  });

  it('a wrong current password is BAD_CREDENTIALS (exit 3) with the documented message', async () => {
    const p = scriptedPrompter(
      passwordSteps([
        ['CURRENT PASSWORD', 'not my password'],
        ['NEW PASSWORD', 'a new password'],
        ['CONFIRM NEW PASSWORD', 'a new password'],
      ]),
    );
    await expect(run(opts(true, p.prompter).options)).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      exitCode: 3,
      message: 'Current password is incorrect.',
    });
  });

  it('with --password-stdin reads three lines, never prompts, and changes the password', async () => {
    const p = scriptedPrompter([]);
    const { b, options } = opts(false, p.prompter, {
      passwordStdin: true,
      stdin: 'correct horse battery\r\na new password\r\na new password\r\n',
      json: true,
    });
    await run(options);
    expect(p.asked).toEqual([]);
    expect(JSON.parse(b.stdout())).toMatchObject({ changed: true, revokedSessions: 0 });
    expect((await login(env, 'ann@example.com', 'a new password', 'unit-test-device-0001')).user.email).toBe(
      'ann@example.com',
    );
  });
});

describe.each(ENGINES)('password change run(): the rules, in order, and what a change revokes, on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser;
  const lines = (...l: string[]) => l.join('\n') + '\n';

  beforeAll(async () => {
    [ann, bob] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['cat@example.com', 'Cat', 'Stone'],
    ]);
  });

  const change = async (who: TestUser | undefined, stdin: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, { json: o.json, stdin });
    await run({
      ...c.deps,
      prompter: scriptedPrompter([]).prompter,
      passwordStdin: true,
      source: () => 'unit-test-device-0002',
    });
    return { out: c.stdout(), err: c.stderr() };
  };
  /** `password change --password-stdin` by the active account of a machine (its config directory), from that device. */
  const changeOn = async (machine: Config, stdin: string) => {
    const c = fx().callAs(machine, { stdin });
    await run({
      ...c.deps,
      prompter: scriptedPrompter([]).prompter,
      passwordStdin: true,
      source: () => deviceId(machine.dir),
    });
    return { out: c.stdout(), err: c.stderr() };
  };
  /** Signs `email` in on the machine `name` (as `account login` does) and returns its config. */
  const machine = async (name: string, email: string) => {
    const cfg = await fx().config(name);
    const r = await login(fx().services, email, TEST_PASSWORD, deviceId(cfg.dir));
    await cfg.saveSession(fx().storeKey, { token: r.token, email });
    return cfg;
  };
  /** What a person or script sees of an attempt: 'OK', or exit code, error code and message. */
  const seen = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: { exitCode?: number; code?: string; message: string }) => `${e.exitCode} ${e.code} ${e.message}`,
    );
  const hashOf = async (email: string) => (await fx().read((r) => r.userByEmail(email)))!.password_hash;
  const passwordIs = async (email: string, pw: string) => verifyPassword(await hashOf(email), pw);

  it('length first, then match, then the current password, each with the documented message and exit code', async () => {
    const cases: [string[], string, string, number][] = [
      // Short AND mismatched AND wrong current: the length message wins.
      [['wrong current', 'short', 'different'], 'INVALID_INPUT', SHORT, 2],
      // 7 emoji are 7 code points (14 UTF-16 units): still too short.
      [[TEST_PASSWORD, '😀'.repeat(7), '😀'.repeat(7)], 'INVALID_INPUT', SHORT, 2],
      // 7 ligatures "ﬃ" are 21 code points after NFKC: long enough, so the mismatch is reported.
      [['wrong current', 'ﬃ'.repeat(7), 'ﬃ'.repeat(6) + 'x'], 'INVALID_INPUT', MISMATCH, 2],
      // Mismatched AND wrong current: the mismatch wins.
      [['wrong current', '😀'.repeat(8), '😀'.repeat(9)], 'INVALID_INPUT', MISMATCH, 2],
      [['wrong current', '😀'.repeat(8), '😀'.repeat(8)], 'BAD_CREDENTIALS', 'Current password is incorrect.', 3],
    ];
    for (const [input, code, message, exitCode] of cases)
      expect(await failure(change(ann, lines(...input))), input.join(' / ')).toMatchObject({ code, message, exitCode });
    expect(await passwordIs('ann@example.com', TEST_PASSWORD)).toBe(true);
  });

  it('8 emoji are long enough; stdout stays empty, the count of revoked sessions and tokens goes to stderr', async () => {
    // Ann has another session (signed in on her laptop) and an API token; Bob has his own.
    const laptop = await machine('ann-laptop', 'ann@example.com');
    const elsewhere = laptop.session(fx().storeKey)!;
    const token = await createToken(fx().services, ann.cred, 'ci');
    const bobs = await createToken(fx().services, bob.cred, 'ci');
    const r = await change(ann, lines(TEST_PASSWORD, '😀'.repeat(8), '😀'.repeat(8)));
    expect(r).toEqual({ out: '', err: '✓ Password changed; 2 other sessions and tokens were revoked.\n' });
    expect(await passwordIs('ann@example.com', '😀'.repeat(8))).toBe(true);
    expect(await passwordIs('ann@example.com', TEST_PASSWORD)).toBe(false);
    // Signing in takes the new password only.
    expect(await seen(login(fx().services, 'ann@example.com', TEST_PASSWORD, 'unit-test-device-0004'))).toBe(
      '3 BAD_CREDENTIALS Incorrect e-mail or password.',
    );
    expect(await seen(login(fx().services, 'ann@example.com', '😀'.repeat(8), 'unit-test-device-0004'))).toBe('OK');
    for (const t of [elsewhere.token, token.token])
      await expect(show(fx().services, { token: t })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    // The laptop's next command is refused (exit 3); the API token, from PLATFORMCTL_TOKEN, is said to be revoked.
    expect(await failure(accountShow(fx().callAs(await fx().config('ann-laptop')).deps))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
    const api = fx().call(undefined);
    api.deps.credential = () => ({ token: token.token, fromEnv: true });
    const refused = await failure(accountShow(api.deps));
    expect(refused).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    expect(refused.message).toMatch(/revoked/);
    // Signing out on the laptop succeeds (already signed out is not an error) and forgets the dead session there.
    const out = fx().callAs(await fx().config('ann-laptop'));
    await logout({
      ...out.deps,
      config: () => laptop,
      storeKey: () => fx().storeKey,
      fromEnv: false,
      email: undefined,
    });
    expect(out.stderr()).toBe(
      '✓ The session of ann@example.com had already ended in the store (expired or revoked); it was forgotten here.\n',
    );
    expect(JSON.parse(readFileSync(join(laptop.dir, 'config.json'), 'utf8')).sessions).toEqual({});
    // The session that changed it stays; other users are untouched.
    expect((await show(fx().services, ann.cred)).user.email).toBe('ann@example.com');
    expect((await show(fx().services, { token: bobs.token })).user.email).toBe('bob@example.com');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'password.change' }, 1));
    expect(entry).toMatchObject({ actor_email: 'ann@example.com', target: 'ann@example.com' });
    expect(JSON.parse(entry!.details!)).toEqual({ revokedTokens: 2 });
    expect(JSON.stringify(entry)).not.toContain('😀');
  });

  it('passwords of 1024+ code points are accepted whole: a 1023 code-point prefix is not the password', async () => {
    const long = [...'pässwörd-😀-'.repeat(100)].slice(0, 1000).join('') + 'x'.repeat(100);
    expect([...long].length).toBeGreaterThanOrEqual(1024);
    // --json: the document on stdout, nothing on stderr (Bob's API token was the one other credential).
    const r = await change(bob, lines(TEST_PASSWORD, long, long), { json: true });
    expect(JSON.parse(r.out)).toEqual({ changed: true, revokedSessions: 1 });
    expect(r.err).toBe('');
    expect(await passwordIs('bob@example.com', long)).toBe(true);
    expect(await passwordIs('bob@example.com', [...long].slice(0, 1023).join(''))).toBe(false);
    // Registering with one, then signing in: the prefix is a wrong password (exit 3), the whole one signs in.
    await register(
      fx().services,
      { email: 'dan@example.com', firstName: 'Dan', lastName: 'Long', password: long },
      'unit-test-register-01',
    );
    for (const email of ['bob@example.com', 'dan@example.com']) {
      expect(await seen(login(fx().services, email, [...long].slice(0, 1023).join(''), 'unit-test-device-0005'))).toBe(
        '3 BAD_CREDENTIALS Incorrect e-mail or password.',
      );
      expect(await seen(login(fx().services, email, long, 'unit-test-device-0005'))).toBe('OK');
    }
  });

  it('--password-stdin wants three non-empty lines (USAGE, exit 2); signed out is AUTH_REQUIRED (exit 3)', async () => {
    for (const stdin of [lines('a', 'b'), '', lines(TEST_PASSWORD, '', 'x')])
      expect(await failure(change(bob, stdin)), JSON.stringify(stdin)).toMatchObject({
        code: 'USAGE',
        exitCode: 2,
        message: '--password-stdin expects 3 non-empty lines on standard input.',
      });
    expect(await failure(change(undefined, lines(TEST_PASSWORD, 'new secret 123', 'new secret 123')))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });

  it('wrong current passwords are limited: the fifth revokes the session, and the password stays as it was', async () => {
    const laptop = await machine('cat-laptop', 'cat@example.com');
    const attempt = (current: string) => seen(changeOn(laptop, lines(current, 'a new password', 'a new password')));
    for (let i = 1; i <= 4; i++)
      expect(await attempt(`guess ${i}`)).toBe('3 BAD_CREDENTIALS Current password is incorrect.');
    expect(await attempt('guess 5')).toBe(
      '3 BAD_CREDENTIALS Current password is incorrect. That was the 5th wrong current password through this session, ' +
        'so it was revoked; sign in again with `platformctl account login`.',
    );
    // The right one is too late: the session is gone.
    expect(await attempt(TEST_PASSWORD)).toMatch(/^3 AUTH_REQUIRED /);
    // The five failures also count toward signing in from that device; the password is unchanged.
    expect(await seen(login(fx().services, 'cat@example.com', TEST_PASSWORD, deviceId(laptop.dir)))).toMatch(
      /^3 THROTTLED Too many failed sign-ins for this e-mail; try again after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 15 minutes\), or ask support to unlock it\.$/,
    );
    expect(await seen(login(fx().services, 'cat@example.com', TEST_PASSWORD, 'unit-test-device-0006'))).toBe('OK');
    expect(await passwordIs('cat@example.com', TEST_PASSWORD)).toBe(true);
    const log = (await fx().read((r) => r.auditPage({}, 1000))).filter((e) => e.target === 'cat@example.com');
    expect(log.filter((e) => e.action === 'password.change_failed')).toHaveLength(5);
    expect(log.some((e) => e.action === 'password.change')).toBe(false);
  });
});
