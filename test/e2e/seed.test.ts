/**
 * `t.seed` is set-up that skips the CLI (and its per-user scrypt hash). It must leave a
 * user indistinguishable from one made by `account register`, or every test built on
 * it would test something other than what users get. Compared here side by side.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type User } from './harness.js';

interface Entry {
  actor: string;
  company: { id: number; name: string } | null;
  action: string;
  target: string;
  details: unknown;
}

describe.each(engines())('seeded users on %s', (engine) => {
  const fresh = useStore(engine);

  it('look like registered ones: panel, company list, audit entry, saved session file', async () => {
    const t = await fresh();
    const ann = await t.register('Ann@Example.com', 'Ann', 'Smith');
    const bob = await t.seed('Bob@Example.com', 'Bob', 'Jones');
    const shape = async (u: User, email: string, last: string) => {
      const me = await u.json(['account', 'show']);
      const id = me.currentCompany.id;
      expect(me.user).toEqual({
        id: expect.any(Number),
        email,
        firstName: expect.any(String),
        lastName: last,
        phone: null,
        support: false,
      });
      expect(me.currentCompany).toEqual({
        id,
        name: `${last} Company`,
        role: 'OWNER',
        plan: { name: 'FREE', maxUsers: 3, custom: false },
      });
      expect(me.companies).toEqual([
        { id, name: `${last} Company`, role: 'OWNER', status: 'ACTIVE', current: true, main: true },
      ]);
      const log = await u.json<Entry[]>(['audit', 'list']);
      expect(log).toEqual([
        expect.objectContaining({
          actor: email,
          company: { id, name: `${last} Company` },
          action: 'account.register',
          target: email,
          details: null,
        }),
      ]);
      const file = join(u.configDir, 'config.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      return JSON.parse(readFileSync(file, 'utf8')) as { sessions: Record<string, { token: string; email: string }> };
    };
    const [a, b] = [await shape(ann, 'ann@example.com', 'Smith'), await shape(bob, 'bob@example.com', 'Jones')];
    // Kept under the store's identity, one key per account (docs/sessions.md).
    expect(Object.keys(b.sessions).map((k) => k.replace(/:.*/, ''))).toEqual(
      Object.keys(a.sessions).map((k) => k.replace(/:.*/, '')),
    );
    expect(Object.values(b.sessions)[0]).toEqual({
      token: expect.stringMatching(/^pcs_[A-Za-z0-9_-]{43}$/),
      email: 'bob@example.com',
      store: expect.stringMatching(/^[0-9a-f]{32}$/),
      at: expect.any(String),
    });
    // Same file bytes apart from the token, e-mail and time: the CLI's own Config wrote both.
    const norm = (u: User) =>
      readFileSync(join(u.configDir, 'config.json'), 'utf8')
        .replace(/pcs_[\w-]+/, 'T')
        .replace(/\w+@example\.com/g, 'E')
        .replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/, 'AT');
    expect(norm(bob)).toBe(norm(ann));
  });

  // Their password hash is real: seeded users sign in again (throttle.test.ts,
  // device-source.test.ts) and change their password (password.test.ts) on both engines.

  it('turn pending invitations into INVITED memberships, as registration does', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    await ann.json(['member', 'invite', 'cat@example.com', '--role', 'MANAGER']);
    const [bob, cat] = await t.seedMany([
      { email: 'bob@example.com', last: 'Jones' },
      { email: 'cat@example.com', last: 'Brown' },
    ]);
    expect(await bob.json(['company', 'list'])).toHaveLength(1);
    const list = await cat.json(['company', 'list']);
    expect(list.map((c: { name: string; role: string; status: string }) => [c.name, c.role, c.status])).toEqual([
      ['Brown Company', 'OWNER', 'ACTIVE'],
      ['Smith Company', 'MANAGER', 'INVITED'],
    ]);
    const log = await cat.json<Entry[]>(['audit', 'list']);
    expect(log[0]).toMatchObject({ action: 'account.register', details: { invitations: [expect.any(Number)] } });
    expect(await t.seed('cat@example.com').catch((e: Error) => e.message)).toMatch(/already exists/);
  });
});
