import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/account/logout.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { login, show } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { tokenStates } from '../../../src/domain/auth.js';
import { signOutEverywhere } from '../../../src/domain/staff.js';
import { hashToken } from '../../../src/domain/tokens.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('account logout run() on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser;

  beforeAll(async () => {
    [sue] = await fx().registerAll([
      ['sue@example.com', 'Sue', 'Staff'],
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
    ]);
    await fx().grantSupport(sue);
  });

  /** Signs `emails` in on the machine `name`, in order (as `account login` does), and returns its config. */
  const machine = async (name: string, emails: string[]) => {
    const cfg = await fx().config(name);
    for (const email of emails) {
      const r = await login(fx().services, email, TEST_PASSWORD, deviceId(cfg.dir));
      await cfg.saveSession(fx().storeKey, { token: r.token, email });
    }
    return cfg;
  };
  /** `account logout [--email E]` on that machine; a fresh read of its config, as a new process would. */
  const logout = async (name: string, o: { email?: string; json?: boolean; envToken?: string; tty?: boolean } = {}) => {
    const cfg = await fx().config(name);
    const c = fx().callAs(cfg, { json: o.json ?? false, tty: o.tty ?? false });
    if (o.envToken !== undefined) c.deps.credential = () => ({ token: o.envToken, fromEnv: true });
    await run({
      ...c.deps,
      config: () => cfg,
      storeKey: () => fx().storeKey,
      fromEnv: o.envToken !== undefined,
      email: o.email,
    });
    return { out: c.stdout(), err: c.stderr() };
  };
  const accountsOf = async (name: string) =>
    (await fx().config(name)).accounts(fx().storeKey).map((a) => (a.active ? `*${a.email}` : a.email));
  const state = async (token: string) => (await tokenStates(fx().services, [token]))[0]!.state;
  const tokenOf = (cfg: Config, email: string) => cfg.accounts(fx().storeKey).find((a) => a.email === email)!.token;

  it('revokes the active session in the store and forgets it; the most recent one left becomes active, and is named', async () => {
    // Ann, Bob, Carol in turn, then Ann again (her session is now the most recent); Bob made active.
    const cfg = await machine('desk', ['ann@example.com', 'bob@example.com', 'carol@example.com', 'ann@example.com']);
    await cfg.switchSession(fx().storeKey, 'bob@example.com');
    const bobs = tokenOf(cfg, 'bob@example.com');

    const r = await logout('desk');
    expect(r).toEqual({
      out: '',
      err: '✓ Signed out bob@example.com. ann@example.com is now the active account on this store.\n',
    });
    expect(await state(bobs)).toBe('revoked');
    expect(await accountsOf('desk')).toEqual(['carol@example.com', '*ann@example.com']);
    // The others' sessions are untouched.
    expect(await state(tokenOf(cfg, 'carol@example.com'))).toBe('valid');
  });

  it('the last account: signed out, nobody active; --json says so', async () => {
    const cfg = await machine('solo', ['carol@example.com']);
    const carols = tokenOf(cfg, 'carol@example.com');
    const r = await logout('solo', { json: true });
    expect(JSON.parse(r.out)).toEqual({ signedOut: true, email: 'carol@example.com', active: null });
    expect(r.err).toBe('');
    expect(await state(carols)).toBe('revoked');
    expect(await accountsOf('solo')).toEqual([]);
  });

  it('already signed out is not an error: exit 0 with a note (twice in a row, and with --json)', async () => {
    const cfg = await machine('twice', ['ann@example.com']);
    const anns = tokenOf(cfg, 'ann@example.com');
    expect(await logout('twice')).toEqual({ out: '', err: '✓ Signed out ann@example.com.\n' });
    // The old session is refused by the store from now on.
    expect(await failure(show(fx().services, { token: anns }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: 'Your session or token was revoked. Sign in again with `platformctl account login`.',
    });
    const again = await logout('twice');
    expect(again).toEqual({ out: '', err: 'You are not signed in to this store; nothing to do.\n' });
    const never = await logout('never-signed-in', { json: true });
    expect(JSON.parse(never.out)).toEqual({ signedOut: false, email: null, active: null });
  });

  it('--email E signs out that account only; the active one stays active (and is not announced as a change)', async () => {
    const cfg = await machine('pick', ['bob@example.com', 'ann@example.com']);
    const bobs = tokenOf(cfg, 'bob@example.com');
    const anns = tokenOf(cfg, 'ann@example.com');
    const r = await logout('pick', { email: ' Bob@Example.com ' });
    expect(r.err).toBe('✓ Signed out bob@example.com.\n');
    expect(await state(bobs)).toBe('revoked');
    expect(await state(anns)).toBe('valid');
    expect(await accountsOf('pick')).toEqual(['*ann@example.com']);

    const absent = await logout('pick', { email: 'carol@example.com' });
    expect(absent.err).toBe('carol@example.com is not signed in on this store; nothing to do.\n');
    expect(await accountsOf('pick')).toEqual(['*ann@example.com']);
  });

  it('a session the store already ended (staff signout) is forgotten with a note, exit 0', async () => {
    await machine('ended', ['bob@example.com', 'carol@example.com']);
    await signOutEverywhere(fx().services, sue.cred, 'carol@example.com');
    const r = await logout('ended');
    expect(r.err).toBe(
      '✓ The session of carol@example.com had already ended in the store (expired or revoked); it was forgotten here. bob@example.com is now the active account on this store.\n',
    );
    expect(await accountsOf('ended')).toEqual(['*bob@example.com']);
  });

  it('the last account, its session already ended: forgotten with the note alone (nobody left to name), exit 0', async () => {
    const cfg = await machine('ended-last', ['ann@example.com']);
    await fx().sql(`UPDATE tokens SET revoked_at = '2001-01-01T00:00:00.000Z' WHERE token_hash = :h`, {
      h: hashToken(tokenOf(cfg, 'ann@example.com')),
    });
    expect(await logout('ended-last')).toEqual({
      out: '',
      err: '✓ The session of ann@example.com had already ended in the store (expired or revoked); it was forgotten here.\n',
    });
    expect(await accountsOf('ended-last')).toEqual([]);
  });

  it('PLATFORMCTL_TOKEN: that session is revoked and the config file is left alone; an API token is refused', async () => {
    const cfg = await machine('ci', ['ann@example.com']);
    const env = await login(fx().services, 'bob@example.com', TEST_PASSWORD, 'unit-test-ci-runner-01');
    const r = await logout('ci', { envToken: env.token });
    expect(r.err).toBe('✓ Signed out bob@example.com.\n');
    expect(await state(env.token)).toBe('revoked');
    expect(await accountsOf('ci')).toEqual(['*ann@example.com']);
    expect(await state(tokenOf(cfg, 'ann@example.com'))).toBe('valid');

    const again = await logout('ci', { envToken: env.token });
    expect(again.err).toBe('The token in PLATFORMCTL_TOKEN is not a live session on this store; nothing to do.\n');

    const api = await createToken(fx().services, { token: tokenOf(cfg, 'ann@example.com') }, 'ci');
    const e = await failure(logout('ci', { envToken: api.token }));
    expect(e).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'This is a personal API token, not a session; revoke it with `platformctl account token revoke ID`.',
    });
    expect(await state(api.token)).toBe('valid');
  });
});
