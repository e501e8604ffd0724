import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

describe.each(engines())('seat limit under concurrency on %s', (engine) => {
  const fresh = useStore(engine);

  it('20 parallel invites into a company with 9 free seats: exactly 9 succeed, 11 hit SEAT_LIMIT, none fail on the store', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    // Ann makes herself staff (bootstrap), creates a 10-user plan and moves her company onto it.
    await ann.grantStaff('ann@example.com');
    expect((await ann.run(['plan', 'create', 'CAP10', '--max-users', '10'])).exitCode).toBe(0);
    await ann.setPlan('Smith Company', 'CAP10');
    const { token } = await ann.json(['account', 'token', 'create', '--name', 'ci']);
    expect(await ann.json(['billing', 'show'])).toMatchObject({ plan: { name: 'CAP10', maxUsers: 10 }, users: 1 });

    // 20 processes on a shared 2-core machine can queue for the write lock longer than
    // the default 10 s busy timeout; this test is about the seat rule, so give them room.
    const env = { PLATFORMCTL_BUSY_TIMEOUT_MS: '30000' };
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.run(['member', 'invite', `p${String(i).padStart(2, '0')}@example.com`, '--role', 'designer'], { token, env }),
      ),
    );
    const codes = runs.map((r) => r.exitCode);
    const unexpected = runs
      .filter((r) => r.exitCode !== 0 && r.exitCode !== 6)
      .map((r) => `${r.exitCode}: ${r.stderr}`);
    expect(unexpected).toEqual([]);
    expect(codes.filter((c) => c === 0)).toHaveLength(9);
    expect(codes.filter((c) => c === 6)).toHaveLength(11);
    for (const r of runs.filter((r) => r.exitCode === 6)) {
      expect(r.stderr).toMatch(/^error: Plan CAP10 of "Smith Company" allows 10 users/);
    }

    const members = await ann.json(['member', 'list']);
    expect(members).toHaveLength(10);
    expect(members.filter((m: { status: string }) => m.status === 'PENDING')).toHaveLength(9);
    expect(await ann.json(['billing', 'show'])).toMatchObject({ users: 10 });
  }, 150_000);
});
