import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

describe.each(engines())('plans and billing on %s', (engine) => {
  const fresh = useStore(engine);

  it('the catalogue; billing show; seat limits count ACTIVE + INVITED + PENDING with the owner (exit 6 SEAT_LIMIT)', async () => {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;

    expect(await bob.json(['plan', 'list'])).toEqual([
      { name: 'FREE', maxUsers: 3, custom: false, default: true },
      { name: 'TEAM', maxUsers: 10, custom: false, default: false },
      { name: 'BUSINESS', maxUsers: 50, custom: false, default: false },
      { name: 'ENTERPRISE', maxUsers: null, custom: true, default: false },
    ]);
    expect((await bob.run(['plan', 'list'])).stdout).toMatch(/^ENTERPRISE\tunlimited\tcustom\t$/m);
    expect((await t.run(['plan', 'list'])).exitCode).toBe(3);

    // A new company is on FREE (3 users); billing show has the contract's shape.
    expect(await ann.json(['billing', 'show'])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      plan: { name: 'FREE', maxUsers: 3, custom: false },
      users: 1,
      supportContact: null,
    });
    const human = await ann.run(['billing', 'show']);
    expect(human.stdout).toMatch(/^Plan +FREE$/m);
    expect(human.stdout).toMatch(/^Users +1 \/ 3$/m);
    expect(human.stderr).toBe("To change the plan, ask the platform's support.");

    // INVITED (bob) and PENDING (p1) count, the owner included: 3 of 3.
    expect(
      (await ann.run(['member', 'invite', 'bob@example.com', 'p1@example.com', '--role', 'DESIGNER'])).exitCode,
    ).toBe(0);
    expect((await ann.json(['billing', 'show'])).users).toBe(3);
    const over = await ann.run(['--json', 'member', 'invite', 'p2@example.com', '--role', 'DESIGNER']);
    expect(over.exitCode).toBe(6);
    expect(JSON.parse(over.stderr)).toEqual({
      error: {
        code: 'SEAT_LIMIT',
        message:
          'Plan FREE of "Smith Company" allows 3 users; it has 3, so 1 more would exceed it. Ask support to change the plan.',
      },
    });
    // ACTIVE counts too: bob switching in does not free a seat.
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'p2@example.com', '--role', 'DESIGNER'])).exitCode).toBe(6);
  }, 150_000);

  it('plan set and plan create are for staff; a plan below current usage is refused; unlimited custom plans are omitted from the account panel', async () => {
    const t = await fresh();
    const [ann, bob, sue] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('sue@example.com', 'Sue', 'Staff'),
    ]);
    const smith = (await ann.json(['account', 'show'])).currentCompany.id as number;
    expect(
      (await ann.run(['member', 'invite', 'bob@example.com', 'p1@example.com', '--role', 'DESIGNER'])).exitCode,
    ).toBe(0);

    // Billing changes are made by staff: everyone else gets exit 4.
    const notStaff = await ann.run(['plan', 'set', 'Smith Company', 'TEAM']);
    expect(notStaff.exitCode).toBe(4);
    expect(notStaff.stderr).toMatch(/^error: Only platform staff \(SUPPORT\) can change a company's plan/);
    expect((await ann.run(['plan', 'create', 'MINE', '--unlimited'])).exitCode).toBe(4);
    expect((await ann.json(['billing', 'show'])).plan.name).toBe('FREE');

    expect((await sue.json(['staff', 'grant', 'sue@example.com'])).bootstrap).toBe(true);
    expect(await sue.json(['plan', 'set', String(smith), 'team'])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      previous: 'FREE',
      users: 3,
    });
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    expect(await bob.json(['billing', 'show'])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      plan: { name: 'TEAM', maxUsers: 10, custom: false },
      users: 3,
      supportContact: null,
    });
    expect((await ann.run(['member', 'invite', 'p2@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);

    // A plan smaller than the members the company has is refused; so are unknown plans and companies.
    expect((await sue.run(['plan', 'create', 'DUO', '--max-users', '2'])).exitCode).toBe(0);
    const small = await sue.run(['plan', 'set', 'Smith Company', 'DUO']);
    expect(small.exitCode).toBe(6);
    expect(small.stderr).toBe('error: Plan DUO allows 2 users but "Smith Company" has 4; remove members first.');
    const refused = await Promise.all([
      sue.run(['plan', 'set', 'Smith Company', 'FREE']),
      sue.run(['plan', 'set', 'Smith Company', 'GOLD']),
      sue.run(['plan', 'set', 'Acme Company', 'TEAM']),
      sue.run(['plan', 'set', 'Smith Company', 'TEAM']),
      // plan create: validation and duplicates.
      sue.run(['plan', 'create', 'DUO', '--max-users', '5']),
      sue.run(['plan', 'create', 'ZERO', '--max-users', '0']),
      sue.run(['plan', 'create', 'BOTH', '--max-users', '5', '--unlimited']),
      sue.run(['plan', 'create', 'NEITHER']),
      sue.run(['plan', 'create', 'bad name!', '--unlimited']),
    ]);
    expect(refused.map((r) => r.exitCode)).toEqual([6, 5, 5, 6, 6, 2, 2, 2, 2]);
    expect((await ann.json(['billing', 'show'])).plan.name).toBe('TEAM');
    expect(await sue.json(['plan', 'create', 'ACME-DEAL', '--unlimited', '--custom'])).toEqual({
      name: 'ACME-DEAL',
      maxUsers: null,
      custom: true,
    });
    expect(await sue.json(['plan', 'create', 'BIG-DEAL', '--max-users', '500', '--custom'])).toEqual({
      name: 'BIG-DEAL',
      maxUsers: 500,
      custom: true,
    });
    const names = (await bob.json(['plan', 'list'])).map((p: { name: string }) => p.name);
    expect(names).toEqual(['DUO', 'FREE', 'TEAM', 'BUSINESS', 'BIG-DEAL', 'ACME-DEAL', 'ENTERPRISE']);

    // An unlimited custom plan: billing says so; the account panel omits the plan.
    expect((await sue.run(['plan', 'set', 'Smith Company', 'ACME-DEAL'])).exitCode).toBe(0);
    expect(await ann.json(['billing', 'show'])).toEqual({
      company: { id: smith, name: 'Smith Company' },
      plan: { name: 'ACME-DEAL', maxUsers: null, custom: true },
      users: 4,
      supportContact: null,
    });
    expect((await ann.run(['billing', 'show'])).stdout).toMatch(/^Plan +ACME-DEAL \(custom\)\nUsers +4 \/ unlimited$/m);
    expect((await ann.json(['account', 'show'])).currentCompany).toEqual({
      id: smith,
      name: 'Smith Company',
      role: 'OWNER',
      plan: null,
    });
    expect((await ann.run(['account', 'show'])).stdout).not.toMatch(/^Plan /m);
    expect((await bob.json(['account', 'show'])).currentCompany.plan).toBeNull();
    // A limited custom plan is still shown.
    expect((await sue.run(['plan', 'set', 'Smith Company', 'BIG-DEAL'])).exitCode).toBe(0);
    expect((await ann.json(['account', 'show'])).currentCompany.plan).toEqual({
      name: 'BIG-DEAL',
      maxUsers: 500,
      custom: true,
    });
    expect((await ann.json(['company', 'show'])).plan).toEqual({ name: 'BIG-DEAL', maxUsers: 500, custom: true });

    // billing show is for members (and staff): to others the company does not exist (exit 5).
    const [carol] = await Promise.all([t.seed('carol@example.com', 'Carol', 'Brown')]);
    expect((await carol.run(['billing', 'show', '--company', 'Smith Company'])).exitCode).toBe(5);
    expect((await sue.json(['billing', 'show', '--company', 'Brown Company'])).plan.name).toBe('FREE');
  }, 150_000);
});
