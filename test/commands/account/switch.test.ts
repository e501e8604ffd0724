import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/account/switch.js';
import { run as show } from '../../../src/commands/account/show.js';
import { deviceId } from '../../../src/device-id.js';
import { login } from '../../../src/domain/accounts.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture } from '../../helpers/services.js';

describe.each(ENGINES)('account switch run() on %s', (engine) => {
  const fx = useFixture(engine);

  beforeAll(async () => {
    await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
  });

  /** Signs `emails` in on the machine `name`, in order (the last one is active). */
  const machine = async (name: string, emails: string[]) => {
    const cfg = await fx().config(name);
    for (const email of emails) {
      const r = await login(fx().services, email, TEST_PASSWORD, deviceId(cfg.dir));
      await cfg.saveSession(fx().storeKey, { token: r.token, email });
    }
    return cfg;
  };
  /** `account switch EMAIL` on that machine (a fresh read of its config, as a new process). */
  const doSwitch = async (name: string, email: string, o: { json?: boolean; fromEnv?: boolean } = {}) => {
    const cfg = await fx().config(name);
    const c = fx().callAs(cfg, { json: o.json ?? false });
    await run({
      io: c.io,
      services: c.deps.services,
      config: () => cfg,
      storeKey: () => fx().storeKey,
      json: o.json ?? false,
      fromEnv: o.fromEnv ?? false,
      email,
    });
    return { out: c.stdout(), err: c.stderr() };
  };
  /** Who a later command on that machine acts as (`account show --json`). */
  const whoami = async (name: string) => {
    const c = fx().callAs(await fx().config(name), { json: true });
    await show(c.deps);
    return (JSON.parse(c.stdout()) as { user: { email: string } }).user.email;
  };

  it('makes another signed-in account active; later commands act as it', async () => {
    await machine('desk', ['ann@example.com', 'bob@example.com']);
    expect(await whoami('desk')).toBe('bob@example.com');
    const r = await doSwitch('desk', ' Ann@Example.com ');
    expect(r).toEqual({ out: '', err: '✓ ann@example.com is now the active account on this store.\n' });
    expect(await whoami('desk')).toBe('ann@example.com');
    const accounts = (await fx().config('desk')).accounts(fx().storeKey);
    expect(accounts.map((a) => [a.email, a.active])).toEqual([
      ['ann@example.com', true],
      ['bob@example.com', false],
    ]);
    // And back: both sessions stayed signed in.
    await doSwitch('desk', 'bob@example.com');
    expect(await whoami('desk')).toBe('bob@example.com');
  });

  it('the account already active: said so, exit 0; --json {active, changed}', async () => {
    await machine('same', ['ann@example.com', 'bob@example.com']);
    expect((await doSwitch('same', 'bob@example.com')).err).toBe(
      '✓ bob@example.com is already the active account on this store.\n',
    );
    expect(JSON.parse((await doSwitch('same', 'bob@example.com', { json: true })).out)).toEqual({
      active: 'bob@example.com',
      changed: false,
    });
    const changed = await doSwitch('same', 'ann@example.com', { json: true });
    expect(JSON.parse(changed.out)).toEqual({ active: 'ann@example.com', changed: true });
    expect(changed.err).toBe('');
  });

  it('an e-mail not signed in on this store: AUTH_REQUIRED, exit 3, listing who is; nothing changes', async () => {
    await machine('two', ['ann@example.com', 'bob@example.com']);
    const e = await failure(doSwitch('two', 'carol@example.com'));
    expect(e).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message:
        'carol@example.com is not signed in on this store (signed in: ann@example.com, bob@example.com). Sign in with `platformctl account login --email carol@example.com`.',
    });
    expect(await whoami('two')).toBe('bob@example.com');

    const nobody = await failure(doSwitch('empty', 'ann@example.com'));
    expect(nobody).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
      message:
        'ann@example.com is not signed in on this store. Sign in with `platformctl account login --email ann@example.com`.',
    });
  });

  it('not an e-mail: refused before the config is touched (INVALID_INPUT, exit 2)', async () => {
    await machine('typo', ['ann@example.com']);
    expect(await failure(doSwitch('typo', 'ann'))).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    expect(await whoami('typo')).toBe('ann@example.com');
  });

  it('with PLATFORMCTL_TOKEN set: switches, and warns that the token overrides the active account', async () => {
    await machine('ci', ['ann@example.com', 'bob@example.com']);
    const r = await doSwitch('ci', 'ann@example.com', { fromEnv: true });
    expect(r.err).toBe(
      '✓ ann@example.com is now the active account on this store.\n! PLATFORMCTL_TOKEN is set: it overrides the active account until it is unset.\n',
    );
  });
});
