import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/account/delete.js';
import { deviceId } from '../../../src/device-id.js';
import { login, show } from '../../../src/domain/accounts.js';
import { createToken } from '../../../src/domain/api-tokens.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture } from '../../helpers/services.js';

/**
 * What `account delete` leaves in the config file when several accounts are signed in on
 * one store (docs/sessions.md). Found at a terminal: after Bob deleted his account the
 * next command silently ran as Cat; now the message names the account that became active,
 * as `account logout` does. And a delete through PLATFORMCTL_TOKEN forgets the deleted
 * account's saved session, never the active saved account of someone else.
 */
describe.each(ENGINES)('account delete run(): saved sessions, on %s', (engine) => {
  const fx = useFixture(engine);

  beforeAll(async () => {
    await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['cat@example.com', 'Cat', 'Cole'],
      ['dan@example.com', 'Dan', 'Dean'],
    ]);
  });

  const machine = async (name: string, emails: string[]) => {
    const cfg = await fx().config(name);
    const tokens: Record<string, string> = {};
    for (const email of emails) {
      const r = await login(fx().services, email, TEST_PASSWORD, deviceId(cfg.dir));
      await cfg.saveSession(fx().storeKey, { token: r.token, email });
      tokens[email] = r.token;
    }
    return tokens;
  };
  const del = async (name: string, token?: string) => {
    const cfg = await fx().config(name);
    const c = fx().callAs(cfg);
    if (token) c.deps.credential = () => ({ token });
    await run({
      ...c.deps,
      confirm: () => Promise.resolve(),
      config: () => cfg,
      storeKey: () => fx().storeKey,
    });
    const after = await fx().config(name);
    return { err: c.stderr(), accounts: after.accounts(fx().storeKey).map((a) => `${a.email}${a.active ? ' *' : ''}`) };
  };

  it('deleting the active account names the one that becomes active', async () => {
    await machine('desk', ['ann@example.com', 'bob@example.com']);
    const r = await del('desk');
    expect(r.err).toBe(
      '✓ Deleted the account bob@example.com and the company "Jones Company". ann@example.com is now the active account on this store.\n',
    );
    expect(r.accounts).toEqual(['ann@example.com *']);
  });

  it('through PLATFORMCTL_TOKEN, the deleted account is forgotten and the active saved one stays', async () => {
    const tokens = await machine('ci', ['dan@example.com', 'cat@example.com']);
    const r = await del('ci', tokens['dan@example.com']);
    expect(r.err).toBe('✓ Deleted the account dan@example.com and the company "Dean Company".\n');
    expect(r.accounts).toEqual(['cat@example.com *']);
  });

  it('a personal API token cannot delete the account: PERMISSION_DENIED before anything is asked or changed', async () => {
    const [eve] = await fx().registerAll([['eve@example.com', 'Eve', 'Evans']]);
    const { token } = await createToken(fx().services, eve.cred, 'ci', 30);
    const e = await failure(del('nobody', token));
    expect(e).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
    expect(e.message).toMatch(/A personal API token cannot delete the account/);
    expect((await show(fx().services, eve.cred)).user.email).toBe('eve@example.com');
  });
});
