import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/account/status.js';
import { deviceId } from '../../../src/device-id.js';
import { login } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { signOutEverywhere } from '../../../src/domain/staff.js';
import { ENGINES, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('account status run() on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser;

  beforeAll(async () => {
    [sue] = await fx().registerAll([
      ['sue@example.com', 'Sue', 'Staff'],
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['eve@example.com', 'Eve', 'Old'],
      ['rex@example.com', 'Rex', 'Gone'],
    ]);
    await fx().grantSupport(sue);
  });

  /** Signs `emails` in on the machine `name`, in order, and returns its config and their tokens. */
  const machine = async (name: string, emails: string[]) => {
    const cfg = await fx().config(name);
    const tokens: Record<string, string> = {};
    for (const email of emails) {
      const r = await login(fx().services, email, TEST_PASSWORD, deviceId(cfg.dir));
      await cfg.saveSession(fx().storeKey, { token: r.token, email });
      tokens[email] = r.token;
    }
    return { cfg, tokens };
  };
  /** `account status` on that machine (a fresh read of its config); the error it fails with, if any. */
  const status = async (name: string, o: { json?: boolean; tty?: boolean; envToken?: string } = {}) => {
    const cfg = await fx().config(name);
    const c = fx().callAs(cfg, { json: o.json ?? false, tty: o.tty ?? false });
    if (o.envToken !== undefined) c.deps.credential = () => ({ token: o.envToken, fromEnv: true });
    const error = await run({
      ...c.deps,
      config: () => cfg,
      storeKey: () => fx().storeKey,
      fromEnv: o.envToken !== undefined,
    }).then(
      () => undefined,
      (e: Error & { code?: string; exitCode?: number }) => e,
    );
    return { out: c.stdout(), err: c.stderr(), error };
  };

  it('lists the accounts signed in on this store, the active one marked *, on stdout; exit 0', async () => {
    await machine('two', ['ann@example.com', 'bob@example.com']);
    const r = await status('two', { tty: true });
    expect(r.error).toBeUndefined();
    expect(r.err).toBe('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\s+ACCOUNT\s+SESSION$/);
    expect(lines[1]).toMatch(/^\s+ann@example\.com\s+signed in$/);
    expect(lines[2]).toMatch(/^\*\s+bob@example\.com\s+signed in$/);
  });

  it('piped: tab-separated rows without a header, the active one marked *', async () => {
    await machine('piped', ['ann@example.com', 'bob@example.com']);
    const r = await status('piped');
    expect(r).toEqual({
      out: '\tann@example.com\tsigned in\n*\tbob@example.com\tsigned in\n',
      err: '',
      error: undefined,
    });
  });

  it('--json: accounts with active and session; token null without PLATFORMCTL_TOKEN', async () => {
    await machine('json', ['bob@example.com', 'ann@example.com']);
    const r = await status('json', { json: true });
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.out)).toEqual({
      store: fx().store.displayLocation,
      accounts: [
        { email: 'bob@example.com', active: false, session: 'signed_in' },
        { email: 'ann@example.com', active: true, session: 'signed_in' },
      ],
      token: null,
    });
  });

  it('each state said as documented: signed_in, expired, revoked, unknown (another account active and usable: exit 0)', async () => {
    const { cfg } = await machine('states', [
      'eve@example.com',
      'bob@example.com',
      'rex@example.com',
      'ann@example.com',
    ]);
    await fx().sql(
      `UPDATE tokens SET expires_at = '2001-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE email = 'eve@example.com')`,
    );
    await signOutEverywhere(fx().services, sue.cred, 'bob@example.com');
    // A token this store never issued (another store's, or one deleted with its account).
    await cfg.saveSession(fx().storeKey, { token: 'pcs_not-a-token-of-this-store', email: 'rex@example.com' });
    await cfg.switchSession(fx().storeKey, 'ann@example.com');

    const j = await status('states', { json: true });
    expect(j.error).toBeUndefined();
    expect(JSON.parse(j.out).accounts).toEqual([
      { email: 'eve@example.com', active: false, session: 'expired' },
      { email: 'bob@example.com', active: false, session: 'revoked' },
      { email: 'ann@example.com', active: true, session: 'signed_in' },
      { email: 'rex@example.com', active: false, session: 'unknown' },
    ]);
    const t = await status('states');
    expect(t.error).toBeUndefined();
    expect(t.out).toContain('expired: sign in again');
    expect(t.out).toContain('revoked: sign in again');
    expect(t.out).toContain('unknown to this store: sign in again');
  });

  it('nobody signed in: exit 3 with the one "not signed in" message, nothing on stdout', async () => {
    const r = await status('empty');
    expect(r.error).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: 'You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.',
    });
    expect(r.out).toBe('');
  });

  it('the active session no longer accepted: exit 3, the list on stderr (stdout empty); --json still prints it', async () => {
    const { cfg } = await machine('stale', ['ann@example.com']);
    // Bob's session is revoked by staff while he is the active account.
    const bob = await login(fx().services, 'bob@example.com', TEST_PASSWORD, deviceId(cfg.dir));
    await cfg.saveSession(fx().storeKey, { token: bob.token, email: 'bob@example.com' });
    await signOutEverywhere(fx().services, sue.cred, 'bob@example.com');

    const r = await status('stale');
    expect(r.error).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message:
        "The active account's session is no longer accepted by this store. Switch to another account (`platformctl account switch EMAIL`) or sign in again with `platformctl account login`.",
    });
    expect(r.out).toBe('');
    expect(r.err).toMatch(/ann@example\.com\s+signed in/);
    expect(r.err).toMatch(/\*\s+bob@example\.com\s+revoked: sign in again/);

    const j = await status('stale', { json: true });
    expect(j.error).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    expect(JSON.parse(j.out).accounts).toEqual([
      { email: 'ann@example.com', active: false, session: 'signed_in' },
      { email: 'bob@example.com', active: true, session: 'revoked' },
    ]);
  });

  it('only sessions the store ended: exit 3, saying nobody usable is signed in', async () => {
    await machine('all-ended', ['rex@example.com']);
    await signOutEverywhere(fx().services, sue.cred, 'rex@example.com');
    const r = await status('all-ended');
    expect(r.error).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message:
        'Nobody is signed in to this store with a session it still accepts. Sign in again with `platformctl account login`.',
    });
    expect(r.err).toMatch(/\*\s+rex@example\.com\s+revoked: sign in again/);
  });

  it('PLATFORMCTL_TOKEN is listed first as the one in effect (the saved active account unmarked); --json: token', async () => {
    const { tokens } = await machine('ci', ['ann@example.com']);
    const api = await createToken(fx().services, { token: tokens['ann@example.com']! }, 'ci');
    const r = await status('ci', { tty: true, envToken: api.token });
    expect(r.error).toBeUndefined();
    const lines = r.out.trimEnd().split('\n');
    expect(lines[1]).toMatch(
      /^\*\s+ann@example\.com\s+signed in \(API token from PLATFORMCTL_TOKEN, overrides the accounts below\)$/,
    );
    expect(lines[2]).toMatch(/^\s+ann@example\.com\s+signed in$/);
    expect(lines).toHaveLength(3);

    const j = await status('ci', { json: true, envToken: api.token });
    expect(JSON.parse(j.out)).toMatchObject({
      accounts: [{ email: 'ann@example.com', active: true, session: 'signed_in' }],
      token: {
        source: 'PLATFORMCTL_TOKEN',
        email: 'ann@example.com',
        kind: 'api',
        session: 'signed_in',
        overrides: true,
      },
    });
  });

  it('PLATFORMCTL_TOKEN refused by the store: exit 3 even with a usable saved account; the error says to unset it', async () => {
    await machine('ci-bad', ['ann@example.com']);
    const r = await status('ci-bad', { envToken: 'pcs_forged-token' });
    expect(r.error).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message:
        'The token in PLATFORMCTL_TOKEN is not accepted by this store. Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).',
    });
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /\*\s+\(unknown token\)\s+unknown to this store: unset PLATFORMCTL_TOKEN or create a new token \(session from PLATFORMCTL_TOKEN/,
    );
    // With no saved account at all, the token alone is listed.
    const alone = await status('nobody-saved', { json: true, envToken: 'pcs_forged-token' });
    expect(alone.error).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect(JSON.parse(alone.out)).toMatchObject({ accounts: [], token: { email: null, session: 'unknown' } });
  });
});
