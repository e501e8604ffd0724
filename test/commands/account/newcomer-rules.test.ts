import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountDelete } from '../../../src/commands/account/delete.js';
import { run as accountLogin } from '../../../src/commands/account/login.js';
import { run as accountRegister } from '../../../src/commands/account/register.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as passwordChange } from '../../../src/commands/password/change.js';
import { deviceId } from '../../../src/device-id.js';
import { login, show } from '../../../src/domain/accounts.js';
import { createToken, revokeToken } from '../../../src/domain/api-tokens.js';
import type { Credential } from '../../../src/domain/auth.js';
import { hashToken } from '../../../src/domain/tokens.js';
import { confirmer } from '../../../src/io/confirm.js';
import { scriptedPrompter } from '../scripted-prompter.js';
import { ENGINES, TEST_PASSWORD, failure, useFixture, type TestUser } from '../../helpers/services.js';

/**
 * What a newcomer met without a terminal (test/e2e/newcomer.test.ts and confirm.test.ts
 * keep what needs a process), as rules of each command's run() on both engines: which
 * message a refused credential gets, register refusing a taken e-mail before any password,
 * the current password refused as the new one, and what `account delete` removes.
 */

const NOT_SIGNED_IN = 'You are not signed in. Run `platformctl account login` or set PLATFORMCTL_TOKEN.';
const ENV_HINT =
  'Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).';
const lines = (...l: string[]) => l.join('\n') + '\n';

describe.each(ENGINES)('a newcomer without a terminal, on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser;

  beforeAll(async () => {
    [ann] = await fx().registerAll([['ann@example.com', 'Ann', 'Smith']]);
  });

  /** `account show` with this credential (fromEnv: it came from PLATFORMCTL_TOKEN). */
  const showWith = async (cred: Credential) => {
    const c = fx().call(undefined);
    await accountShow({ ...c.deps, credential: () => cred });
    return c.stdout();
  };
  const audit = (n: number) =>
    fx().read((r) => r.tx.all<{ action: string }>(`SELECT action FROM audit_log ORDER BY id DESC LIMIT ${n}`));

  it('a refused credential: from PLATFORMCTL_TOKEN the message says to unset it or make a new token; a saved one, to sign in again (exit 3)', async () => {
    expect(await failure(showWith({ token: undefined }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: NOT_SIGNED_IN,
    });
    const api = await createToken(fx().services, ann.cred, 'ci');
    expect(await showWith({ token: api.token, fromEnv: true })).toContain('ann@example.com');
    await revokeToken(fx().services, ann.cred, String(api.id));
    const refused = async (token: string, fromEnv: boolean) => await failure(showWith({ token, fromEnv }));
    expect(await refused(api.token, true)).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: `The token in PLATFORMCTL_TOKEN was revoked. ${ENV_HINT}`,
    });
    await fx().sql(`UPDATE tokens SET revoked_at = NULL, expires_at = '2000-01-01T00:00:00.000Z' WHERE id = :id`, {
      id: api.id,
    });
    expect(await refused(api.token, true)).toMatchObject({
      exitCode: 3,
      message: `The token in PLATFORMCTL_TOKEN has expired. ${ENV_HINT}`,
    });
    expect(await refused('pct_nothing-like-it', true)).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: `The token in PLATFORMCTL_TOKEN is not valid for this store. ${ENV_HINT}`,
    });
    // The same states of a saved session keep the sign-in hint.
    const laptop = await login(fx().services, ann.email, TEST_PASSWORD, 'unit-test-device-0003');
    await fx().sql(`UPDATE tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE token_hash = :h`, {
      h: hashToken(laptop.token),
    });
    expect(await refused(laptop.token, false)).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message: 'Your session or token has expired. Sign in again with `platformctl account login`.',
    });
    expect(await refused('pcs_nothing-like-it', false)).toMatchObject({
      exitCode: 3,
      message: 'Your session or token is not valid for this store. Sign in again with `platformctl account login`.',
    });
  });

  it('account register: a taken e-mail with no password way in (no terminal, no --password-stdin) is ALREADY_EXISTS (exit 6), before the password', async () => {
    const p = scriptedPrompter([]);
    const c = fx().call(undefined, { stdin: '' });
    const cfg = await fx().config('register-taken');
    const e = await failure(
      accountRegister({
        io: c.io,
        prompter: p.prompter,
        services: () => Promise.resolve(fx().services),
        config: () => cfg,
        storeKey: () => fx().storeKey,
        source: () => deviceId(cfg.dir),
        json: false,
        email: 'ann@example.com',
        firstName: 'A',
        lastName: 'B',
        passwordStdin: false,
      }),
    );
    expect(e).toMatchObject({
      code: 'ALREADY_EXISTS',
      exitCode: 6,
      message: 'An account for ann@example.com already exists. Sign in with `platformctl account login`.',
    });
    expect(p.asked).toEqual([]);
    expect([c.stdout(), c.stderr()]).toEqual(['', '']);
    expect(cfg.accounts(fx().storeKey)).toEqual([]);
  });

  it('password change: the current password as the new one is INVALID_INPUT (exit 2) once it is verified, and changes nothing', async () => {
    const [cat] = await fx().registerAll([['cat@example.com', 'Cat', 'Cole']]);
    const elsewhere = await login(fx().services, cat.email, TEST_PASSWORD, 'unit-test-device-0004');
    const hashOf = async () => (await fx().read((r) => r.userByEmail(cat.email)))!.password_hash;
    const before = await hashOf();
    const change = async (stdin: string) => {
      const c = fx().call(cat, { stdin });
      await passwordChange({
        ...c.deps,
        prompter: scriptedPrompter([]).prompter,
        passwordStdin: true,
        source: () => 'unit-test-device-0005',
      });
      return c.stdout();
    };
    expect(await failure(change(lines(TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD)))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'The new password is the same as the current one; choose a different password.',
    });
    // A wrong current password is said first (exit 3): whether the new one equals the real
    // current password, or equals the wrong one typed.
    for (const input of [
      lines('not the current one', TEST_PASSWORD, TEST_PASSWORD),
      lines('not the current one', 'not the current one', 'not the current one'),
    ])
      expect(await failure(change(input))).toMatchObject({
        code: 'BAD_CREDENTIALS',
        exitCode: 3,
        message: 'Current password is incorrect.',
      });
    expect(await hashOf()).toBe(before);
    // No session was revoked: this one and the one elsewhere still work.
    expect((await show(fx().services, cat.cred)).user.email).toBe(cat.email);
    expect((await show(fx().services, { token: elsewhere.token })).user.email).toBe(cat.email);
    const changes = await fx().read((r) =>
      r.tx.all(`SELECT id FROM audit_log WHERE action = 'password.change' AND target = :e`, { e: cat.email }),
    );
    expect(changes).toEqual([]);
  });

  describe('account delete', () => {
    /** `account delete` as `who` (undefined: signed out), with --yes or without a terminal. */
    const del = async (who: TestUser | undefined, o: { yes: boolean; json?: boolean }) => {
      const c = fx().call(who, { json: o.json ?? false });
      const cfg = await fx().config(who ? who.email : 'nobody');
      const p = scriptedPrompter([]);
      await accountDelete({
        ...c.deps,
        confirm: confirmer(c.io, p.prompter, o.yes),
        config: () => cfg,
        storeKey: () => fx().storeKey,
      });
      expect(p.asked).toEqual([]);
      return { out: c.stdout(), err: c.stderr() };
    };

    it('signed out: AUTH_REQUIRED (exit 3) before any confirmation, with --yes or without', async () => {
      for (const yes of [true, false])
        expect(await failure(del(undefined, { yes }))).toMatchObject({
          code: 'AUTH_REQUIRED',
          exitCode: 3,
          message: NOT_SIGNED_IN,
        });
    });

    it('without a terminal and without --yes: CONFIRMATION_REQUIRED (exit 2) naming the account, its company and --yes; nothing deleted', async () => {
      const [dan] = await fx().registerAll([['dan@example.com', 'Dan', 'Dean']]);
      expect(await failure(del(dan, { yes: false }))).toMatchObject({
        code: 'CONFIRMATION_REQUIRED',
        exitCode: 2,
        message:
          'Delete the account dan@example.com and your company "Dean Company"? This cannot be undone. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
      });
      expect((await show(fx().services, dan.cred)).currentCompany?.name).toBe('Dean Company');
    });

    it('--yes: the user, their main company, sessions and tokens go; signing in is refused (audited); others stay; the e-mail can register again', async () => {
      const [eve, bob] = await fx().registerAll([
        ['eve@example.com', 'Eve', 'Evans'],
        ['bob@example.com', 'Bob', 'Jones'],
      ]);
      const api = await createToken(fx().services, eve.cred, 'ci');
      const r = await del(eve, { yes: true, json: true });
      expect(JSON.parse(r.out)).toEqual({
        deleted: true,
        email: 'eve@example.com',
        company: { id: eve.company.id, name: 'Evans Company' },
        removedMembers: 0,
      });
      expect(r.err).toBe('');
      for (const cred of [eve.cred, { token: api.token, fromEnv: true }])
        expect(await failure(showWith(cred))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
      const left = await fx().read(async (rp) => ({
        tokens: await rp.tx.all(`SELECT id FROM tokens WHERE user_id = :u`, { u: eve.id }),
        companies: await rp.tx.all(`SELECT id FROM companies WHERE id = :c OR owner_id = :u`, {
          c: eve.company.id,
          u: eve.id,
        }),
        users: await rp.tx.all(`SELECT id FROM users WHERE email = 'eve@example.com'`),
      }));
      expect(left).toEqual({ tokens: [], companies: [], users: [] });

      const c = fx().call(undefined, { stdin: TEST_PASSWORD + '\n' });
      const cfg = await fx().config('eve-again');
      expect(
        await failure(
          accountLogin({
            io: c.io,
            prompter: scriptedPrompter([]).prompter,
            services: () => Promise.resolve(fx().services),
            config: () => cfg,
            storeKey: () => fx().storeKey,
            source: () => deviceId(cfg.dir),
            json: false,
            email: 'eve@example.com',
            passwordStdin: true,
          }),
        ),
      ).toMatchObject({ code: 'BAD_CREDENTIALS', exitCode: 3, message: 'Incorrect e-mail or password.' });
      // The failed sign-in after it is audited too, as for any e-mail without an account.
      expect(await audit(2)).toEqual([{ action: 'account.login_failed' }, { action: 'account.delete' }]);

      expect((await show(fx().services, bob.cred)).currentCompany?.name).toBe('Jones Company');
      const again = await fx().register('eve@example.com', 'Eve', 'Again');
      expect(again.company.name).toBe('Again Company');
      expect(again.id).not.toBe(eve.id);
    });
  });
});
