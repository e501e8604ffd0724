import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

/**
 * staff grant and staff revoke through the real CLI on each engine: each exit status a
 * user can meet, the messages on stderr, the JSON on stdout. The rules (the bootstrap
 * that never reopens, who may grant and revoke, the last SUPPORT user, what staff may do
 * in others' companies) are checked in run() tests on both engines:
 * test/commands/staff/{grant,revoke,in-any-company}.test.ts.
 */
describe.each(engines())('staff on %s', (engine) => {
  const fresh = useStore(engine);

  it('the first grant is open to any signed-in user, later ones need SUPPORT; staff reach any company with --company; revoke keeps one SUPPORT', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    const B = ['--company', 'Brown Company'];

    expect((await t.run(['staff', 'grant', 'ann@example.com'])).exitCode).toBe(3);
    // Bootstrap: on a store without SUPPORT, any signed-in user may grant.
    expect(await bob.json(['staff', 'grant', 'Ann@Example.com'])).toEqual({
      email: 'ann@example.com',
      support: true,
      bootstrap: true,
    });
    const again = await bob.run(['staff', 'grant', 'bob@example.com']);
    expect([again.exitCode, again.stderr]).toEqual([
      4,
      'error: Only platform staff (SUPPORT) can grant the SUPPORT role.',
    ]);
    const granted = await ann.run(['staff', 'grant', 'bob@example.com']);
    expect(granted.exitCode, granted.stderr).toBe(0);
    expect(granted.stderr).toMatch(/bob@example.com is now platform staff \(SUPPORT\)\.$/m);
    const refused = await Promise.all([
      ann.run(['staff', 'grant', 'bob@example.com']),
      ann.run(['staff', 'grant', 'nobody@example.com']),
    ]);
    expect(refused.map((r) => r.exitCode)).toEqual([6, 5]);

    // Staff act in a company they are no member of.
    const members = await ann.json(['member', 'list', ...B]);
    expect(members.map((m: { email: string }) => m.email)).toEqual(['carol@example.com']);

    // Revoke: SUPPORT only (4); no account (5); never the last one (6).
    const denied = await Promise.all([
      carol.run(['staff', 'revoke', 'bob@example.com']),
      bob.run(['staff', 'revoke', 'nobody@example.com']),
    ]);
    expect(denied.map((r) => r.exitCode)).toEqual([4, 5]);
    expect(await bob.json(['staff', 'revoke', 'ann@example.com'])).toEqual({
      email: 'ann@example.com',
      support: false,
    });
    const last = await bob.run(['staff', 'revoke', 'bob@example.com']);
    expect([last.exitCode, last.stderr]).toEqual([
      6,
      'error: bob@example.com is the last SUPPORT user; grant another first.',
    ]);
    // Ann lost her staff powers: Carol's company is, to her, not there any more (exit 5).
    expect((await ann.run(['member', 'list', ...B])).exitCode).toBe(5);
  }, 150_000);
});
