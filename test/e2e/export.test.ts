import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

describe.each(engines())('member export on %s', (engine) => {
  const fresh = useStore(engine);

  it('prints the rows import reads (OWNER, INVITED and PENDING members), and export → import changes nothing in both formats', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    const id = (await ann.json(['account', 'show'])).currentCompany.id;
    expect(
      (await ann.run(['member', 'invite', 'bob@example.com', 'zoë@example.com', '--role', 'MANAGER'])).exitCode,
    ).toBe(0);

    const csv = await ann.run(['member', 'export']);
    expect(csv.exitCode, csv.stderr).toBe(0);
    expect(csv.stderr).toBe('');
    expect(csv.stdout.split('\n').sort()).toEqual(
      [
        'ann@example.com,OWNER,' + id,
        'bob@example.com,MANAGER,' + id,
        'email,role,company',
        'zoë@example.com,MANAGER,' + id,
      ].sort(),
    );
    expect(csv.stdout.startsWith('email,role,company\n')).toBe(true);

    const back = await ann.json(['member', 'import', '-'], { input: csv.stdout });
    expect(back).toEqual({
      invited: 0,
      updated: 0,
      unchanged: 3,
      failed: 0,
      errors: [],
      applied: true,
      dryRun: false,
      companies: [expect.objectContaining({ id, unchanged: 3 })],
      // Nothing changed, so no run was recorded.
      run: null,
    });

    const jsonl = await ann.run(['member', 'export', '--format', 'jsonl']);
    expect(jsonl.exitCode, jsonl.stderr).toBe(0);
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toEqual(
      expect.arrayContaining([
        { email: 'ann@example.com', role: 'OWNER', company: id },
        { email: 'bob@example.com', role: 'MANAGER', company: id },
        { email: 'zoë@example.com', role: 'MANAGER', company: id },
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(await ann.json(['member', 'import', '-', '--format', 'jsonl'], { input: jsonl.stdout })).toMatchObject({
      invited: 0,
      updated: 0,
      unchanged: 3,
      failed: 0,
    });

    // A MANAGER may export (as with member list) once the invitation is accepted, but not
    // import; to outsiders the company does not exist.
    const early = await bob.run(['member', 'export', '--company', String(id)]);
    expect(early.exitCode).toBe(4);
    expect(early.stdout).toBe('');
    expect((await bob.run(['company', 'switch', String(id)])).exitCode).toBe(0);
    const asBob = await bob.run(['member', 'export', '--company', String(id)]);
    expect(asBob.exitCode, asBob.stderr).toBe(0);
    expect(asBob.stdout).toBe(csv.stdout);
    const bobImport = await bob.run(['--json', 'member', 'import', '-'], { input: csv.stdout });
    expect(bobImport.exitCode).toBe(4);
    expect(JSON.parse(bobImport.stdout).errors.map((e: any) => e.code)).toEqual([
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
      'PERMISSION_DENIED',
    ]);
    const outsider = await carol.run(['member', 'export', '--company', String(id)]);
    expect(outsider.exitCode).toBe(5);
    expect(outsider.stdout).toBe('');
    // Nothing changed through all of that, and no audit entry was written for it.
    expect((await ann.json(['audit', 'list'])).filter((e: any) => e.action === 'member.import')).toEqual([]);
  });

  it('pages through more rows than one query returns', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    await ann.grantStaff('ann@example.com');
    const id = String((await ann.json(['account', 'show'])).currentCompany.id);
    await ann.setPlan(id, 'ENTERPRISE');
    const n = 2500; // export pages are 1000 rows
    const input =
      'email,role\n' +
      Array.from({ length: n }, (_, i) => `p${String(i).padStart(4, '0')}@example.com,DESIGNER\n`).join('');
    expect(await ann.json(['member', 'import', '-'], { input })).toMatchObject({ invited: n, failed: 0 });
    const out = await ann.run(['member', 'export']);
    expect(out.exitCode, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toHaveLength(n + 2);
    expect(new Set(lines).size).toBe(n + 2);
    expect(await ann.json(['member', 'import', '-'], { input: out.stdout })).toMatchObject({
      invited: 0,
      updated: 0,
      unchanged: n + 1,
      failed: 0,
    });
  });
});
