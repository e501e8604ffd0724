import { beforeAll, describe, expect, it } from 'vitest';
import { run as contactSet } from '../../../src/commands/staff/contact/set.js';
import { run as unlock } from '../../../src/commands/staff/unlock.js';
import { run as signout } from '../../../src/commands/staff/signout.js';
import { run as billingShow } from '../../../src/commands/billing/show.js';
import { login } from '../../../src/domain/accounts.js';
import { checkContact } from '../../../src/domain/staff.js';
import type { Services } from '../../../src/domain/services.js';
import { ENGINES, TEST_PASSWORD as PW, useFixture } from '../../helpers/services.js';

describe.each(ENGINES)('staff tools and the support contact on %s', (engine) => {
  const fx = useFixture(engine);
  let svc: Services;
  let sue: string;
  let ann: string;

  // One store for the tests below: none depends on another's changes (the contact is
  // set only in the second, sign-ins and sign-outs only in the third).
  beforeAll(async () => {
    svc = fx().services;
    const [s, a] = await fx().registerAll([
      ['sue@example.com', 'Sue', 'Port'],
      ['ann@example.com', 'Ann', 'Smith'],
    ]);
    [sue, ann] = [s.token, a.token];
    await fx().grantSupport(s);
  });
  const deps = (token: string, json = false) => {
    const c = fx().call(undefined, { json });
    c.deps.credential = () => ({ token });
    return { b: { stdout: c.stdout, stderr: c.stderr }, o: c.deps };
  };

  it('a support contact is an e-mail, a URL or a phone number; anything else is refused (exit 2)', () => {
    expect(checkContact(' Billing@Example.com ')).toBe('billing@example.com');
    expect(checkContact('https://example.com/support?x=1')).toBe('https://example.com/support?x=1');
    expect(checkContact('mailto:billing@example.com')).toBe('mailto:billing@example.com');
    expect(checkContact('tel:+15550100')).toBe('tel:+15550100');
    expect(checkContact('+1 (555) 010-0100')).toBe('+1 (555) 010-0100');
    for (const bad of [
      '',
      'call Sue',
      'javascript:alert(1)',
      'https://',
      'https://example.com/\u001b[2J',
      'help@example.com\u202e',
      'x'.repeat(201),
      'https://example.com/ with spaces',
    ])
      expect(() => checkContact(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('billing show says to ask support until staff set a contact, then prints it (and carries it in --json)', async () => {
    let d = deps(ann);
    await billingShow(d.o);
    expect(d.b.stderr()).toBe("To change the plan, ask the platform's support.\n");
    d = deps(ann, true);
    await billingShow(d.o);
    expect(JSON.parse(d.b.stdout())).toMatchObject({ plan: { name: 'FREE' }, supportContact: null });

    const denied = deps(ann);
    await expect(contactSet({ ...denied.o, contact: 'billing@example.com' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const set = deps(sue, true);
    await contactSet({ ...set.o, contact: 'https://example.com/support' });
    expect(JSON.parse(set.b.stdout())).toEqual({
      supportContact: 'https://example.com/support',
      previous: null,
      changed: true,
    });
    const human = deps(sue);
    await contactSet({ ...human.o, contact: 'https://example.com/support' });
    expect(human.b.stderr()).toBe('✓ The support contact is already https://example.com/support.\n');

    d = deps(ann);
    await billingShow(d.o);
    expect(d.b.stderr()).toBe('To change the plan, contact support: https://example.com/support\n');
    expect(d.b.stdout()).not.toContain('sue@example.com');
    d = deps(ann, true);
    await billingShow(d.o);
    expect(JSON.parse(d.b.stdout()).supportContact).toBe('https://example.com/support');
  });

  it('staff unlock and signout: SUPPORT only, a line for people, an object with --json', async () => {
    for (let i = 0; i < 5; i++)
      await login(svc, 'ann@example.com', 'wrong', 'some-device-000001').catch(() => undefined);
    await expect(login(svc, 'ann@example.com', PW, 'some-device-000001')).rejects.toMatchObject({ code: 'THROTTLED' });
    await expect(unlock({ ...deps(ann).o, email: 'ann@example.com' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'Only platform staff (SUPPORT) can unlock accounts.',
    });
    const u = deps(sue);
    await unlock({ ...u.o, email: 'Ann@Example.com' });
    expect(u.b.stderr()).toBe(
      '✓ Unlocked ann@example.com: failed sign-ins are forgotten and every device may sign in again.\n',
    );
    const again = deps(sue, true);
    await unlock({ ...again.o, email: 'ann@example.com' });
    expect(JSON.parse(again.b.stdout())).toEqual({ email: 'ann@example.com', unlocked: true, wasLocked: false });
    await login(svc, 'ann@example.com', PW, 'some-device-000001');

    await expect(signout({ ...deps(ann).o, email: 'sue@example.com' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    const s = deps(sue, true);
    await signout({ ...s.o, email: 'ann@example.com' });
    expect(JSON.parse(s.b.stdout())).toEqual({ email: 'ann@example.com', revoked: 2, self: false });
    await expect(unlock({ ...deps(sue).o, email: 'nobody@example.com' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const me = deps(sue);
    await signout({ ...me.o, email: 'sue@example.com' });
    expect(me.b.stderr()).toBe(
      '✓ Signed sue@example.com out everywhere: 1 session or token revoked. That included yours: sign in again.\n',
    );
  });
});
