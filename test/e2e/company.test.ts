import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type User } from './harness.js';

type Company = { id: number; name: string; role: string; status: string; current: boolean; main: boolean };

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

describe.each(engines())('company on %s', (engine) => {
  const fresh = useStore(engine);

  it('list, show and switch: INVITED until the first switch, then ACTIVE and current', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'manager'])).exitCode).toBe(0);

    const before = await bob.json<Company[]>(['company', 'list']);
    const jones = before.find((c) => c.name === 'Jones Company')!;
    const smith = before.find((c) => c.name === 'Smith Company')!;
    expect(before).toEqual([
      { id: jones.id, name: 'Jones Company', role: 'OWNER', status: 'ACTIVE', current: true, main: true },
      { id: smith.id, name: 'Smith Company', role: 'MANAGER', status: 'INVITED', current: false, main: false },
    ]);
    expect((await bob.json(['account', 'show'])).companies).toEqual(before);

    // Piped, the table is tab-separated rows without a header and without colour.
    const plain = await bob.run(['company', 'list'], { env: { FORCE_COLOR: '1' } });
    expect(plain.stdout).toBe(
      `*\t${jones.id}\tJones Company\tOWNER\tACTIVE\tmain\n\t${smith.id}\tSmith Company\tMANAGER\tINVITED\t`,
    );

    // An invitation grants nothing but switching to (accepting) or leaving the company.
    const early = await bob.run(['company', 'show', 'Smith Company']);
    expect(early.exitCode).toBe(4);
    expect(early.stderr).toMatch(/have not accepted yet: switch to it first with `platformctl company switch \d+`/);

    const sw = await bob.run(['--json', 'company', 'switch', 'Smith Company']);
    expect(sw.exitCode, sw.stderr).toBe(0);
    expect(JSON.parse(sw.stdout)).toEqual({
      id: smith.id,
      name: 'Smith Company',
      role: 'MANAGER',
      status: 'ACTIVE',
      activated: true,
    });
    const shown = await bob.json(['company', 'show', 'Smith Company']);
    expect(shown).toMatchObject({
      id: smith.id,
      name: 'Smith Company',
      owner: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' },
      plan: { name: 'FREE', maxUsers: 3, custom: false },
      users: 2,
      maxUsers: 3,
      role: 'MANAGER',
      status: 'ACTIVE',
    });
    expect(await bob.json(['company', 'show', String(smith.id)])).toEqual(shown);
    const human = await bob.run(['company', 'show', 'Smith Company']);
    expect(human.stdout).toMatch(/^Company +Smith Company \(id \d+\)$/m);
    expect(human.stdout).toMatch(/^Users +2 \/ 3$/m);
    expect(human.stdout).toMatch(/^Your role +MANAGER$/m);

    const after = await bob.json<Company[]>(['company', 'list']);
    expect(after.map((c) => [c.name, c.status, c.current, c.main])).toEqual([
      ['Jones Company', 'ACTIVE', false, true],
      ['Smith Company', 'ACTIVE', true, false],
    ]);
    const me = await bob.json(['account', 'show']);
    expect(me.currentCompany).toEqual({
      id: smith.id,
      name: 'Smith Company',
      role: 'MANAGER',
      plan: { name: 'FREE', maxUsers: 3, custom: false },
    });
    expect(
      (await ann.json(['member', 'list'])).find((m: { email: string }) => m.email === 'bob@example.com').status,
    ).toBe('ACTIVE');

    // Switching again changes nothing; switching home works by id.
    expect((await bob.json(['company', 'switch', String(smith.id)])).activated).toBe(false);
    const home = await bob.run(['company', 'switch', String(jones.id)]);
    expect(home.exitCode).toBe(0);
    expect(home.stderr).toMatch(/Switched to "Jones Company" \(OWNER\)/);

    // A company one is not a member of is answered exactly like one that does not exist
    // (exit 5, the same words), so nobody can probe which companies exist. Nothing changes.
    const notMine = await carol.run(['--json', 'company', 'switch', 'Smith Company']);
    const none = await carol.run(['--json', 'company', 'switch', 'Nowhere Company']);
    expect([notMine.exitCode, none.exitCode]).toEqual([5, 5]);
    expect(JSON.parse(notMine.stderr)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'No company named "Smith Company" among yours. See `platformctl company list`.',
      },
    });
    expect(JSON.parse(none.stderr).error.message).toBe(
      'No company named "Nowhere Company" among yours. See `platformctl company list`.',
    );
    const byId = await carol.run(['company', 'show', String(smith.id)]);
    const noId = await carol.run(['company', 'show', '999999']);
    expect([byId.exitCode, noId.exitCode]).toEqual([5, 5]);
    expect(byId.stderr.replace(String(smith.id), 'N')).toBe(noId.stderr.replace('999999', 'N'));
    expect((await carol.json(['account', 'show'])).currentCompany.name).toBe('Brown Company');
  }, 150_000);

  // Rendering does not depend on the engine: run it once.
  it.runIf(engine === 'local')(
    'INVITED companies are grey in the table on a terminal, and only there',
    async () => {
      const t = await fresh();
      const [ann, bob] = await Promise.all([
        t.seed('ann@example.com', 'Ann', 'Smith'),
        t.seed('bob@example.com', 'Bob', 'Jones'),
      ]);
      expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'designer'])).exitCode).toBe(0);
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
      // The account panel lists the companies the same way.
      const panel = await onTTY(bob, ['account', 'show'], { FORCE_COLOR: '1' });
      expect(panel.stdout).toContain(`${GREY}Smith Company`);
      // NO_COLOR on a terminal: the same table, no colour.
      const noColor = await onTTY(bob, ['company', 'list'], { NO_COLOR: '1' });
      expect(noColor.stdout).toMatch(/Smith Company/);
      expect(noColor.stdout).not.toContain('\x1b[');
      // Once switched to, it is no longer grey.
      expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);
      const switched = await onTTY(bob, ['company', 'list'], { FORCE_COLOR: '1' });
      expect(switched.stdout.split(/\r?\n/).find((l) => l.includes('Smith Company'))).not.toContain(
        `${GREY}Smith Company`,
      );
    },
    150_000,
  );

  it('leave: needs --yes without a terminal; the OWNER cannot leave; leaving the current company makes the main one current', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'ADMINISTRATOR'])).exitCode).toBe(0);
    expect((await carol.run(['member', 'invite', 'bob@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);

    const noYes = await bob.run(['company', 'leave']);
    expect(noYes.exitCode).toBe(2);
    expect(noYes.stderr).toMatch(/^error: Leave "Smith Company" \(your role: ADMINISTRATOR\)\?.*pass --yes/);
    expect((await bob.json<Company[]>(['company', 'list'])).map((c) => c.name)).toEqual([
      'Jones Company',
      'Brown Company',
      'Smith Company',
    ]);

    const owner = await ann.run(['--json', 'company', 'leave', '--yes']);
    expect(owner.exitCode).toBe(6);
    expect(JSON.parse(owner.stderr).error.code).toBe('OWNER_CANNOT_LEAVE');
    expect((await ann.run(['company', 'leave', 'Smith Company', '--yes'])).stderr).toMatch(
      /^error: You are the OWNER of "Smith Company" and cannot leave it/,
    );
    expect((await carol.run(['company', 'leave', 'Smith Company', '--yes'])).exitCode).toBe(5);
    expect((await carol.run(['company', 'leave', 'No Such Company', '--yes'])).exitCode).toBe(5);

    // Leaving a company that is not current keeps the current one.
    const other = await bob.run(['--json', 'company', 'leave', 'Brown Company', '--yes']);
    expect(other.exitCode, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout)).toMatchObject({
      left: true,
      company: { name: 'Brown Company' },
      wasCurrent: false,
    });
    expect((await bob.json(['account', 'show'])).currentCompany.name).toBe('Smith Company');

    const cur = await bob.run(['company', 'leave', '--yes']);
    expect(cur.exitCode, cur.stderr).toBe(0);
    expect(cur.stderr).toMatch(/You left "Smith Company"; your main company is current again/);
    const me = await bob.json(['account', 'show']);
    expect(me.currentCompany).toMatchObject({ name: 'Jones Company', role: 'OWNER' });
    expect(me.companies.map((c: Company) => c.name)).toEqual(['Jones Company']);
    expect((await ann.json(['member', 'list'])).map((m: { email: string }) => m.email)).toEqual(['ann@example.com']);
    expect((await bob.run(['company', 'show', 'Smith Company'])).exitCode).toBe(5);
  }, 150_000);

  it('a company name shared by two companies is ambiguous (exit 2, candidates listed); ids always work', async () => {
    const t = await fresh();
    const [ann, al, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('al@example.com', 'Al', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    const annCo = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const alCo = (await al.json(['account', 'show'])).currentCompany.id as number;
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await al.run(['member', 'invite', 'bob@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);

    const amb = await bob.run(['company', 'switch', 'Smith Company']);
    expect(amb.exitCode).toBe(2);
    expect(amb.stderr).toBe(
      `error: 2 companies are named "Smith Company"; name one by its id: ${annCo} (owner ann@example.com), ${alCo} (owner al@example.com).`,
    );
    const ambJson = await bob.run(['--json', 'company', 'show', 'Smith Company']);
    expect(ambJson.exitCode).toBe(2);
    expect(JSON.parse(ambJson.stderr).error.code).toBe('AMBIGUOUS');
    expect((await bob.run(['member', 'list', '--company', 'Smith Company'])).exitCode).toBe(2);
    expect((await bob.json<Company[]>(['company', 'list'])).every((c) => c.status === 'INVITED' || c.main)).toBe(true);

    // Every candidate can be typed as it is shown.
    expect((await bob.json(['company', 'switch', String(alCo)])).role).toBe('DESIGNER');
    expect((await bob.json(['company', 'switch', String(annCo)])).role).toBe('MANAGER');
    expect((await bob.json(['company', 'show', String(annCo)])).role).toBe('MANAGER');
    // For Ann only her own "Smith Company" is visible, so the name is not ambiguous for her.
    expect((await ann.json(['company', 'show', 'Smith Company'])).id).toBe(annCo);
  }, 150_000);

  it("all digits is always an id: a company named like another company's id never shadows it; a confirmed leave acts on the company shown", async () => {
    const t = await fresh();
    const [ann, al, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('al@example.com', 'Al', 'Adams'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    const annCo = (await ann.json(['account', 'show'])).currentCompany.id as number;
    const alCo = (await al.json(['account', 'show'])).currentCompany.id as number;
    // Al names his company after Ann's id; Bob belongs to both.
    expect((await al.run(['account', 'update', '--company-name', String(annCo)])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'bob@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await al.run(['member', 'invite', 'bob@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    expect((await bob.json(['company', 'switch', String(annCo)])).name).toBe('Smith Company');
    expect((await bob.json(['company', 'switch', String(alCo)])).name).toBe(String(annCo));
    expect((await bob.json(['company', 'show', String(annCo)])).name).toBe('Smith Company');
    // The preview resolves the company once and the action gets its id: no second lookup
    // of the text, so nothing can turn ambiguous after the user said yes.
    const left = await bob.run(['--json', 'company', 'leave', 'Smith Company', '--yes']);
    expect(left.exitCode, left.stderr).toBe(0);
    expect(JSON.parse(left.stdout)).toMatchObject({ left: true, company: { id: annCo, name: 'Smith Company' } });
    expect((await bob.json<Company[]>(['company', 'list'])).map((c) => c.id)).toEqual(expect.arrayContaining([alCo]));
    expect((await bob.run(['company', 'show', String(annCo)])).exitCode).toBe(5);
  }, 150_000);

  it('deleting an account removes its company with every membership; its members then have no current company until they switch', async () => {
    const t = await fresh();
    const [ann, bob, carol] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
      t.seed('carol@example.com', 'Carol', 'Brown'),
    ]);
    expect(
      (await ann.run(['member', 'invite', 'bob@example.com', 'pending@example.com', '--role', 'DESIGNER'])).exitCode,
    ).toBe(0);
    expect((await carol.run(['member', 'invite', 'ann@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    expect((await bob.run(['company', 'switch', 'Smith Company'])).exitCode).toBe(0);

    const noYes = await ann.run(['account', 'delete']);
    expect(noYes.exitCode).toBe(2);
    const del = await ann.run(['--json', 'account', 'delete', '--yes']);
    expect(del.exitCode, del.stderr).toBe(0);
    expect(JSON.parse(del.stdout)).toMatchObject({
      deleted: true,
      email: 'ann@example.com',
      company: { name: 'Smith Company' },
      removedMembers: 2,
    });

    const bobNow = await bob.json(['account', 'show']);
    expect(bobNow.currentCompany).toBeNull();
    expect(bobNow.companies.map((c: Company) => c.name)).toEqual(['Jones Company']);
    const gone = await bob.run(['member', 'invite', 'x@example.com', '--role', 'DESIGNER']);
    expect(gone.exitCode).toBe(5);
    expect(gone.stderr).toMatch(/You have no current company/);
    expect((await bob.json(['company', 'switch', 'Jones Company'])).name).toBe('Jones Company');
    expect((await bob.json(['account', 'show'])).currentCompany).toMatchObject({ name: 'Jones Company' });
    expect((await carol.json(['company', 'list'])).map((c: Company) => c.name)).toEqual(['Brown Company']);
    expect((await carol.json(['member', 'list'])).map((m: { email: string }) => m.email)).toEqual([
      'carol@example.com',
    ]);
    // The pending invitation went with the company: registering that e-mail joins nothing.
    const pending = await t.register('pending@example.com', 'Pat', 'Doe');
    expect((await pending.json(['company', 'list'])).map((c: Company) => c.name)).toEqual(['Doe Company']);
  }, 150_000);
});
