import { describe, expect, it } from 'vitest';
import { show } from '../../src/domain/accounts.js';
import { invite } from '../../src/domain/members.js';
import { engines, useStore } from './harness.js';

/**
 * plan list / set / create and billing show as a user meets them: the real CLI on each
 * engine, data on stdout and notes on stderr, and each refusal's exit status. The rules
 * (who may, the messages, the JSON, seat counting, custom plans in the account panel) are
 * checked in the commands' run() tests on both engines: test/commands/plan/*.test.ts
 * (seats.test.ts for seats and custom plans), test/commands/billing/show.test.ts.
 */
describe.each(engines())('plans and billing on %s', (engine) => {
  const fresh = useStore(engine);

  it('plan list, billing show, plan set and plan create through the CLI: stdout, stderr and each exit code', async () => {
    const t = await fresh();
    const [ann, bob, carol, sue] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
      t.seed('sue@example.com', 'Sue', 'Staff'),
    ]);
    await sue.grantStaff('sue@example.com');
    const smith = (await ann.as((svc, cred) => show(svc, cred))).currentCompany!.id;

    // plan list: piped rows; signed out is exit 3.
    const list = await bob.run(['plan', 'list']);
    expect([list.exitCode, list.stderr]).toEqual([0, '']);
    expect(list.stdout).toMatch(/^ENTERPRISE\tunlimited\tcustom\t$/m);
    expect((await t.run(['plan', 'list'])).exitCode).toBe(3);

    // billing show: the plan on stdout, whom to ask on stderr; another's company is exit 5.
    const human = await ann.run(['billing', 'show']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/^Plan +FREE$/m);
    expect(human.stdout).toMatch(/^Users +1 \/ 3$/m);
    expect(human.stderr).toBe("To change the plan, ask the platform's support.");
    expect((await carol.run(['billing', 'show', '--company', 'Smith Company'])).exitCode).toBe(5);

    // A full plan: member invite exits 6, and with --json the error is an object on stderr.
    await ann.as((svc, cred) => invite(svc, cred, { emails: ['bob@example.com', 'p1@example.com'], role: 'DESIGNER' }));
    const over = await ann.run(['--json', 'member', 'invite', 'p2@example.com', '--role', 'DESIGNER']);
    expect([over.exitCode, over.stdout]).toEqual([6, '']);
    expect(JSON.parse(over.stderr)).toEqual({
      error: {
        code: 'SEAT_LIMIT',
        message:
          'Plan FREE of "Smith Company" allows 3 users; it has 3, so 1 more would exceed it. Ask support to change the plan.',
      },
    });

    // plan set and plan create are for staff: everyone else gets exit 4.
    const notStaff = await ann.run(['plan', 'set', 'Smith Company', 'TEAM']);
    expect(notStaff.exitCode).toBe(4);
    expect(notStaff.stderr).toMatch(/^error: Only platform staff \(SUPPORT\) can change a company's plan/);
    expect((await ann.run(['plan', 'create', 'MINE', '--unlimited'])).exitCode).toBe(4);

    expect(await sue.json(['plan', 'set', String(smith), 'team'])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      previous: 'FREE',
      users: 3,
    });
    expect((await sue.run(['plan', 'create', 'DUO', '--max-users', '2'])).exitCode).toBe(0);
    const small = await sue.run(['plan', 'set', 'Smith Company', 'DUO']);
    expect([small.exitCode, small.stderr]).toEqual([
      6,
      'error: Plan DUO allows 2 users but "Smith Company" has 3; remove members first.',
    ]);
    const refused = await Promise.all([
      sue.run(['plan', 'set', 'Smith Company', 'GOLD']),
      sue.run(['plan', 'create', 'DUO', '--max-users', '5']),
      sue.run(['plan', 'create', 'ZERO', '--max-users', '0']),
    ]);
    expect(refused.map((r) => r.exitCode)).toEqual([5, 6, 2]);
  }, 150_000);
});
