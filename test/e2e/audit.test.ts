import { describe, expect, it } from 'vitest';
import { switchCompany } from '../../src/domain/companies.js';
import { invite } from '../../src/domain/members.js';
import { engines, useStore } from './harness.js';

/**
 * `audit list` as a real process on each engine: rows on stdout and the note on stderr,
 * and the exit status of each kind of refusal. Who reads which entries, their fields,
 * filters and formats are checked through its run() on both engines in
 * test/commands/audit/list.test.ts; that every command writes its entry, in
 * test/commands/audit/coverage.test.ts.
 */
describe.each(engines())('audit on %s', (engine) => {
  const fresh = useStore(engine);

  it('rows on stdout, the note on stderr; refusals exit 2, 4 and 5 with the message on stderr', async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    // Set-up in process: Bob becomes an ACTIVE MANAGER of Smith Company.
    await ann.as((svc, cred) => invite(svc, cred, { emails: ['bob@example.com'], role: 'MANAGER' }));
    await bob.as((svc, cred) => switchCompany(svc, cred, 'Smith Company'));

    // Piped: tab-separated rows, newest first; how many more there are goes to stderr.
    const r = await ann.run(['audit', 'list', '--limit', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = r.stdout.split('\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split('\t').slice(1, 5)).toEqual([
      'bob@example.com',
      'Smith Company',
      'company.switch',
      'bob@example.com',
    ]);
    expect(r.stderr).toMatch(/^… and 2 more entries: add --before \d+ for the next 1, or --all for every one\.$/);

    expect((await ann.run(['audit', 'list', '--since', 'yesterday'])).exitCode).toBe(2);
    // A MANAGER may not read it.
    const mgr = await bob.run(['audit', 'list']);
    expect([mgr.exitCode, mgr.stdout, mgr.stderr]).toEqual([
      4,
      '',
      'error: Only an OWNER or ADMINISTRATOR of "Smith Company" can read its audit log; your role there is MANAGER.',
    ]);
    // Another company's log is, to her, not there.
    expect((await ann.run(['audit', 'list', '--company', 'Jones Company'])).exitCode).toBe(5);
  });
});
