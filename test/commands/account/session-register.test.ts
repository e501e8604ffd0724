import { describe, expect, it } from 'vitest';
import { run, type RegisterOptions } from '../../../src/commands/account/register.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { tokenStates } from '../../../src/domain/auth.js';
import { ENGINES, TEST_PASSWORD, useFixture } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * `account register` on a machine where another account is already signed in to the
 * store: one more account, made active, the other kept (the sessions side of register;
 * its form and field rules are in register.test.ts).
 */
describe.each(ENGINES)('account register run() beside a signed-in account on %s', (engine) => {
  const fx = useFixture(engine);

  /** `account register --password-stdin` from the machine whose config directory is `config`. */
  const register = async (config: Config, email: string, lastName: string, o: { json?: boolean } = {}) => {
    const c = fx().call(undefined, { json: o.json ?? false, stdin: `${TEST_PASSWORD}\n` });
    const options: RegisterOptions = {
      io: c.io,
      prompter: scriptedPrompter([]).prompter,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: o.json ?? false,
      email,
      firstName: 'X',
      lastName,
      passwordStdin: true,
    };
    await run(options);
    return { out: c.stdout(), err: c.stderr() };
  };
  const accountsOf = async (name: string) =>
    (await fx().config(name)).accounts(fx().storeKey).map((a) => [a.email, a.active]);

  it('the new account is signed in and active; the one active before stays signed in, and it is said how to go back', async () => {
    expect(await register(await fx().config('desk'), 'ann@example.com', 'Smith')).toEqual({
      out: '',
      err: '✓ Registered ann@example.com; your company "Smith Company" was created and you are signed in.\n',
    });
    const bob = await register(await fx().config('desk'), 'bob@example.com', 'Jones');
    expect(bob).toEqual({
      out: '',
      err: '✓ Registered bob@example.com; your company "Jones Company" was created and you are signed in. ann@example.com stays signed in: `platformctl account switch ann@example.com` makes it active again.\n',
    });
    expect(await accountsOf('desk')).toEqual([
      ['ann@example.com', false],
      ['bob@example.com', true],
    ]);
    const tokens = (await fx().config('desk')).accounts(fx().storeKey).map((a) => a.token);
    expect((await tokenStates(fx().services, tokens)).map((s) => s.state)).toEqual(['valid', 'valid']);
  });

  it('--json: switchedFrom names the account active before (null on a machine with none)', async () => {
    const first = JSON.parse(
      (await register(await fx().config('json-desk'), 'cy@example.com', 'Cyan', { json: true })).out,
    );
    expect(first).toMatchObject({ user: { email: 'cy@example.com' }, signedIn: true, switchedFrom: null });
    const second = await register(await fx().config('json-desk'), 'dee@example.com', 'Dune', { json: true });
    expect(JSON.parse(second.out)).toMatchObject({
      user: { email: 'dee@example.com' },
      signedIn: true,
      switchedFrom: 'cy@example.com',
    });
    expect(second.err).toBe('');
  });
});
