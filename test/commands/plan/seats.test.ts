import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as billingShow } from '../../../src/commands/billing/show.js';
import { run as companyShow } from '../../../src/commands/company/show.js';
import { run as invite } from '../../../src/commands/member/invite.js';
import { run as planSet } from '../../../src/commands/plan/set.js';
import { createPlan } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

/**
 * A plan's cap as users meet it, through the commands' run(): seats count ACTIVE + INVITED +
 * PENDING with the OWNER (docs/rules.md, "Seats and plans"), staff move a company to
 * another plan, and what the account panel, company show and billing show say of it.
 * The tests run in order on one store (Smith Company's seats fill up as they go).
 */
describe.each(ENGINES)('seats and plans through the commands on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await createPlan(f.services, sue.cred, { name: 'ACME-DEAL', unlimited: true, custom: true });
    await createPlan(f.services, sue.cred, { name: 'BIG-DEAL', maxUsers: 500, custom: true });
  });

  const call = async (
    fn: (deps: ReturnType<ReturnType<typeof fx>['call']>['deps']) => Promise<void>,
    who: TestUser,
    o: { json?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    await fn(c.deps);
    return { out: c.stdout(), err: c.stderr() };
  };
  const inviteAs = (who: TestUser, emails: string[]) =>
    call((d) => invite({ ...d, emails, role: 'DESIGNER' }), who, { json: true });
  const billingOf = async (who: TestUser) =>
    JSON.parse((await call((d) => billingShow({ ...d, company: 'Smith Company' }), who, { json: true })).out);
  const seatLimit = {
    code: 'SEAT_LIMIT',
    exitCode: 6,
    message:
      'Plan FREE of "Smith Company" allows 3 users; it has 3, so 1 more would exceed it. Ask support to change the plan.',
  };

  it('INVITED and PENDING count, the OWNER included: the 4th user on FREE is SEAT_LIMIT (exit 6), nobody invited', async () => {
    expect(await billingOf(ann)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'FREE', maxUsers: 3, custom: false },
      users: 1,
      supportContact: null,
    });
    await inviteAs(ann, ['bob@example.com', 'p1@example.com']);
    expect((await billingOf(ann)).users).toBe(3);
    expect(await failure(inviteAs(ann, ['p2@example.com']))).toMatchObject(seatLimit);
    expect((await billingOf(ann)).users).toBe(3);
  });

  it('ACTIVE counts too: the invited member switching in frees no seat', async () => {
    await fx().switchTo(bob, 'Smith Company');
    expect(await failure(inviteAs(ann, ['p2@example.com']))).toMatchObject(seatLimit);
  });

  it('staff move the company to TEAM: members see it in billing show, and the next invitation fits', async () => {
    const r = await call((d) => planSet({ ...d, company: String(ann.company.id), plan: 'team' }), sue, { json: true });
    expect(JSON.parse(r.out)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      previous: 'FREE',
      users: 3,
    });
    expect(await billingOf(bob)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      users: 3,
      supportContact: null,
    });
    expect(JSON.parse((await inviteAs(ann, ['p2@example.com'])).out).users).toBe(4);
    // Back to FREE would leave 4 users on 3 seats.
    expect(
      await failure(call((d) => planSet({ ...d, company: String(ann.company.id), plan: 'FREE' }), sue)),
    ).toMatchObject({
      code: 'SEAT_LIMIT',
      exitCode: 6,
      message: 'Plan FREE allows 3 users but "Smith Company" has 4; remove members first.',
    });
    expect((await billingOf(ann)).plan.name).toBe('TEAM');
  });

  it('an unlimited custom plan: billing show says so; the account panel leaves the plan out, for every member', async () => {
    await call((d) => planSet({ ...d, company: String(ann.company.id), plan: 'ACME-DEAL' }), sue);
    expect(await billingOf(ann)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'ACME-DEAL', maxUsers: null, custom: true },
      users: 4,
      supportContact: null,
    });
    expect((await call((d) => billingShow({ ...d }), ann)).out).toMatch(
      /^Plan +ACME-DEAL \(custom\)\nUsers +4 \/ unlimited$/m,
    );
    expect(JSON.parse((await call(accountShow, ann, { json: true })).out).currentCompany).toEqual({
      id: ann.company.id,
      name: 'Smith Company',
      role: 'OWNER',
      plan: null,
    });
    expect((await call(accountShow, ann)).out).not.toMatch(/^Plan /m);
    expect(JSON.parse((await call(accountShow, bob, { json: true })).out).currentCompany).toMatchObject({
      id: ann.company.id,
      plan: null,
    });
  });

  it('a limited custom plan is shown in the account panel and company show', async () => {
    await call((d) => planSet({ ...d, company: String(ann.company.id), plan: 'BIG-DEAL' }), sue);
    const view = { name: 'BIG-DEAL', maxUsers: 500, custom: true };
    expect(JSON.parse((await call(accountShow, ann, { json: true })).out).currentCompany.plan).toEqual(view);
    expect(JSON.parse((await call((d) => companyShow({ ...d }), ann, { json: true })).out).plan).toEqual(view);
  });
});
