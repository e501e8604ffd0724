import type * as ScryptKdfModule from 'scrypt-kdf';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type LoginOptions } from '../../../src/commands/account/login.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { tokenStates } from '../../../src/domain/auth.js';
import { hashPassword, verifyPassword } from '../../../src/domain/password.js';
import type { Prompter } from '../../../src/io/prompter.js';
import { FAST_KDF } from '../../helpers/kdf.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture } from '../../helpers/services.js';
import { passwordSteps, scriptedPrompter } from '../scripted-prompter.js';

const silent = scriptedPrompter([]).prompter;

type ScryptKdf = typeof ScryptKdfModule;
/** The scrypt parameters a stored hash was made with. */
async function paramsOf(hash: string) {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return (m.default ?? m).viewParams(Buffer.from(hash, 'base64'));
}

describe.each(ENGINES)('account login run() on %s', (engine) => {
  const fx = useFixture(engine);

  beforeAll(async () => {
    await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['tim@example.com', 'Tim', 'Lock'],
      ['pat@example.com', 'Pat', 'Prompt'],
      ['una@example.com', 'Una', 'Upgrade'],
    ]);
  });

  /** `account login` from the machine whose config directory is `config`. */
  const login = async (
    config: Config,
    email: string | undefined,
    o: { password?: string; json?: boolean; tty?: boolean; prompter?: Prompter; passwordStdin?: boolean } = {},
  ) => {
    const passwordStdin = o.passwordStdin ?? !o.tty;
    const c = fx().call(undefined, {
      tty: o.tty ?? false,
      json: o.json ?? false,
      ...(passwordStdin ? { stdin: `${o.password ?? TEST_PASSWORD}\n` } : {}),
    });
    const options: LoginOptions = {
      io: c.io,
      prompter: o.prompter ?? silent,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: o.json ?? false,
      email,
      passwordStdin,
    };
    await run(options);
    return { out: c.stdout(), err: c.stderr() };
  };
  const state = async (token: string) => (await tokenStates(fx().services, [token]))[0]!.state;

  it('signs in: the session is saved for this store, active, and accepted by the store', async () => {
    const cfg = await fx().config('ann-laptop');
    const r = await login(cfg, ' Ann@Example.com ');
    expect(r).toEqual({ out: '', err: '✓ Signed in as ann@example.com.\n' });
    // A later command (a fresh read of the config directory) acts as Ann.
    const later = await fx().config('ann-laptop');
    const accounts = later.accounts(fx().storeKey);
    expect(accounts).toEqual([expect.objectContaining({ email: 'ann@example.com', active: true })]);
    expect(await state(accounts[0]!.token)).toBe('valid');
  });

  it('a second account is added and made active; the one active before stays signed in, and it is said', async () => {
    const cfg = await fx().config('shared-desk');
    await login(cfg, 'ann@example.com');
    const r = await login(cfg, 'bob@example.com');
    expect(r.err).toBe(
      '✓ Signed in as bob@example.com. ann@example.com stays signed in: `platformctl account switch ann@example.com` makes it active again.\n',
    );
    const accounts = (await fx().config('shared-desk')).accounts(fx().storeKey);
    expect(accounts.map((a) => [a.email, a.active])).toEqual([
      ['ann@example.com', false],
      ['bob@example.com', true],
    ]);
    for (const a of accounts) expect(await state(a.token)).toBe('valid');
  });

  it('--json: the user, signedIn, and switchedFrom (null when nobody else was active)', async () => {
    const cfg = await fx().config('json-desk');
    const first = JSON.parse((await login(cfg, 'bob@example.com', { json: true })).out);
    expect(first).toMatchObject({ user: { email: 'bob@example.com' }, signedIn: true, switchedFrom: null });
    const second = await login(cfg, 'ann@example.com', { json: true });
    expect(JSON.parse(second.out)).toMatchObject({
      user: { email: 'ann@example.com' },
      signedIn: true,
      switchedFrom: 'bob@example.com',
    });
    expect(second.err).toBe('');
    // The document never carries the session token.
    const token = (await fx().config('json-desk')).session(fx().storeKey)!.token;
    expect(second.out).not.toContain(token);
  });

  it('signing in again as the same account replaces its saved session (no second entry, no "stays signed in")', async () => {
    const cfg = await fx().config('twice');
    await login(cfg, 'ann@example.com');
    const before = (await fx().config('twice')).session(fx().storeKey)!.token;
    const r = await login(cfg, 'ann@example.com');
    expect(r.err).toBe('✓ Signed in as ann@example.com.\n');
    const accounts = (await fx().config('twice')).accounts(fx().storeKey);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.token).not.toBe(before);
    expect(await state(accounts[0]!.token)).toBe('valid');
  });

  it('a wrong password and an unknown e-mail get the same answer (BAD_CREDENTIALS, exit 3); nothing is saved', async () => {
    const cfg = await fx().config('stranger');
    const wrong = await failure(login(cfg, 'ann@example.com', { password: 'not the password' }));
    const unknown = await failure(login(cfg, 'nobody@example.com'));
    for (const e of [wrong, unknown])
      expect(e).toMatchObject({ code: 'BAD_CREDENTIALS', exitCode: 3, message: 'Incorrect e-mail or password.' });
    expect(existsSync(join(cfg.dir, 'config.json'))).toBe(false);
    expect(cfg.hasSessions()).toBe(false);
  });

  it('throttle: 5 failures lock that device (even with the right password); another device still signs in', async () => {
    const attacker = await fx().config('tim-attacker');
    for (let i = 0; i < 4; i++)
      expect(await failure(login(attacker, 'tim@example.com', { password: `guess ${i}` }))).toMatchObject({
        code: 'BAD_CREDENTIALS',
      });
    // The fifth failure starts the lock and says so at once.
    const fifth = await failure(login(attacker, 'tim@example.com', { password: 'guess 4' }));
    expect(fifth).toMatchObject({ code: 'THROTTLED', exitCode: 3 });
    expect(fifth.message).toMatch(
      /^Too many failed sign-ins for this e-mail; try again after \d{4}-\d\d-\d\d \d\d:\d\d local time \(in 15 minutes\), or ask support to unlock it\.$/,
    );
    const right = await failure(login(attacker, 'tim@example.com'));
    expect(right).toMatchObject({ code: 'THROTTLED', exitCode: 3 });
    expect(attacker.hasSessions()).toBe(false);

    // The lock is per source: Tim's own machine (another config directory) is not held back.
    const own = await fx().config('tim-laptop');
    expect((await login(own, 'tim@example.com')).err).toBe('✓ Signed in as tim@example.com.\n');
  });

  it('an e-mail without an account is throttled at the same moment as one with an account', async () => {
    const cfg = await fx().config('prober');
    const errors = [];
    for (let i = 0; i < 6; i++)
      errors.push((await failure(login(cfg, 'ghost@example.com', { password: `g${i}` }))).code);
    expect(errors).toEqual([
      'BAD_CREDENTIALS',
      'BAD_CREDENTIALS',
      'BAD_CREDENTIALS',
      'BAD_CREDENTIALS',
      'THROTTLED',
      'THROTTLED',
    ]);
  });

  it('--password-stdin with a terminal on standard input is refused (USAGE, exit 2) before anything is read', async () => {
    const cfg = await fx().config('tty-stdin');
    const p = scriptedPrompter([]);
    const e = await failure(login(cfg, 'ann@example.com', { tty: true, passwordStdin: true, prompter: p.prompter }));
    expect(e).toMatchObject({
      code: 'USAGE',
      exitCode: 2,
      message:
        '--password-stdin reads the password from standard input, which is a terminal: leave out --password-stdin to be asked with hidden input, or pipe the password in.',
    });
    expect(p.asked).toEqual([]);
    expect(cfg.hasSessions()).toBe(false);
  });

  it('asks the password only on a terminal (once, hidden); without one and without --password-stdin: USAGE', async () => {
    const cfg = await fx().config('pat-terminal');
    const p = scriptedPrompter(passwordSteps([['PASSWORD', TEST_PASSWORD]]));
    const r = await login(cfg, 'pat@example.com', { tty: true, prompter: p.prompter });
    expect(r.err).toBe('✓ Signed in as pat@example.com.\n');
    expect(p.left()).toBe(0);
    expect((await fx().config('pat-terminal')).session(fx().storeKey)?.email).toBe('pat@example.com');

    const piped = await fx().config('pat-pipe');
    const none = scriptedPrompter([]);
    const e = await failure(login(piped, 'pat@example.com', { passwordStdin: false, prompter: none.prompter }));
    expect(e).toMatchObject({
      code: 'USAGE',
      message:
        'The password cannot be asked: standard input is not a terminal. Pass --password-stdin and write it to standard input.',
    });
    expect(none.asked).toEqual([]);
  });

  it("a weaker stored hash: a failed sign-in leaves it alone, the next success redoes it with the services' parameters", async () => {
    // (The CLI's own parameters, production's logN 17, are checked through the process in test/e2e/session.test.ts.)
    const weak = await hashPassword(TEST_PASSWORD, { ...FAST_KDF, logN: FAST_KDF.logN - 1 });
    await fx().sql(`UPDATE users SET password_hash = :h WHERE email = 'una@example.com'`, { h: weak });
    const stored = async () =>
      (await fx().read((rp) =>
        rp.tx.get<{ h: string }>(`SELECT password_hash AS h FROM users WHERE email = 'una@example.com'`),
      ))!.h;
    const cfg = await fx().config('una-laptop');
    expect(await failure(login(cfg, 'una@example.com', { password: 'not the password' }))).toMatchObject({
      code: 'BAD_CREDENTIALS',
      exitCode: 3,
    });
    expect(await stored()).toBe(weak);
    expect((await login(cfg, 'una@example.com')).err).toBe('✓ Signed in as una@example.com.\n');
    const now = await stored();
    expect(now).not.toBe(weak);
    expect(await paramsOf(now)).toEqual(FAST_KDF);
    expect(await verifyPassword(now, TEST_PASSWORD)).toBe(true);
  });
});
