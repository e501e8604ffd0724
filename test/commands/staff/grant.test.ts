import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/staff/grant.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

/**
 * The first grant on a store that never had staff is open to any signed-in user, and
 * never again (docs/security.md, "Bootstrap"). The tests run in order on one store.
 */
describe.each(ENGINES)('staff grant run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, dan: TestUser;

  beforeAll(async () => {
    [ann, bob, carol, dan] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['dan@example.com', 'Dan', 'Dean'],
    ]);
  });

  const grant = async (who: TestUser | undefined, email: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, email });
    return { out: c.stdout(), err: c.stderr() };
  };
  const supportOf = async (email: string) => (await fx().read((r) => r.userByEmail(email)))?.is_support;

  it('signed out: AUTH_REQUIRED (exit 3), even on a store without staff', async () => {
    expect(await failure(grant(undefined, 'ann@example.com'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  it('the very first grant is open to any signed-in user, says so, and is audited as the bootstrap', async () => {
    const r = await grant(ann, 'Bob@Example.com');
    expect(r).toEqual({
      out: '',
      err: '✓ bob@example.com is now platform staff (SUPPORT) — the first on this store.\n',
    });
    expect(await supportOf('bob@example.com')).toBe(1);
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'staff.grant' }, 1));
    expect(entry).toMatchObject({ actor_email: 'ann@example.com', company_id: null, target: 'bob@example.com' });
    expect(JSON.parse(entry!.details!)).toEqual({ bootstrap: true });
  });

  it('after it, only SUPPORT grants: anyone else gets PERMISSION_DENIED (exit 4) before the e-mail is looked up', async () => {
    for (const email of ['carol@example.com', 'nobody@example.com'])
      expect(await failure(grant(ann, email))).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message: 'Only platform staff (SUPPORT) can grant the SUPPORT role.',
      });
    expect(await supportOf('carol@example.com')).toBe(0);
  });

  it('SUPPORT grants (--json: the e-mail, support, bootstrap false); twice is CONFLICT; no account is NOT_FOUND', async () => {
    const r = await grant(bob, 'carol@example.com', { json: true });
    expect(JSON.parse(r.out)).toEqual({ email: 'carol@example.com', support: true, bootstrap: false });
    expect(r.err).toBe('');
    expect((await grant(bob, 'dan@example.com')).err).toBe('✓ dan@example.com is now platform staff (SUPPORT).\n');
    expect(await failure(grant(bob, 'carol@example.com'))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message: 'carol@example.com is already SUPPORT.',
    });
    expect(await failure(grant(bob, 'nobody@example.com'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No account for nobody@example.com.',
    });
    expect(await failure(grant(bob, 'not an e-mail'))).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
  });

  it('the bootstrap never reopens, even if every staff flag were cleared in the store; only an operator reopens it', async () => {
    await fx().sql(`UPDATE users SET is_support = 0`);
    expect((await failure(grant(dan, 'dan@example.com'))).code).toBe('PERMISSION_DENIED');
    // docs/security.md: someone who holds the store deletes the marker; the next grant is the first again.
    await fx().sql(`DELETE FROM platformctl_meta WHERE key = 'staff_bootstrapped'`);
    expect(JSON.parse((await grant(dan, 'dan@example.com', { json: true })).out)).toEqual({
      email: 'dan@example.com',
      support: true,
      bootstrap: true,
    });
    expect((await failure(grant(carol, 'carol@example.com'))).code).toBe('PERMISSION_DENIED');
  });
});
