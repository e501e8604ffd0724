import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';
const DOWN = '\u001b[B';

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

  it('account delete: the default answer NO and Ctrl-C cancel (exit 8, nothing changed); YES, DELETE IT deletes', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');

    const no = new PtySession(t, ['account', 'delete'], ann.configDir);
    await no.expect(/Delete the account ann@example.com and your company "Smith Company"\?/);
    await no.expect(/YES, DELETE IT/);
    no.write(ENTER); // the highlighted default is NO, IT'S MISTAKE
    const n = await no.end();
    expect(n.exitCode, n.output).toBe(8);
    expect(n.output).toMatch(/NO, IT'S MISTAKE/);
    expect(n.output).toMatch(/Cancelled; nothing was changed/);

    const ctrlC = new PtySession(t, ['account', 'delete'], ann.configDir);
    await ctrlC.expect(/YES, DELETE IT/);
    ctrlC.write('\u0003');
    const c = await ctrlC.end();
    expect(c.exitCode, c.output).toBe(8);
    expect((await ann.json(['account', 'show'])).currentCompany.name).toBe('Smith Company');

    const yes = new PtySession(t, ['account', 'delete'], ann.configDir);
    await yes.expect(/YES, DELETE IT/);
    yes.write(DOWN);
    await yes.expect(/YES, DELETE IT/); // redrawn with the cursor on it
    yes.write(ENTER);
    const y = await yes.end();
    expect(y.exitCode, y.output).toBe(0);
    expect(y.output).toMatch(/Deleted the account ann@example.com and the company "Smith Company"/);
    expect(
      (await t.run(['account', 'login', '--email', ann.email, '--password-stdin'], { input: PASSWORD + '\n' }))
        .exitCode,
    ).toBe(3);
  });
});
