import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/staff/unlock.js';
import { login } from '../../../src/domain/accounts.js';
import { failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';

// What test/commands/staff/tools.test.ts does not cover already: --json of a locked
// account, every source unlocked at once, a user who is not signed in.
describe('staff unlock run()', () => {
  const fx = useFixture();
  let sue: TestUser;

  beforeAll(async () => {
    [sue] = await fx().registerAll([
      ['sue@example.com', 'Sue', 'Staff'],
      ['ann@example.com', 'Ann', 'Smith'],
    ]);
    await fx().grantSupport(sue);
  });

  const unlock = async (who: TestUser | undefined, email: string, json = false) => {
    const c = fx().call(who, { json });
    await run({ ...c.deps, email });
    return { out: c.stdout(), err: c.stderr() };
  };
  const fail5 = async (source: string) => {
    for (let i = 0; i < 5; i++)
      await login(fx().services, 'ann@example.com', `wrong ${i}`, source).catch(() => undefined);
    await expect(login(fx().services, 'ann@example.com', TEST_PASSWORD, source)).rejects.toMatchObject({
      code: 'THROTTLED',
    });
  };

  it('lifts the locks of every source at once; --json says it was locked', async () => {
    await fail5('unit-test-device-aaaa01');
    await fail5('unit-test-device-bbbb02');
    const r = await unlock(sue, 'ann@example.com', true);
    expect(JSON.parse(r.out)).toEqual({ email: 'ann@example.com', unlocked: true, wasLocked: true });
    expect(r.err).toBe('');
    for (const source of ['unit-test-device-aaaa01', 'unit-test-device-bbbb02'])
      expect((await login(fx().services, 'ann@example.com', TEST_PASSWORD, source)).token).toMatch(/^pcs_/);
  });

  it('not signed in: AUTH_REQUIRED (exit 3) before the e-mail is looked up', async () => {
    expect(await failure(unlock(undefined, 'nobody@example.com'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
