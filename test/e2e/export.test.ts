import { describe, expect, it } from 'vitest';
import { show } from '../../src/domain/accounts.js';
import { invite } from '../../src/domain/members.js';
import { engines, useStore } from './harness.js';

/**
 * `member export` as a process on each engine: the rows on stdout and nothing on stderr,
 * and each exit code a refusal carries (4, 5) with nothing on stdout. The rows import
 * reads, list order over many pages, export → import changing nothing (CSV and JSON
 * Lines), cells a spreadsheet would run and who may export or import are checked through
 * run() on both engines in test/commands/member/export.test.ts; a closed pipe and sqld's
 * response-size limit in e2e/lists.test.ts.
 */
describe.each(engines())('member export on %s', (engine) => {
  const fresh = useStore(engine);

  it('prints the rows import reads on stdout; an invitation not accepted is exit 4, another company exit 5, with nothing on stdout', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
      { email: 'carol@example.com', first: 'Carol', last: 'Brown' },
    ]);
    const id = (await ann.as((svc, cred) => show(svc, cred))).currentCompany!.id;
    // Set-up in process: Bob (who has an account) and zoë (who has none) are invited.
    await ann.as((svc, cred) => invite(svc, cred, { emails: ['bob@example.com', 'zoë@example.com'], role: 'MANAGER' }));

    const [csv, early, outsider] = await Promise.all([
      ann.run(['member', 'export']),
      bob.run(['member', 'export', '--company', String(id)]),
      carol.run(['member', 'export', '--company', String(id)]),
    ]);
    expect(csv.exitCode, csv.stderr).toBe(0);
    expect(csv.stderr).toBe('');
    // (the harness strips stdout's final newline)
    expect(csv.stdout).toBe(
      `email,role,company\nann@example.com,OWNER,${id}\nbob@example.com,MANAGER,${id}\nzoë@example.com,MANAGER,${id}`,
    );
    expect([early.exitCode, early.stdout]).toEqual([4, '']);
    expect(early.stderr).toMatch(/^error: You are invited to "Smith Company" but have not accepted yet/);
    expect([outsider.exitCode, outsider.stdout]).toEqual([5, '']);
    expect(outsider.stderr).toBe(`error: No company with id ${id} among yours. See \`platformctl company list\`.`);
  });
});
