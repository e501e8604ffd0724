import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, PASSWORD, type Engine, type TestStore } from './harness.js';

/**
 * What staff can do for users, and what no one can do to a store: the first grant never
 * reopens, the last SUPPORT user stays, staff sign users out everywhere, the support
 * contact reaches `billing show`, and no token mints another.
 */

/** Runs SQL against the store from outside the CLI (an operator's edit of the store). */
async function sql(t: TestStore, statement: string, args: unknown[] = []): Promise<void> {
  if (t.engine === 'local') {
    const db = new Database(t.store);
    try {
      db.prepare(statement).run(...args);
    } finally {
      db.close();
    }
    return;
  }
  const { createClient } = await import('@libsql/client');
  const c = createClient({ url: t.store, intMode: 'number' });
  try {
    await c.execute({ sql: statement, args: args as never });
  } finally {
    c.close();
  }
}

const err = (r: { exitCode: number; stderr: string }) => [r.exitCode, r.stderr];

describe.each(engines())('staff tools on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('the first grant never reopens: the last SUPPORT user cannot delete their account, and a store without staff stays closed', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    expect((await bob.json(['staff', 'grant', 'ann@example.com'])).bootstrap).toBe(true);
    const last =
      'ann@example.com is the last SUPPORT user; grant SUPPORT to someone else first (`platformctl staff grant EMAIL`), then delete your account.';
    // Refused before anything is asked, with --yes or without a terminal alike.
    expect(err(await ann.run(['--yes', 'account', 'delete']))).toEqual([6, `error: ${last}`]);
    expect(err(await ann.run(['account', 'delete']))).toEqual([6, `error: ${last}`]);
    expect((await ann.json(['account', 'show'])).user.support).toBe(true);

    expect((await ann.run(['staff', 'grant', 'bob@example.com'])).exitCode).toBe(0);
    expect((await ann.run(['--yes', 'account', 'delete'])).exitCode).toBe(0);
    // Bob is staff now; nobody else may grant.
    expect((await carol.run(['staff', 'grant', 'carol@example.com'])).exitCode).toBe(4);

    // Even a store whose staff were all taken away behind the CLI's back (an edit of the
    // store) does not open the first grant again...
    await sql(t, `UPDATE users SET is_support = 0`);
    const closed = await carol.run(['staff', 'grant', 'carol@example.com']);
    expect(err(closed)).toEqual([4, 'error: Only platform staff (SUPPORT) can grant the SUPPORT role.']);
    // ...until the operator reopens it on the store itself (docs/security.md).
    await sql(t, `DELETE FROM platformctl_meta WHERE key = 'staff_bootstrapped'`);
    expect(await carol.json(['staff', 'grant', 'carol@example.com'])).toEqual({
      email: 'carol@example.com',
      support: true,
      bootstrap: true,
    });
    expect((await bob.run(['staff', 'grant', 'bob@example.com'])).exitCode).toBe(4);
  }, 150_000);

  it('staff signout revokes every session and token of a user, audited; SUPPORT only', async () => {
    const t = await fresh();
    const [ann, sue] = await Promise.all([t.seed('ann@example.com'), t.seed('sue@example.com', 'Sue', 'Port')]);
    expect((await sue.run(['staff', 'grant', 'sue@example.com'])).exitCode).toBe(0);
    const laptop = join(t.dir, 'ann-laptop');
    const signIn = await t.run(['account', 'login', '--email', 'ann@example.com', '--password-stdin'], {
      configDir: laptop,
      input: PASSWORD + '\n',
    });
    expect(signIn.exitCode, signIn.stderr).toBe(0);
    const token = (await ann.json(['account', 'token', 'create', '--name', 'ci'])).token as string;

    expect(err(await ann.run(['staff', 'signout', 'sue@example.com']))).toEqual([
      4,
      'error: Only platform staff (SUPPORT) can sign users out.',
    ]);
    expect(await sue.json(['staff', 'signout', 'Ann@Example.com'])).toEqual({
      email: 'ann@example.com',
      revoked: 3,
      self: false,
    });
    for (const o of [{}, { configDir: laptop }, { token }]) {
      const r = await ann.run(['--json', 'account', 'show'], o);
      expect(r.exitCode).toBe(3);
      expect(JSON.parse(r.stderr).error.code).toBe('AUTH_REQUIRED');
    }
    expect((await sue.json(['account', 'show'])).user.email).toBe('sue@example.com');
    expect((await t.run(['staff', 'signout', 'nobody@example.com'], { token })).exitCode).toBe(3);
    expect((await sue.run(['staff', 'signout', 'nobody@example.com'])).exitCode).toBe(5);
    const [entry] = await sue.json<{ action: string; actor: string; target: string; details: unknown }[]>([
      'audit',
      'list',
      '--limit',
      '1',
    ]);
    expect(entry).toMatchObject({
      action: 'staff.signout',
      actor: 'sue@example.com',
      target: 'ann@example.com',
      details: { revoked: 3 },
    });
  }, 150_000);

  it('billing show prints the support contact staff set, or says to ask support; the contact is checked', async () => {
    const t = await fresh();
    const [ann, sue] = await Promise.all([t.seed('ann@example.com'), t.seed('sue@example.com', 'Sue', 'Port')]);
    expect((await sue.run(['staff', 'grant', 'sue@example.com'])).exitCode).toBe(0);
    const before = await ann.run(['billing', 'show']);
    expect([before.exitCode, before.stderr]).toEqual([0, "To change the plan, ask the platform's support."]);
    expect(before.stdout).not.toContain('sue@example.com');

    expect((await ann.run(['staff', 'contact', 'set', 'ann@example.com'])).exitCode).toBe(4);
    const hostile = await sue.run(['--json', 'staff', 'contact', 'set', 'https://evil.example/\u001b]8;;x\u0007']);
    expect(hostile.exitCode).toBe(2);
    expect(JSON.parse(hostile.stderr).error.code).toBe('INVALID_INPUT');
    expect(hostile.stderr).not.toContain('\u001b');
    expect((await sue.run(['staff', 'contact', 'set', 'call Sue'])).exitCode).toBe(2);

    expect(await sue.json(['staff', 'contact', 'set', 'https://example.com/billing'])).toEqual({
      supportContact: 'https://example.com/billing',
      previous: null,
      changed: true,
    });
    const after = await ann.run(['billing', 'show']);
    expect([after.exitCode, after.stderr]).toEqual([
      0,
      'To change the plan, contact support: https://example.com/billing',
    ]);
    expect(await ann.json(['billing', 'show'])).toMatchObject({
      plan: { name: 'FREE' },
      supportContact: 'https://example.com/billing',
    });
  });

  it('a personal API token cannot create tokens (exit 4); a session can', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com');
    const token = (await ann.json(['account', 'token', 'create', '--name', 'ci', '--expires-in', '1'])).token as string;
    const minted = await ann.run(['account', 'token', 'create', '--name', 'forever'], { token });
    expect(err(minted)).toEqual([
      4,
      'error: A personal API token cannot create tokens. Sign in with `platformctl account login` and create it from that session.',
    ]);
    expect(minted.stdout).toBe('');
    expect((await ann.json(['account', 'token', 'list'])).map((x: { name: string }) => x.name)).toEqual(['ci']);
  });
});
