import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/staff/revoke.js';
import { setPlan } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('staff revoke run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, sue: TestUser, tom: TestUser;

  beforeAll(async () => {
    [ann, sue, tom] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['tom@example.com', 'Tom', 'Temp'],
    ]);
    await fx().grantSupport(sue);
  });

  const revoke = async (who: TestUser | undefined, email: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, email });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('the last SUPPORT user cannot be revoked, not even by themselves (CONFLICT, exit 6)', async () => {
    expect(await failure(revoke(sue, 'sue@example.com'))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message: 'sue@example.com is the last SUPPORT user; grant another first.',
    });
  });

  it('is for SUPPORT only (exit 4); someone who is not SUPPORT is CONFLICT; no account is NOT_FOUND', async () => {
    expect(await failure(revoke(ann, 'sue@example.com'))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only platform staff (SUPPORT) can revoke the SUPPORT role.',
    });
    expect(await failure(revoke(sue, 'ann@example.com'))).toMatchObject({
      code: 'CONFLICT',
      message: 'ann@example.com is not SUPPORT.',
    });
    expect(await failure(revoke(sue, 'nobody@example.com'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No account for nobody@example.com.',
    });
    expect(await failure(revoke(undefined, 'sue@example.com'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  it('with another SUPPORT user, revokes: one line (or --json), audited; the former staff lose staff powers', async () => {
    await fx().grantSupport(tom);
    const r = await revoke(sue, 'TOM@example.com');
    expect(r).toEqual({ out: '', err: '✓ tom@example.com is no longer platform staff.\n' });
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'staff.revoke' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', target: 'tom@example.com' });
    expect((await failure(setPlan(fx().services, tom.cred, String(ann.company.id), 'TEAM'))).code).toBe(
      'PERMISSION_DENIED',
    );
    // Revoking yourself is allowed while someone else stays.
    await fx().grantSupport(tom);
    expect(JSON.parse((await revoke(sue, 'sue@example.com', { json: true })).out)).toEqual({
      email: 'sue@example.com',
      support: false,
    });
    expect((await failure(revoke(tom, 'tom@example.com'))).message).toBe(
      'tom@example.com is the last SUPPORT user; grant another first.',
    );
  });
});
