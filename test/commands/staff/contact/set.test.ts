import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../../src/commands/staff/contact/set.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../../helpers/services.js';

/** What a contact may be is checked in staff/tools.test.ts (checkContact); here, the command. */
describe.each(ENGINES)('staff contact set run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, sue: TestUser;

  beforeAll(async () => {
    [ann, sue] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await fx().grantSupport(sue);
  });

  const set = async (who: TestUser | undefined, contact: string, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, contact });
    return { out: c.stdout(), err: c.stderr() };
  };

  it('is for SUPPORT only (exit 4), signed in (exit 3)', async () => {
    expect(await failure(set(ann, 'billing@example.com'))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only platform staff (SUPPORT) can set the support contact.',
    });
    expect(await failure(set(undefined, 'billing@example.com'))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
  });

  it('sets it as stored (an e-mail lower-cased), says billing show prints it, and audits from → to', async () => {
    const r = await set(sue, ' Billing@Example.com ');
    expect(r).toEqual({
      out: '',
      err: '✓ The support contact is now billing@example.com; `billing show` prints it.\n',
    });
    expect(JSON.parse((await set(sue, 'tel:+15550100', { json: true })).out)).toEqual({
      supportContact: 'tel:+15550100',
      previous: 'billing@example.com',
      changed: true,
    });
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'staff.contact' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', target: 'support_contact' });
    expect(JSON.parse(entry!.details!)).toEqual({ from: 'billing@example.com', to: 'tel:+15550100' });
  });

  it('the same contact again says so; something that is not a contact is INVALID_INPUT (exit 2), unchanged', async () => {
    expect((await set(sue, 'tel:+15550100')).err).toBe('✓ The support contact is already tel:+15550100.\n');
    for (const bad of [
      'call Sue',
      'https://example.com/\u001b[2J',
      'https://evil.example/\u001b]8;;x\u0007',
      'javascript:alert(1)',
    ])
      expect(await failure(set(sue, bad)), JSON.stringify(bad)).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    expect((await failure(set(sue, 'call Sue'))).message).toBe(
      '"call Sue" is not a support contact: give an e-mail address, a URL (https://…, mailto:…) or a phone number.',
    );
    expect(JSON.parse((await set(sue, 'tel:+15550100', { json: true })).out)).toMatchObject({ changed: false });
  });
});
