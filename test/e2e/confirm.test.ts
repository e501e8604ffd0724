import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD } from './harness.js';

describe.each(engines())('account delete confirmation on %s', (engine) => {
  const fresh = useStore(engine);

  it('without a terminal and without --yes: exit 2 naming --yes, nothing deleted; not signed in: exit 3 first', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const r = await ann.run(['account', 'delete']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: Delete the account ann@example.com and your company "Smith Company"\? .*pass --yes/,
    );
    const j = await ann.run(['--json', 'account', 'delete']);
    expect(j.exitCode).toBe(2);
    expect(JSON.parse(j.stderr).error).toMatchObject({
      code: 'CONFIRMATION_REQUIRED',
      message: expect.stringContaining('--yes'),
    });
    // Still there, still signed in.
    const me = await ann.json(['account', 'show']);
    expect(me.currentCompany.name).toBe('Smith Company');
    const anon = await t.run(['account', 'delete', '--yes']);
    expect(anon.exitCode).toBe(3);
  });

  it('--yes deletes the user, their main company and sessions; the e-mail can register again', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    const token = (await ann.run(['account', 'token', 'create', '--name', 'ci'])).stdout.trim();
    const r = await ann.run(['--json', 'account', 'delete', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      deleted: true,
      email: 'ann@example.com',
      company: { name: 'Smith Company' },
      removedMembers: 0,
    });
    expect((await ann.run(['account', 'show'])).exitCode).toBe(3);
    expect((await t.run(['account', 'show'], { token })).exitCode).toBe(3);
    const login = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
      input: PASSWORD + '\n',
    });
    expect(login.exitCode).toBe(3);
    if (engine === 'local') {
      const db = new Database(t.store, { readonly: true });
      expect(db.prepare(`SELECT name FROM companies ORDER BY id`).all()).toEqual([{ name: 'Jones Company' }]);
      expect(
        db
          .prepare(
            `SELECT count(*) AS n FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'ann@example.com'`,
          )
          .get(),
      ).toEqual({ n: 0 });
      // The failed sign-in after it is audited too, as for any e-mail without an account.
      expect(db.prepare(`SELECT action FROM audit_log ORDER BY id DESC LIMIT 2`).all()).toEqual([
        { action: 'account.login_failed' },
        { action: 'account.delete' },
      ]);
      db.close();
    }
    // Bob is untouched; the human form of -y works too.
    expect((await bob.json(['account', 'show'])).currentCompany.name).toBe('Jones Company');
    const human = await bob.run(['account', 'delete', '-y']);
    expect([human.exitCode, human.stdout, human.stderr]).toEqual([
      0,
      '',
      '✓ Deleted the account bob@example.com and the company "Jones Company".',
    ]);
    await t.register('ann@example.com', 'Ann', 'Again');
  });
});
