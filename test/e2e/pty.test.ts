import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStore, PASSWORD } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';

// The subject is the terminal dialogue (what is asked, in which order, again after a wrong
// answer), which is the same whatever the store's engine: run on the local store only. What
// the answers do to the store (registration, password change, refusals) is covered on both
// engines by account.test.ts, password.test.ts and session.test.ts.
describe('prompts on a terminal (local store: the dialogue does not depend on the engine)', () => {
  const fresh = useStore('local');

  it('account register with nothing given asks for each field and each password, again after a wrong answer', async () => {
    const t = await fresh();
    const secret = 'typed-at-the-terminal';
    const reg = new PtySession(t, ['account', 'register'], join(t.dir, 'ann'));
    await reg.expect(/\? EMAIL/);
    reg.write('not-an-email' + ENTER);
    await reg.expect(/Invalid e-mail address "not-an-email"\./);
    // The refused answer stays on the open prompt to be corrected: erase it first.
    reg.write('\u0015' + 'Ann@Example.com' + ENTER);
    await reg.expect(/\? FIRST NAME/);
    reg.write('Ann' + ENTER);
    await reg.expect(/\? LAST NAME/);
    reg.write('Smith' + ENTER);
    await reg.expect(/\? PASSWORD/);
    reg.write('short' + ENTER);
    // Refused on the open prompt: the reason under it, typed again there.
    await reg.expect(/Password must be at least 8 characters long\./);
    reg.write(secret + ENTER);
    await reg.expect(/\? CONFIRM PASSWORD/);
    reg.write(secret + 'x' + ENTER);
    await reg.expect(/Password and confirmation do not match; type both again\./);
    await reg.expect(/\? PASSWORD/);
    reg.write(secret + ENTER);
    await reg.expect(/\? CONFIRM PASSWORD/);
    reg.write(secret + ENTER);
    const r = await reg.end();
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/Registered ann@example.com; your company "Smith Company" was created/);
    expect(r.output).not.toContain(secret);
    expect(r.output).not.toMatch(/New password|error:/);

    // login without --email asks for it, then for the password.
    const login = new PtySession(t, ['account', 'login'], join(t.dir, 'ann-2'));
    await login.expect(/\? EMAIL/);
    login.write('ann@example.com' + ENTER);
    await login.expect(/\? PASSWORD/);
    login.write(secret + ENTER);
    const l = await login.end();
    expect(l.exitCode, l.output).toBe(0);
    expect(l.output).toMatch(/Signed in as ann@example.com/);
    expect(l.output).not.toContain(secret);
  });

  it('an e-mail already registered is refused before any password is asked (flag: exit 6; prompt: asked again)', async () => {
    const t = await fresh();
    await t.seed('ann@example.com', 'Ann', 'Smith');
    const flag = new PtySession(
      t,
      ['account', 'register', '--email', 'ANN@example.com', '--first-name', 'Bob', '--last-name', 'Jones'],
      join(t.dir, 'bob'),
    );
    const f = await flag.end();
    expect(f.exitCode, f.output).toBe(6);
    expect(f.output).toMatch(/^error: An account for ann@example.com already exists\. Sign in with/);
    expect(f.output).not.toMatch(/PASSWORD/);

    const typed = new PtySession(
      t,
      ['account', 'register', '--first-name', 'Bob', '--last-name', 'Jones'],
      join(t.dir, 'bob'),
    );
    await typed.expect(/\? EMAIL/);
    typed.write('ann@example.com' + ENTER);
    await typed.expect(/An account for ann@example.com already exists/);
    typed.write('\u0003');
    const c = await typed.end();
    expect(c.exitCode, c.output).toBe(8);
    expect(c.output).toMatch(/Cancelled; nothing was changed\./);
    expect(c.output).not.toMatch(/PASSWORD|error:/);
    expect(await t.query((r) => r.companiesByName('Jones Company'))).toEqual([]);
  });

  it('password change asks CURRENT PASSWORD, NEW PASSWORD, CONFIRM NEW PASSWORD', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    // Unlike register it does not ask again: the checks run in their documented order on a
    // terminal too (length, match, then the current password), and the first failure ends it.
    const short = new PtySession(t, ['password', 'change'], ann.configDir);
    await short.expect(/\? CURRENT PASSWORD/);
    short.write('not the current one' + ENTER);
    await short.expect(/\? NEW PASSWORD/);
    short.write('short' + ENTER);
    await short.expect(/\? CONFIRM NEW PASSWORD/);
    short.write('other' + ENTER);
    const sr = await short.end();
    expect(sr.exitCode, sr.output).toBe(2);
    expect(sr.output).toMatch(/\nerror: New password must be at least 8 characters long\.\r?\n$/);

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
