import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/commands/command.js';
import { inWords, run, type UpdateOptions } from '../../../src/commands/account/update.js';
import { deleteAccount, show } from '../../../src/domain/accounts.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe('account update', () => {
  it('names the changed fields in words, not as field names', () => {
    expect(inWords(['firstName'])).toBe('first name');
    expect(inWords(['firstName', 'phone'])).toBe('first name and phone');
    expect(inWords(['firstName', 'lastName', 'phone', 'companyName'])).toBe(
      'first name, last name, phone and company name',
    );
  });
});

describe.each(ENGINES)('account update run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, gus: TestUser;

  beforeAll(async () => {
    const f = fx();
    [ann, bob, gus] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['gus@example.com', 'Gus', 'Green'],
    ]);
    await f.join(bob, ann, 'administrator');
    const hal = await f.register('hal@example.com', 'Hal', 'Hill');
    await f.join(gus, hal, 'manager');
    await deleteAccount(f.services, hal.cred);
  });

  const update = async (
    who: TestUser | undefined,
    input: Omit<UpdateOptions, keyof Deps>,
    o: { json?: boolean } = {},
  ) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, ...input });
    return { out: c.stdout(), err: c.stderr() };
  };
  const me = (who: TestUser) => show(fx().services, who.cred);

  it('--json: the account panel after the change and the fields that changed; names trimmed', async () => {
    const r = await update(
      ann,
      { firstName: '  Anna ', lastName: 'Smith-Jones', phone: '+1 (555) 010-0100' },
      { json: true },
    );
    const v = JSON.parse(r.out);
    expect(v.changed).toEqual(['firstName', 'lastName', 'phone']);
    expect(v.user).toEqual({
      id: ann.id,
      email: 'ann@example.com',
      firstName: 'Anna',
      lastName: 'Smith-Jones',
      phone: '+1 (555) 010-0100',
      support: false,
    });
    // The company keeps its name: only --company-name renames it.
    expect(v.currentCompany).toMatchObject({ name: 'Smith Company', role: 'OWNER' });
    expect(Object.keys(v).sort()).toEqual(['changed', 'companies', 'currentCompany', 'user']);
    expect(r.err).toBe('');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'account.update' }, 1));
    expect(JSON.parse(entry!.details!)).toEqual({ fields: ['firstName', 'lastName', 'phone'] });
  });

  it('the OWNER renames the current company ("" clears the phone): audited as company.rename with from and to', async () => {
    const v = JSON.parse((await update(ann, { companyName: 'Smith & Daughters', phone: '' }, { json: true })).out);
    expect(v.changed).toEqual(['phone', 'companyName']);
    expect(v.user.phone).toBeNull();
    expect(v.currentCompany).toMatchObject({ name: 'Smith & Daughters', role: 'OWNER' });
    expect(v.companies[0].name).toBe('Smith & Daughters');
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'company.rename' }, 1));
    expect(entry).toMatchObject({ company_id: ann.company.id, company_name: 'Smith & Daughters' });
    expect(JSON.parse(entry!.details!)).toEqual({ from: 'Smith Company', to: 'Smith & Daughters' });
  });

  it('for people: what changed in words on stderr, the panel on stdout; the same values again are "Nothing changed."', async () => {
    const human = await update(ann, { firstName: 'Ann' });
    expect(human.err).toBe('✓ Updated first name.\n');
    expect(human.out).toMatch(/^Name +Ann Smith-Jones\nEmail +ann@example\.com\nPhone +—\n/);
    expect(human.out).toMatch(/\nCompanies\n/);
    const same = await update(ann, { firstName: 'Ann', companyName: 'Smith & Daughters' });
    expect(same.err).toBe('✓ Nothing changed.\n');
  });

  it('only the OWNER renames the current company (exit 4), and the rest of the change is not made either', async () => {
    await fx().switchTo(bob, ann.company.id);
    expect(await failure(update(bob, { firstName: 'Robert', companyName: 'Bobs' }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only the OWNER of "Smith & Daughters" can rename it.',
    });
    expect((await me(bob)).user.firstName).toBe('Bob');
    expect((await me(ann)).currentCompany?.name).toBe('Smith & Daughters');
  });

  it('with no current company, --company-name is NOT_FOUND saying how to choose one', async () => {
    const e = await failure(update(gus, { companyName: 'Mine' }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', exitCode: 5 });
    expect(e.message).toMatch(/^You have no current company/);
    // account update has no --company: the hint offers only what works (found at a terminal).
    expect(e.message).toMatch(/company switch COMPANY`[^,]*\.$/);
    expect(e.message).not.toContain('--company');
  });

  it('control characters, escapes, bidi overrides, blanks, overlong names and bad phones are INVALID_INPUT (exit 2); nothing changes', async () => {
    const bad: Partial<UpdateOptions>[] = [
      { firstName: 'Ann\u001b[31mRed' },
      { lastName: 'Smith\nrm -rf' },
      { companyName: 'Evil\u202eCorp' },
      { firstName: 'Zero\u200bWidth' },
      { firstName: '   ' },
      { firstName: 'x'.repeat(101) },
      { phone: 'call me maybe' },
      { phone: '+1 555\u0007' },
      { lastName: 'Valid', phone: 'not valid' },
    ];
    const before = await me(ann);
    for (const input of bad) {
      const c = fx().call(ann, { json: true });
      const e = await failure(run({ ...c.deps, ...input }));
      expect(e, JSON.stringify(input)).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(e.message, JSON.stringify(input)).not.toMatch(/[\u001b\u202e\u200b\u0007\n]/);
      expect([c.stdout(), c.stderr()], JSON.stringify(input)).toEqual(['', '']);
    }
    expect(await me(ann)).toEqual(before);
  });

  it('no field at all is INVALID_INPUT naming the flags; signed out is exit 3', async () => {
    expect(await failure(update(ann, {}))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message: 'Nothing to update: pass --first-name, --last-name, --phone or --company-name.',
    });
    expect(await failure(update(undefined, { firstName: 'X' }))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });
});
