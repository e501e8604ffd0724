import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listCompanies } from '../../src/domain/companies.js';
import { invite } from '../../src/domain/members.js';
import { BIN, engines, useStore, type User } from './harness.js';

// The rules of company list / show / switch / leave (who may do what, the exact messages,
// JSON shapes, order, the store afterwards, shared names, all-digit names, what deleting an
// account leaves behind) are checked in process on both engines by unit tests of each
// command's run(): test/commands/company/*.test.ts (list.test.ts also for account show's
// companies, show.test.ts also for member list --company) and
// test/commands/account/delete-company.test.ts. Here stays what needs a process: the
// built CLI on each engine, each command's success and each exit code it refuses with as
// the shell sees it, data on stdout and messages on stderr (as JSON with --json), a
// confirmation without a terminal, and colour on a real terminal.

/** Runs a command on a pseudo-terminal (util-linux `script`), so stdout is a TTY. */
async function onTTY(u: User, args: string[], env: Record<string, string> = {}) {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = ['node', BIN, '--store', u.t.store, '--config-dir', u.configDir, ...args].map(quote).join(' ');
  return execa('script', ['-qfec', cmd, '/dev/null'], {
    reject: false,
    input: '',
    env: { COLUMNS: '120', ...env },
    timeout: 30_000,
  });
}

/** Set-up in process, as `member invite` does it: invites into `by`'s current company. */
const inviteAs = (by: User, emails: string[], role: string) =>
  by.as((svc, cred) => invite(svc, cred, { emails, role }));
const companiesOf = (u: User) => u.as((svc, cred) => listCompanies(svc, cred));

describe.each(engines())('company on %s', (engine) => {
  const fresh = useStore(engine);

  it('list, show, switch and leave through the CLI: each success, and each refusal with its exit code', async () => {
    const t = await fresh();
    const [ann, al, bob, carol, dan] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'al@example.com', first: 'Al', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
      { email: 'carol@example.com', first: 'Carol', last: 'Brown' },
      { email: 'dan@example.com', first: 'Dan', last: 'Dean' },
    ]);
    // Bob is invited to Ann's Smith Company; Dan to both companies named "Smith Company".
    await inviteAs(ann, ['bob@example.com', 'dan@example.com'], 'MANAGER');
    await inviteAs(al, ['dan@example.com'], 'DESIGNER');
    const [jones, smith] = (await companiesOf(bob)).map((c) => c.id);
    const alCo = (await companiesOf(al))[0]!.id;

    // list (exit 0): piped, tab-separated rows without a header, and no colour even when forced.
    const plain = await bob.run(['company', 'list'], { env: { FORCE_COLOR: '1' } });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toBe(
      `*\t${jones}\tJones Company\tOWNER\tACTIVE\tmain\n\t${smith}\tSmith Company\tMANAGER\tINVITED\t`,
    );
    expect(plain.stderr).toBe('');

    // show of a company not accepted yet: exit 4, the message on stderr.
    const early = await bob.run(['company', 'show', 'Smith Company']);
    expect([early.exitCode, early.stdout]).toEqual([4, '']);
    expect(early.stderr).toMatch(
      /^error: You are invited to "Smith Company" but have not accepted yet: switch to it first with `platformctl company switch \d+`/,
    );

    // switch (exit 0): --json on stdout, nothing on stderr.
    const sw = await bob.run(['--json', 'company', 'switch', 'Smith Company']);
    expect(sw.exitCode, sw.stderr).toBe(0);
    expect(JSON.parse(sw.stdout)).toEqual({
      id: smith,
      name: 'Smith Company',
      role: 'MANAGER',
      status: 'ACTIVE',
      activated: true,
    });
    expect(sw.stderr).toBe('');

    // show (exit 0): the fields on stdout (users: Ann, Bob, and Dan who is invited).
    const human = await bob.run(['company', 'show', 'Smith Company']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^Company +Smith Company \\(id ${smith}\\)$`, 'm'));
    expect(human.stdout).toMatch(/^Users +3 \/ 3$/m);
    expect(human.stdout).toMatch(/^Your role +MANAGER$/m);
    expect(human.stderr).toBe('');

    // A company one is not a member of: exit 5 (switch with --json: the error as JSON on stderr).
    const notMine = await carol.run(['--json', 'company', 'switch', 'Smith Company']);
    expect([notMine.exitCode, notMine.stdout]).toEqual([5, '']);
    expect(JSON.parse(notMine.stderr)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
      },
    });
    const byId = await carol.run(['company', 'show', String(smith)]);
    expect(byId.exitCode).toBe(5);
    expect(byId.stderr).toBe(`error: No company with id ${smith} among yours. See \`platformctl company list\`.`);

    // A name two of one's companies share: exit 2, the ids to type instead.
    const amb = await dan.run(['company', 'switch', 'Smith Company']);
    expect([amb.exitCode, amb.stdout]).toEqual([2, '']);
    expect(amb.stderr).toBe(
      `error: 2 companies are named "Smith Company"; name one by its id: ${smith} (owner ann@example.com), ${alCo} (owner al@example.com).`,
    );
    const ambJson = await dan.run(['--json', 'company', 'show', 'Smith Company']);
    expect(ambJson.exitCode).toBe(2);
    expect(JSON.parse(ambJson.stderr).error.code).toBe('AMBIGUOUS');

    // leave without a terminal and without --yes: exit 2 naming --yes; nothing changes.
    const noYes = await bob.run(['company', 'leave']);
    expect([noYes.exitCode, noYes.stdout]).toEqual([2, '']);
    expect(noYes.stderr).toMatch(/^error: Leave "Smith Company" \(your role: MANAGER\)\?.*pass --yes/);
    expect((await companiesOf(bob)).map((c) => [c.name, c.current])).toEqual([
      ['Jones Company', false],
      ['Smith Company', true],
    ]);

    // The OWNER cannot leave: exit 6. Not a member: exit 5.
    const owner = await ann.run(['--json', 'company', 'leave', '--yes']);
    expect(owner.exitCode).toBe(6);
    expect(JSON.parse(owner.stderr).error.code).toBe('OWNER_CANNOT_LEAVE');
    expect((await carol.run(['company', 'leave', 'Smith Company', '--yes'])).exitCode).toBe(5);

    // leave --yes (exit 0): the message on stderr; the main company is current again.
    const cur = await bob.run(['company', 'leave', '--yes']);
    expect(cur.exitCode, cur.stderr).toBe(0);
    expect(cur.stdout).toBe('');
    expect(cur.stderr).toMatch(/You left "Smith Company"; your main company is current again/);
    expect((await companiesOf(bob)).map((c) => [c.name, c.current])).toEqual([['Jones Company', true]]);
  }, 150_000);

  // Rendering does not depend on the engine: run it once.
  it.runIf(engine === 'local')(
    'on a real terminal: a header, INVITED companies grey when colour is on; NO_COLOR turns it off',
    async () => {
      const t = await fresh();
      const [ann, bob] = await t.seedMany([
        { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
        { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
      ]);
      await inviteAs(ann, ['bob@example.com'], 'DESIGNER');
      const GREY = '\x1b[90m';
      const tty = await onTTY(bob, ['company', 'list'], { FORCE_COLOR: '1' });
      expect(tty.exitCode, tty.stdout).toBe(0);
      const lines = tty.stdout.split(/\r?\n/);
      expect(lines[0]!.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/ID +.*NAME +.*ROLE +.*STATUS +.*MAIN/);
      const invited = lines.find((l) => l.includes('Smith Company'))!;
      const own = lines.find((l) => l.includes('Jones Company'))!;
      expect(invited).toContain(`${GREY}Smith Company`);
      expect(invited).toContain(`${GREY}INVITED`);
      for (const cell of ['Jones Company', 'OWNER', 'ACTIVE']) expect(own).not.toContain(`${GREY}${cell}`);
      // NO_COLOR on a terminal: the same table, no colour.
      const noColor = await onTTY(bob, ['company', 'list'], { NO_COLOR: '1' });
      expect(noColor.stdout).toMatch(/Smith Company/);
      expect(noColor.stdout).not.toContain('\x1b[');
    },
    150_000,
  );
});
