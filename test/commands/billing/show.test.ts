import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/billing/show.js';
import { deleteAccount } from '../../../src/domain/accounts.js';
import { createPlan } from '../../../src/domain/plans.js';
import { setSupportContact } from '../../../src/domain/staff.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

/** The support contact's own rules (what it may be, who sets it) are in staff/tools.test.ts. */
describe.each(ENGINES)('billing show run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, dan: TestUser, carol: TestUser, sue: TestUser, gus: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, dan, carol, sue, gus] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['dan@example.com', 'Dan', 'Dean'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['sue@example.com', 'Sue', 'Staff'],
      ['gus@example.com', 'Gus', 'Green'],
    ]);
    await f.grantSupport(sue);
    // Smith Company (FREE, 3 users): Ann, Bob ACTIVE DESIGNER, Dan INVITED.
    await f.join(bob, ann, 'designer');
    await f.invite(ann, ['dan@example.com'], 'manager');
    await createPlan(f.services, sue.cred, { name: 'ACME-DEAL', unlimited: true, custom: true });
    await createPlan(f.services, sue.cred, { name: 'BIG-DEAL', maxUsers: 500, custom: true });
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const show = async (who: TestUser | undefined, o: { company?: string; json?: boolean; tty?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, company: o.company });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('the current company: name and id, plan, users used / allowed on stdout; whom to ask on stderr', async () => {
    const r = await show(ann, { tty: true });
    expect(r.out).toBe(`Company  Smith Company (id ${ann.company.id})\nPlan     FREE\nUsers    3 / 3\n`);
    expect(r.err).toBe("To change the plan, ask the platform's support.\n");
    expect(await show(ann)).toEqual(r);
  });

  it('--json: the documented shape (maxUsers null = unlimited), with the support contact or null', async () => {
    expect(JSON.parse((await show(ann, { json: true })).out)).toEqual({
      company: { id: ann.company.id, name: 'Smith Company' },
      plan: { name: 'FREE', maxUsers: 3, custom: false },
      users: 3,
      supportContact: null,
    });
    expect((await show(ann, { json: true })).err).toBe('');
  });

  it('users count ACTIVE + INVITED + PENDING, the OWNER included', async () => {
    const before = JSON.parse((await show(ann, { json: true })).out).users as number;
    await fx().setPlan(ann.company.id, 'TEAM');
    await fx().invite(ann, ['pending@example.com'], 'designer');
    expect(JSON.parse((await show(ann, { json: true })).out)).toMatchObject({
      plan: { name: 'TEAM', maxUsers: 10 },
      users: before + 1,
    });
  });

  it('an unlimited custom plan says "(custom)" and "unlimited"; a limited custom plan shows its name and cap', async () => {
    await fx().setPlan(ann.company.id, 'ACME-DEAL');
    expect((await show(ann)).out).toMatch(/^Plan +ACME-DEAL \(custom\)\nUsers +4 \/ unlimited\n$/m);
    expect(JSON.parse((await show(ann, { json: true })).out).plan).toEqual({
      name: 'ACME-DEAL',
      maxUsers: null,
      custom: true,
    });
    await fx().setPlan(ann.company.id, 'BIG-DEAL');
    expect((await show(ann)).out).toMatch(/^Plan +BIG-DEAL\nUsers +4 \/ 500\n$/m);
  });

  it('the contact staff set is printed, escaped, never a staff account', async () => {
    await setSupportContact(fx().services, sue.cred, 'https://example.com/support?q=plans');
    const r = await show(bob, { company: 'Smith Company' });
    expect(r.err).toBe('To change the plan, contact support: https://example.com/support?q=plans\n');
    expect(r.out + r.err).not.toContain('sue@example.com');
    expect(JSON.parse((await show(bob, { company: 'Smith Company', json: true })).out).supportContact).toBe(
      'https://example.com/support?q=plans',
    );
  });

  it('any member may look (a DESIGNER too); an invitation not accepted grants nothing (exit 4)', async () => {
    expect(JSON.parse((await show(bob, { json: true, company: String(ann.company.id) })).out).users).toBe(4);
    const e = await failure(show(dan, { company: 'Smith Company' }));
    expect(e).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
    expect(e.message).toMatch(/^You are invited to "Smith Company" but have not accepted yet/);
  });

  it('to others the company does not exist (exit 5); SUPPORT sees any company', async () => {
    expect(await failure(show(carol, { company: 'Smith Company' }))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
    expect(JSON.parse((await show(sue, { company: 'Brown Company', json: true })).out)).toMatchObject({
      company: { id: carol.company.id, name: 'Brown Company' },
      plan: { name: 'FREE' },
      users: 1,
    });
  });

  it('no current company (it was deleted): NOT_FOUND saying how to choose; signed out: AUTH_REQUIRED', async () => {
    const e = await failure(show(gus));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company/);
    expect(await failure(show(undefined))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
