import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/plan/set.js';
import { createPlan, billing } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('plan set run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, al: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, al, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['al@example.com', 'Al', 'Smith'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    // Smith Company (Ann's) has 3 of FREE's 3 users: Ann, Bob (ACTIVE ADMINISTRATOR), a PENDING e-mail.
    await f.join(bob, ann, 'administrator');
    await f.invite(ann, ['pending@example.com'], 'designer');
    await createPlan(f.services, sue.cred, { name: 'DUO', maxUsers: 2 });
  });

  const set = async (who: TestUser | undefined, company: string, plan: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, company, plan });
    return { out: c.stdout(), err: c.stderr() };
  };
  const planOf = async (companyId: number) => (await billing(fx().services, sue.cred, { id: companyId })).plan.name;

  it('is for staff: OWNER and ADMINISTRATOR get PERMISSION_DENIED (exit 4) saying to contact support', async () => {
    for (const who of [ann, bob]) {
      const e = await failure(set(who, 'Smith Company', 'TEAM'));
      expect(e).toMatchObject({
        code: 'PERMISSION_DENIED',
        exitCode: 4,
        message:
          "Only platform staff (SUPPORT) can change a company's plan. Contact support to change billing or plans.",
      });
    }
    // Refused before the company is looked up: a non-staff user learns nothing about other companies.
    expect((await failure(set(ann, 'Nowhere Company', 'TEAM'))).code).toBe('PERMISSION_DENIED');
    expect(await planOf(ann.company.id)).toBe('FREE');
  });

  it('SUPPORT moves a company (by id, plan name in any case): what changed on stderr, audited', async () => {
    const r = await set(sue, String(ann.company.id), ' team ');
    expect(r.out).toBe('');
    expect(r.err).toBe('✓ "Smith Company" moved from FREE to TEAM (3/10 users).\n');
    expect(await planOf(ann.company.id)).toBe('TEAM');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'plan.set' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', company_id: ann.company.id, target: 'TEAM' });
    expect(JSON.parse(entry!.details!)).toEqual({ from: 'FREE', to: 'TEAM' });
  });

  it('--json: the company, the new plan, the previous one and the users; unlimited is null', async () => {
    expect(JSON.parse((await set(sue, String(ann.company.id), 'ENTERPRISE', { json: true })).out)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'ENTERPRISE', maxUsers: null, custom: true },
      previous: 'TEAM',
      users: 3,
    });
    expect((await set(sue, String(ann.company.id), 'BUSINESS')).err).toBe(
      '✓ "Smith Company" moved from ENTERPRISE to BUSINESS (3/50 users).\n',
    );
  });

  it('a plan smaller than the users the company has is SEAT_LIMIT (exit 6), nothing changed', async () => {
    const e = await failure(set(sue, String(ann.company.id), 'DUO'));
    expect(e).toMatchObject({
      code: 'SEAT_LIMIT',
      exitCode: 6,
      message: 'Plan DUO allows 2 users but "Smith Company" has 3; remove members first.',
    });
    expect(await planOf(ann.company.id)).toBe('BUSINESS');
  });

  it('the same plan is CONFLICT (exit 6); unknown plans and companies NOT_FOUND (exit 5); bad names INVALID_INPUT', async () => {
    expect(await failure(set(sue, String(ann.company.id), 'BUSINESS'))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message: '"Smith Company" is already on plan BUSINESS.',
    });
    expect(await failure(set(sue, String(ann.company.id), 'GOLD'))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No plan GOLD. See `platformctl plan list`.',
    });
    expect(await failure(set(sue, 'Acme Company', 'TEAM'))).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(await failure(set(sue, '999999', 'TEAM'))).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(await failure(set(sue, String(ann.company.id), 'bad name!'))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
    });
    expect(await planOf(ann.company.id)).toBe('BUSINESS');
  });

  it('staff see every company: a name two companies share is AMBIGUOUS (exit 2); a unique name works', async () => {
    const e = await failure(set(sue, 'Smith Company', 'TEAM'));
    expect(e).toMatchObject({
      code: 'AMBIGUOUS',
      exitCode: 2,
      message: `2 companies are named "Smith Company"; name one by its id: ${ann.company.id} (owner ann@example.com), ${al.company.id} (owner al@example.com).`,
    });
    await set(sue, 'Jones Company', 'TEAM');
    expect(await planOf(bob.company.id)).toBe('TEAM');
    expect(await planOf(al.company.id)).toBe('FREE');
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(set(undefined, 'Smith Company', 'TEAM'))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
