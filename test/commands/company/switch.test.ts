import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/company/switch.js';
import { deleteAccount, update } from '../../../src/domain/accounts.js';
import { listCompanies } from '../../../src/domain/companies.js';
import { listMembers } from '../../../src/domain/members.js';
import { checkStore } from '../../../src/domain/health.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('company switch run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, al: TestUser, fay: TestUser, eve: TestUser;
  let gus: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, al, fay, eve, gus, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['al@example.com', 'Al', 'Smith'],
      ['fay@example.com', 'Fay', 'Fox'],
      ['eve@example.com', 'Eve', 'Evans'],
      ['gus@example.com', 'Gus', 'Green'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await f.invite(ann, ['bob@example.com', 'fay@example.com'], 'manager');
    await f.invite(al, ['fay@example.com'], 'designer');
    // Eve's company is named like Ann's id; Fay is invited there too.
    await update(f.services, eve.cred, { companyName: String(ann.company.id) });
    await f.invite(eve, ['fay@example.com'], 'administrator');
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const sw = async (who: TestUser | undefined, company: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, company });
    return { out: c.stdout(), err: c.stderr() };
  };
  const companies = (u: TestUser) => listCompanies(fx().services, u.cred);
  const statusIn = (u: TestUser, companyId: number) =>
    fx().read(async (r) => (await r.membership(companyId, u.id))?.status);
  const currentOf = (u: TestUser) => fx().read(async (r) => (await r.userById(u.id))!.current_company_id);

  it('an INVITED company: the first switch accepts it (ACTIVE, current), says so, and is audited', async () => {
    expect(await statusIn(bob, ann.company.id)).toBe('INVITED');
    const r = await sw(bob, 'Smith Company');
    expect(r.out).toBe('');
    expect(r.err).toBe('✓ Switched to "Smith Company" (MANAGER); your invitation is now ACTIVE.\n');
    expect(await statusIn(bob, ann.company.id)).toBe('ACTIVE');
    expect(await currentOf(bob)).toBe(ann.company.id);
    // The OWNER's member list shows the invitation accepted.
    const members = (await listMembers(fx().services, ann.cred, {})).members;
    expect(members.find((m) => m.email === 'bob@example.com')?.status).toBe('ACTIVE');
    const [entry] = await fx().read((r) => r.auditPage({ action: 'company.switch', actor: 'bob@example.com' }, 5));
    expect(entry).toMatchObject({ company_id: ann.company.id, target: 'bob@example.com' });
    expect(JSON.parse(entry!.details!)).toEqual({ activated: true });
  });

  it('--json: the documented object; switching again activates nothing; home by id', async () => {
    expect(JSON.parse((await sw(bob, String(ann.company.id), { json: true })).out)).toEqual({
      id: ann.company.id,
      name: 'Smith Company',
      role: 'MANAGER',
      status: 'ACTIVE',
      activated: false,
    });
    const home = await sw(bob, String(bob.company.id));
    expect(home.err).toBe('✓ Switched to "Jones Company" (OWNER).\n');
    expect((await companies(bob)).map((c) => [c.name, c.status, c.current, c.main])).toEqual([
      ['Jones Company', 'ACTIVE', true, true],
      ['Smith Company', 'ACTIVE', false, false],
    ]);
  });

  it('a company one is not a member of is NOT_FOUND (exit 5) exactly like a missing one; nothing changes', async () => {
    const notMine = await failure(sw(carol, 'Smith Company'));
    const none = await failure(sw(carol, 'Nowhere Company'));
    expect(notMine).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
    });
    expect(none.message).toBe('No company named "Nowhere Company" among yours. See `platformctl company list`.');
    const byId = await failure(sw(carol, String(ann.company.id)));
    const noId = await failure(sw(carol, '999999'));
    expect(byId.message.replace(String(ann.company.id), 'N')).toBe(noId.message.replace('999999', 'N'));
    expect(await currentOf(carol)).toBe(carol.company.id);
    expect(await fx().read((r) => r.membership(ann.company.id, carol.id))).toBeUndefined();
  });

  it('a name two of your companies share is AMBIGUOUS (exit 2) and accepts nothing; each id works', async () => {
    const e = await failure(sw(fay, 'Smith Company'));
    expect(e).toMatchObject({
      code: 'AMBIGUOUS',
      exitCode: 2,
      message: `2 companies are named "Smith Company"; name one by its id: ${ann.company.id} (owner ann@example.com), ${al.company.id} (owner al@example.com).`,
    });
    expect([await statusIn(fay, ann.company.id), await statusIn(fay, al.company.id)]).toEqual(['INVITED', 'INVITED']);
    expect(await currentOf(fay)).toBe(fay.company.id);
    expect(JSON.parse((await sw(fay, String(al.company.id), { json: true })).out)).toMatchObject({
      id: al.company.id,
      role: 'DESIGNER',
      activated: true,
    });
  });

  it("all digits is an id: Ann's id reaches Smith Company, not the company named after it", async () => {
    const r = JSON.parse((await sw(fay, String(ann.company.id), { json: true })).out);
    expect(r).toMatchObject({ id: ann.company.id, name: 'Smith Company', role: 'MANAGER' });
    expect(await statusIn(fay, eve.company.id)).toBe('INVITED');
    const eves = JSON.parse((await sw(fay, String(eve.company.id), { json: true })).out);
    expect(eves).toMatchObject({ id: eve.company.id, name: String(ann.company.id), role: 'ADMINISTRATOR' });
  });

  it('SUPPORT cannot switch to a company they are not a member of: PERMISSION_DENIED (exit 4)', async () => {
    const e = await failure(sw(sue, String(ann.company.id)));
    expect(e).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'You are not a member of "Smith Company"; staff can act on it with --company but cannot switch to it.',
    });
    expect(await currentOf(sue)).toBe(sue.company.id);
  });

  it('with no current company (it was deleted), switching picks one again', async () => {
    expect(await currentOf(gus)).toBeNull();
    await sw(gus, 'Green Company');
    expect(await currentOf(gus)).toBe(gus.company.id);
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(sw(undefined, 'Smith Company'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  // As \`store check\` after each e2e scenario: what these commands left is a store without a fault.
  it('afterwards the store passes store check', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
