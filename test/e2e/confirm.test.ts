import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore } from './harness.js';

/**
 * `account delete` as a process without a terminal: exit 2 naming --yes instead of
 * waiting on a closed stdin, exit 3 signed out, -y confirming from a script, and the
 * session forgotten in --config-dir. What a delete removes (company, memberships,
 * sessions, tokens), the messages and JSON, signing in afterwards, registering the
 * e-mail again: test/commands/account/delete*.test.ts and newcomer-rules.test.ts, on
 * both engines. At a terminal: confirm-pty.test.ts.
 */
describe.each(engines())('account delete confirmation on %s', (engine) => {
  const fresh = useStore(engine);

  it('without a terminal: exit 2 naming --yes, nothing deleted; signed out: exit 3; -y deletes and forgets the session', async () => {
    const t = await fresh();
    const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
    const asked = await ann.run(['account', 'delete']);
    expect([asked.exitCode, asked.stdout]).toEqual([2, '']);
    expect(asked.stderr).toMatch(
      /^error: Delete the account ann@example.com and your company "Smith Company"\? .*pass --yes to confirm from a script\.$/,
    );
    const anon = await t.run(['account', 'delete', '--yes']);
    expect([anon.exitCode, anon.stdout]).toEqual([3, '']);
    expect(anon.stderr).toMatch(/^error: You are not signed in/);

    const deleted = await ann.run(['account', 'delete', '-y']);
    expect([deleted.exitCode, deleted.stdout, deleted.stderr]).toEqual([
      0,
      '',
      '✓ Deleted the account ann@example.com and the company "Smith Company".',
    ]);
    expect(JSON.parse(readFileSync(join(ann.configDir, 'config.json'), 'utf8')).sessions).toEqual({});
  });
});
