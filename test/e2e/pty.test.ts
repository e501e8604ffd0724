import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';

describe.each(engines())('prompts on a terminal on %s', (engine) => {
  const fresh = useStore(engine);

  it('account register asks for the password and its confirmation, hidden; login asks for it too', async () => {
    const t = await fresh();
    const dir = join(t.dir, 'ann');
    const secret = 'typed-at-the-terminal';
    const reg = new PtySession(
      t,
      ['account', 'register', '--email', 'ann@example.com', '--first-name', 'Ann', '--last-name', 'Smith'],
      dir,
    );
    await reg.expect(/PASSWORD/);
    reg.write(secret + ENTER);
    await reg.expect(/CONFIRM PASSWORD/);
    reg.write(secret + ENTER);
    const r = await reg.end();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/Registered ann@example.com/);
    expect(r.output).not.toContain(secret);

    const bad = new PtySession(
      t,
      ['account', 'register', '--email', 'bob@example.com', '--first-name', 'Bob', '--last-name', 'Jones'],
      join(t.dir, 'bob'),
    );
    await bad.expect(/PASSWORD/);
    bad.write(secret + ENTER);
    await bad.expect(/CONFIRM PASSWORD/);
    bad.write(secret + 'x' + ENTER);
    const b = await bad.end();
    expect(b.exitCode, b.output).toBe(2);
    expect(b.output).toMatch(/Password and confirmation do not match/);

    const login = new PtySession(t, ['account', 'login', '--email', 'ann@example.com'], join(t.dir, 'ann-2'));
    await login.expect(/PASSWORD/);
    login.write(secret + ENTER);
    const l = await login.end();
    expect(l.exitCode, l.output).toBe(0);
    expect(l.output).toMatch(/Signed in as ann@example.com/);
    expect(l.output).not.toContain(secret);
    // bob was never created
    const nobody = await t.run(['account', 'login', '--email', 'bob@example.com', '--password-stdin'], {
      input: secret + '\n',
    });
    expect(nobody.exitCode).toBe(3);
  });

  it('password change asks CURRENT PASSWORD, NEW PASSWORD, CONFIRM NEW PASSWORD', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const s = new PtySession(t, ['password', 'change'], ann.configDir);
    await s.expect(/CURRENT PASSWORD/);
    s.write(PASSWORD + ENTER);
    await s.expect(/NEW PASSWORD/);
    s.write('the new password' + ENTER);
    await s.expect(/CONFIRM NEW PASSWORD/);
    s.write('the new password' + ENTER);
    const r = await s.end();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/Password changed/);
    expect(r.output).not.toContain('the new password');
    const login = await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], {
      input: 'the new password\n',
    });
    expect(login.exitCode).toBe(0);
  });
});
