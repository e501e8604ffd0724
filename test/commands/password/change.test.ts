import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type ChangeOptions } from '../../../src/commands/password/change.js';
import { login, register, show } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { verifyPassword } from '../../../src/domain/password.js';
import type { Services } from '../../../src/domain/services.js';
import { passwordSteps, scriptedPrompter } from '../scripted-prompter.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { bufferIO } from '../../helpers/io.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { openStore } from '../../../src/store/open.js';
import { TEST_PASSWORD, failure, useFixture, type TestUser } from '../../helpers/services.js';

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

  it('a wrong current password is BAD_CREDENTIALS (exit 3) with the contract message', async () => {
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

describe('password change run(): the rules, in order, and what a change revokes', () => {
  const fx = useFixture();
  let ann: TestUser, bob: TestUser;
  const lines = (...l: string[]) => l.join('\n') + '\n';

  beforeAll(async () => {
    [ann, bob] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
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
  const hashOf = async (email: string) => (await fx().read((r) => r.userByEmail(email)))!.password_hash;
  const passwordIs = async (email: string, pw: string) => verifyPassword(await hashOf(email), pw);

  it('length first, then match, then the current password, each with the contract message and exit code', async () => {
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
    // Ann has another session (a second sign-in elsewhere) and an API token; Bob has his own.
    const elsewhere = await login(fx().services, 'ann@example.com', TEST_PASSWORD, 'unit-test-device-0003');
    const token = await createToken(fx().services, ann.cred, 'ci');
    const bobs = await createToken(fx().services, bob.cred, 'ci');
    const r = await change(ann, lines(TEST_PASSWORD, '😀'.repeat(8), '😀'.repeat(8)));
    expect(r).toEqual({ out: '', err: '✓ Password changed; 2 other sessions and tokens were revoked.\n' });
    expect(await passwordIs('ann@example.com', '😀'.repeat(8))).toBe(true);
    expect(await passwordIs('ann@example.com', TEST_PASSWORD)).toBe(false);
    for (const t of [elsewhere.token, token.token])
      await expect(show(fx().services, { token: t })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
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
    await change(bob, lines(TEST_PASSWORD, long, long));
    expect(await passwordIs('bob@example.com', long)).toBe(true);
    expect(await passwordIs('bob@example.com', [...long].slice(0, 1023).join(''))).toBe(false);
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
});
