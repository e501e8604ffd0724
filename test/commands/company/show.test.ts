import { beforeAll, describe, expect, it } from 'vitest';
import { run as memberList } from '../../../src/commands/member/list.js';
import { run } from '../../../src/commands/company/show.js';
import { deleteAccount, update } from '../../../src/domain/accounts.js';
import { checkStore } from '../../../src/domain/health.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('company show run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser, dan: TestUser, al: TestUser, fay: TestUser;
  let eve: TestUser, gus: TestUser, sue: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, carol, dan, al, fay, eve, gus, sue] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
      ['dan@example.com', 'Dan', 'Dean'],
      ['al@example.com', 'Al', 'Smith'],
      ['fay@example.com', 'Fay', 'Fox'],
      ['eve@example.com', 'Eve', 'Evans'],
      ['gus@example.com', 'Gus', 'Green'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await f.grantSupport(sue);
    await f.setPlan(ann.company.id, 'TEAM');
    await f.setPlan(carol.company.id, 'ENTERPRISE');
    // Bob: ACTIVE MANAGER of Ann's Smith Company (current). Dan: INVITED there.
    await f.join(bob, ann, 'manager');
    await f.invite(ann, ['dan@example.com'], 'designer');
    // Fay belongs to both companies named "Smith Company" (Ann's and Al's).
    await f.join(fay, ann, 'designer');
    await f.join(fay, al, 'designer');
    // Eve's company is named like Ann's id; Bob belongs to it too.
    await update(f.services, eve.cred, { companyName: String(ann.company.id) });
    await f.join(bob, eve, 'designer');
    await f.switchTo(bob, ann.company.id);
    // Gus is current in a company that is then deleted with its owner's account.
    await f.join(gus, eve, 'designer');
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const show = async (who: TestUser | undefined, company?: string, o: { tty?: boolean; json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, company });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('the current company by default: name and id, owner, plan, users used / allowed, role, status', async () => {
    const r = await show(bob);
    expect(r.out).toBe(
      [
        `Company    Smith Company (id ${ann.company.id})`,
        'Owner      Ann Smith <ann@example.com>',
        'Plan       TEAM',
        'Users      4 / 10',
        'Your role  MANAGER',
        'Status     ACTIVE',
        '',
      ].join('\n'),
    );
    expect(r.err).toBe('');
    // The same fields on a terminal: nothing is a table here.
    expect((await show(bob, undefined, { tty: true })).out).toBe(r.out);
  });

  it('--json: the company with owner, plan, users, maxUsers and role; the same by name, by id and by 0-padded id', async () => {
    const j = JSON.parse((await show(bob, undefined, { json: true })).out);
    expect(j).toEqual({
      id: ann.company.id,
      name: 'Smith Company',
      owner: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      users: 4,
      maxUsers: 10,
      role: 'MANAGER',
      status: 'ACTIVE',
      current: true,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const ref of ['Smith Company', String(ann.company.id), `00${ann.company.id}`]) {
      expect(JSON.parse((await show(bob, ref, { json: true })).out), ref).toEqual(j);
    }
  });

  it('an unlimited custom plan says "(custom)" and "unlimited"', async () => {
    const r = await show(carol);
    expect(r.out).toMatch(/^Plan +ENTERPRISE \(custom\)\nUsers +1 \/ unlimited\n/m);
    expect(r.out).toMatch(/^Your role +OWNER$/m);
  });

  it('an INVITED company cannot be shown until accepted: PERMISSION_DENIED (exit 4) naming the switch', async () => {
    const e = await failure(show(dan, 'Smith Company'));
    expect(e).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 4 });
    expect(e.message).toBe(
      `You are invited to "Smith Company" but have not accepted yet: switch to it first with \`platformctl company switch ${ann.company.id}\` (or leave it).`,
    );
  });

  it('a company one is not a member of is NOT_FOUND (exit 5), word for word like a missing one', async () => {
    const byName = await failure(show(carol, 'Smith Company'));
    const missing = await failure(show(carol, 'Nowhere Company'));
    expect([byName.code, byName.exitCode, missing.code]).toEqual(['NOT_FOUND', 5, 'NOT_FOUND']);
    expect(byName.message).toBe('No company named "Smith Company" among yours. See `platformctl company list`.');
    expect(missing.message.replace('Nowhere', 'Smith')).toBe(byName.message);
    const byId = await failure(show(carol, String(ann.company.id)));
    const noId = await failure(show(carol, '999999'));
    expect(byId.message.replace(String(ann.company.id), 'N')).toBe(noId.message.replace('999999', 'N'));
    expect(byId.code).toBe('NOT_FOUND');
  });

  it('a name two of your companies share is AMBIGUOUS (exit 2), listing ids to type instead', async () => {
    const e = await failure(show(fay, 'Smith Company'));
    expect(e).toMatchObject({
      code: 'AMBIGUOUS',
      exitCode: 2,
      message: `2 companies are named "Smith Company"; name one by its id: ${ann.company.id} (owner ann@example.com), ${al.company.id} (owner al@example.com).`,
      details: {
        candidates: [
          { id: ann.company.id, name: 'Smith Company', owner: 'ann@example.com' },
          { id: al.company.id, name: 'Smith Company', owner: 'al@example.com' },
        ],
      },
    });
    // Each candidate, typed as shown, works; for Ann only her own is visible, so no ambiguity.
    expect(JSON.parse((await show(fay, String(al.company.id), { json: true })).out).owner.email).toBe('al@example.com');
    expect(JSON.parse((await show(ann, 'Smith Company', { json: true })).out).id).toBe(ann.company.id);
  });

  it('a --company of another command (member list) resolves the same way: AMBIGUOUS (exit 2); each id works', async () => {
    const members = async (who: TestUser, company: string) => {
      const c = fx().call(who, { json: true });
      await memberList({ ...c.deps, company, csv: false, all: false });
      return (JSON.parse(c.stdout()) as { email: string }[]).map((m) => m.email);
    };
    expect(await failure(members(fay, 'Smith Company'))).toMatchObject({
      code: 'AMBIGUOUS',
      exitCode: 2,
      message: `2 companies are named "Smith Company"; name one by its id: ${ann.company.id} (owner ann@example.com), ${al.company.id} (owner al@example.com).`,
    });
    expect(await members(fay, String(al.company.id))).toEqual(['al@example.com', 'fay@example.com']);
    expect(await members(fay, String(ann.company.id))).toContain('fay@example.com');
    // For Ann only her own "Smith Company" is visible: not ambiguous.
    expect(await members(ann, 'Smith Company')).toEqual(await members(fay, String(ann.company.id)));
  });

  it("all digits is always an id: a company named like another's id never shadows it", async () => {
    const byDigits = JSON.parse((await show(bob, String(ann.company.id), { json: true })).out);
    expect(byDigits).toMatchObject({ id: ann.company.id, name: 'Smith Company' });
    const eves = JSON.parse((await show(bob, String(eve.company.id), { json: true })).out);
    expect(eves).toMatchObject({ id: eve.company.id, name: String(ann.company.id), role: 'DESIGNER' });
  });

  it('SUPPORT may look at any company: role "none (staff)", no status; a shared name is ambiguous for staff', async () => {
    const r = await show(sue, String(ann.company.id));
    expect(r.out).toMatch(/^Your role +none \(staff\)$/m);
    expect(r.out).not.toMatch(/^Status/m);
    expect(JSON.parse((await show(sue, String(ann.company.id), { json: true })).out)).toMatchObject({
      role: null,
      status: null,
      current: false,
    });
    expect((await failure(show(sue, 'Smith Company'))).code).toBe('AMBIGUOUS');
  });

  it('with no current company (it was deleted): NOT_FOUND saying how to choose one', async () => {
    const e = await failure(show(gus));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company: .*`platformctl company switch COMPANY`/);
    // Naming a company still works.
    expect(JSON.parse((await show(gus, String(eve.company.id), { json: true })).out).role).toBe('DESIGNER');
  });

  it('a name typed decomposed (NFD) reaches the company, whose name is stored composed (NFC)', async () => {
    // Names are stored NFC (docs/identity.md), so a company reference is compared after
    // NFC too: "Société Company" typed with e + U+0301 (macOS, some input methods, a
    // pasted file name) is the company `company list` shows. The same lookup
    // (src/domain/access.ts) serves switch, leave, plan set and every --company.
    const jo = await fx().register('jo@example.com', 'Jo', 'Société');
    expect(jo.company.name).toBe('Soci\u00e9t\u00e9 Company');
    const typed = 'Socie\u0301te\u0301 Company';
    expect(JSON.parse((await show(jo, typed, { json: true })).out)).toMatchObject({ id: jo.company.id });
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(show(undefined, 'Smith Company'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  // As \`store check\` after each e2e scenario: what these commands left is a store without a fault.
  it('afterwards the store passes store check', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
