import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';

describe.each(engines())('account on %s', (engine) => {
  const fresh = useStore(engine);

  it('register creates the user and "<last name> Company" with the user as OWNER, and signs in', async () => {
    const t = await fresh();
    const ann = await t.register('Ann@Example.com', 'Ann', 'Smith');
    const me = await ann.json(['account', 'show']);
    expect(me.user).toMatchObject({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith', phone: null });
    expect(me.currentCompany).toMatchObject({ name: 'Smith Company', role: 'OWNER', plan: { name: 'FREE', maxUsers: 3, custom: false } });
    expect(me.companies).toEqual([{ id: me.currentCompany.id, name: 'Smith Company', role: 'OWNER', status: 'ACTIVE', current: true, main: true }]);
  });

  it('refuses a second account for the same e-mail, compared case-insensitively (exit 6)', async () => {
    const t = await fresh();
    await t.register('ann@example.com');
    const r = await t.run(['account', 'register', '--email', ' ANN@example.com ', '--first-name', 'A', '--last-name', 'B', '--password-stdin'], { input: PASSWORD + '\n' });
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toMatch(/^error: An account for ann@example.com already exists/);
  });
});
