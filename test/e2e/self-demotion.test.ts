import { describe, expect, it } from 'vitest';
import { engines, useStore, type TestStore } from './harness.js';
import { PtySession } from './pty.js';

const ENTER = '\r';
const DOWN = '\u001b[B';

/**
 * An ADMINISTRATOR demoting or removing themselves cannot undo it: on a terminal they are
 * asked (YES, CHANGE MY ROLE / YES, REMOVE against NO, IT'S MISTAKE), a script passes
 * --yes, and without either nothing changes (exit 2).
 */
describe.each(engines())('demoting or removing yourself on %s', (engine) => {
  const fresh = useStore(engine);

  async function adminBob(t: TestStore) {
    const [ann, bob] = await Promise.all([t.seed('ann@example.com', 'Ann', 'Smith'), t.seed('bob@example.com')]);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
    const roleOfBob = async () =>
      (await ann.json<{ email: string; role: string }[]>(['member', 'list'])).find((m) => m.email === 'bob@example.com')
        ?.role;
    return { ann, bob, roleOfBob };
  }

  it('without a terminal --yes is needed (exit 2, nothing changed); with it the change is made', async () => {
    const t = await fresh();
    const { bob, roleOfBob } = await adminBob(t);
    const demote = await bob.run(['--json', 'member', 'set-role', 'bob@example.com', '--role', 'DESIGNER']);
    expect(demote.exitCode).toBe(2);
    expect(JSON.parse(demote.stderr).error).toEqual({
      code: 'CONFIRMATION_REQUIRED',
      message:
        'Change your own role in "Smith Company" from ADMINISTRATOR to DESIGNER? You will no longer manage its members ' +
        'and cannot undo this yourself. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
    });
    const leave = await bob.run(['member', 'remove', 'bob@example.com']);
    expect([leave.exitCode, leave.stderr]).toEqual([
      2,
      'error: Remove yourself (ADMINISTRATOR) from "Smith Company"? You will lose access to it and cannot undo this ' +
        'yourself. Confirmation needs a terminal (standard input is not a terminal); pass --yes to confirm from a script.',
    ]);
    expect(await roleOfBob()).toBe('ADMINISTRATOR');
    expect((await bob.run(['--yes', 'member', 'set-role', 'bob@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    expect(await roleOfBob()).toBe('DESIGNER');
  });

  // The terminal dialogue does not depend on the engine: local store only (the change itself,
  // with --yes, is tested on both engines above).
  it.runIf(engine === 'local')(
    'on a terminal: NO keeps the role (exit 8); ↓ Enter answers YES, CHANGE MY ROLE',
    async () => {
      const t = await fresh();
      const { bob, roleOfBob } = await adminBob(t);
      const args = ['member', 'set-role', 'bob@example.com', '--role', 'MANAGER'];
      const no = new PtySession(t, args, bob.configDir);
      await no.expect(/Change your own role in "Smith Company" from ADMINISTRATOR to MANAGER\?/);
      await no.expect(/❯ NO, IT'S MISTAKE\s+YES, CHANGE MY ROLE/);
      no.write(ENTER);
      const r1 = await no.end();
      expect(r1.exitCode, r1.output).toBe(8);
      expect(r1.output).toMatch(/Nothing was changed; you are still ADMINISTRATOR in "Smith Company"\./);
      expect(await roleOfBob()).toBe('ADMINISTRATOR');

      const yes = new PtySession(t, args, bob.configDir);
      await yes.expect(/❯ NO, IT'S MISTAKE/);
      yes.write(DOWN);
      await yes.expect(/❯ YES, CHANGE MY ROLE/);
      yes.write(ENTER);
      const r2 = await yes.end();
      expect(r2.exitCode, r2.output).toBe(0);
      expect(r2.output).toMatch(/bob@example\.com is now MANAGER in "Smith Company" \(was ADMINISTRATOR\)\./);
      expect(await roleOfBob()).toBe('MANAGER');
    },
  );
});
