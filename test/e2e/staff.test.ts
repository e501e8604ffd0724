import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

describe.each(engines())('staff on %s', (engine) => {
  const fresh = useStore(engine);

  it('the first grant is open to any signed-in user, later ones need SUPPORT; staff act in any company with --company; revoke keeps one SUPPORT', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    const B = ['--company', 'Brown Company'];

    expect((await t.run(['staff', 'grant', 'ann@example.com'])).exitCode).toBe(3);
    expect((await carol.run(['staff', 'revoke', 'carol@example.com'])).exitCode).toBe(4);
    // Bootstrap: on a store without SUPPORT, any signed-in user may grant.
    expect(await bob.json(['staff', 'grant', 'Ann@Example.com'])).toEqual({
      email: 'ann@example.com',
      support: true,
      bootstrap: true,
    });
    const again = await bob.run(['staff', 'grant', 'bob@example.com']);
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toBe('error: Only platform staff (SUPPORT) can grant the SUPPORT role.');
    const granted = await ann.run(['staff', 'grant', 'bob@example.com']);
    expect(granted.exitCode, granted.stderr).toBe(0);
    expect(granted.stderr).toMatch(/bob@example.com is now platform staff \(SUPPORT\)\.$/m);
    expect((await ann.run(['staff', 'grant', 'bob@example.com'])).exitCode).toBe(6);
    expect((await ann.run(['staff', 'grant', 'nobody@example.com'])).exitCode).toBe(5);
    expect((await bob.json(['account', 'show'])).user.support).toBe(true);
    expect((await carol.json(['account', 'show'])).user.support).toBe(false);

    // Staff run member, billing and audit commands in a company they are no member of.
    const show = await ann.json(['company', 'show', 'Brown Company']);
    expect(show).toMatchObject({ name: 'Brown Company', role: null, owner: { email: 'carol@example.com' } });
    expect(
      (await ann.json(['member', 'invite', 'dan@example.com', 'eve@example.com', '--role', 'designer', ...B])).invited,
    ).toHaveLength(2);
    expect((await ann.json(['member', 'set-role', 'dan@example.com', '--role', 'ADMINISTRATOR', ...B])).changed).toBe(
      true,
    );
    expect((await ann.run(['member', 'remove', 'eve@example.com', '--yes', ...B])).exitCode).toBe(0);
    expect(
      (await ann.json(['member', 'list', ...B])).map((m: { email: string; role: string }) => `${m.email} ${m.role}`),
    ).toEqual(['carol@example.com OWNER', 'dan@example.com ADMINISTRATOR']);
    expect(await ann.json(['billing', 'show', ...B])).toMatchObject({
      company: { name: 'Brown Company' },
      plan: { name: 'FREE' },
      users: 2,
    });
    const log = await ann.json(['audit', 'list', ...B]);
    expect(log.map((e: { action: string }) => e.action)).toEqual([
      'member.remove',
      'member.set_role',
      'member.invite',
      'member.invite',
      'account.register',
    ]);
    expect(log.slice(0, 4).every((e: { actor: string }) => e.actor === 'ann@example.com')).toBe(true);
    // ...but cannot switch to it, and the OWNER stays untouchable for them too.
    expect((await ann.run(['company', 'switch', 'Brown Company'])).exitCode).toBe(4);
    expect((await ann.run(['member', 'remove', 'carol@example.com', '--yes', ...B])).exitCode).toBe(6);
    // The owner sees what staff did.
    expect((await carol.json(['audit', 'list', '--limit', '1']))[0]).toMatchObject({
      actor: 'ann@example.com',
      action: 'member.remove',
      target: 'eve@example.com',
    });

    // Revoke: SUPPORT only; not a staff member → 6; never the last one.
    expect((await carol.run(['staff', 'revoke', 'bob@example.com'])).exitCode).toBe(4);
    expect((await bob.run(['staff', 'revoke', 'carol@example.com'])).exitCode).toBe(6);
    expect((await bob.run(['staff', 'revoke', 'nobody@example.com'])).exitCode).toBe(5);
    expect(await bob.json(['staff', 'revoke', 'ann@example.com'])).toEqual({
      email: 'ann@example.com',
      support: false,
    });
    const last = await bob.run(['staff', 'revoke', 'bob@example.com']);
    expect(last.exitCode).toBe(6);
    expect(last.stderr).toBe('error: bob@example.com is the last SUPPORT user; grant another first.');
    // Ann lost her staff powers (Bob's company is, to her, not there any more: exit 5);
    // with a SUPPORT user left there is no bootstrap any more.
    expect((await ann.run(['member', 'list', ...B])).exitCode).toBe(5);
    expect((await ann.run(['staff', 'grant', 'ann@example.com'])).exitCode).toBe(4);
    expect((await carol.run(['staff', 'grant', 'carol@example.com'])).exitCode).toBe(4);
    expect((await ann.json(['account', 'show'])).user.support).toBe(false);
  }, 150_000);
});
