import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/staff/unlock.js';
import { login } from '../../../src/domain/accounts.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';

// What test/commands/staff/tools.test.ts does not cover already: --json of a locked
// account, every source unlocked at once, the refusal's exit code, the audit entry, a
// user who is not signed in; on both engines.
describe.each(ENGINES)('staff unlock run() on %s', (engine) => {
  const fx = useFixture(engine);
  let sue: TestUser, ann: TestUser;

  beforeAll(async () => {
    [sue, ann] = await fx().registerAll([
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

  it('a user who is not staff is refused: PERMISSION_DENIED (exit 4), and the lock stays', async () => {
    await fail5('unit-test-device-cccc03');
    expect(await failure(unlock(ann, 'ann@example.com'))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only platform staff (SUPPORT) can unlock accounts.',
    });
    await expect(
      login(fx().services, 'ann@example.com', TEST_PASSWORD, 'unit-test-device-cccc03'),
    ).rejects.toMatchObject({ code: 'THROTTLED' });
  });

  it('lifts the locks of every source at once; --json says it was locked; the audit log names staff and account', async () => {
    await fail5('unit-test-device-aaaa01');
    await fail5('unit-test-device-bbbb02');
    const r = await unlock(sue, 'ann@example.com', true);
    expect(JSON.parse(r.out)).toEqual({ email: 'ann@example.com', unlocked: true, wasLocked: true });
    expect(r.err).toBe('');
    for (const source of ['unit-test-device-aaaa01', 'unit-test-device-bbbb02', 'unit-test-device-cccc03'])
      expect((await login(fx().services, 'ann@example.com', TEST_PASSWORD, source)).token).toMatch(/^pcs_/);
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'staff.unlock' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', target: 'ann@example.com' });
  });

  it('not signed in: AUTH_REQUIRED (exit 3) before the e-mail is looked up', async () => {
    expect(await failure(unlock(undefined, 'nobody@example.com'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
