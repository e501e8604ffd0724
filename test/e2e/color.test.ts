import { describe, expect, it } from 'vitest';
import { useStore } from './harness.js';

const ESC = '\x1b';

// Colour does not depend on the engine: the local one is enough.
describe('colour and terminals', () => {
  const fresh = useStore('local');

  async function signedIn() {
    const t = await fresh();
    return { t, ann: await t.seed('ann@example.com', 'Ann', 'Smith') };
  }

  async function setUp() {
    const t = await fresh();
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    return { t, ann, bob };
  }

  it('piped without FORCE_COLOR: no ANSI code on stdout or stderr, tables tab-separated without a header', async () => {
    const { ann } = await setUp();
    const runs = await Promise.all([
      ann.run(['account', 'show']),
      ann.run(['company', 'list']),
      ann.run(['member', 'list']),
      ann.run(['account', 'token', 'create', '--name', 'ci']),
      ann.run(['company', 'switch', 'nope']),
      ann.run(['--json', 'company', 'list']),
    ]);
    for (const r of runs) {
      expect(r.stdout).not.toContain(ESC);
      expect(r.stderr).not.toContain(ESC);
    }
    const [, list, members, token] = runs;
    expect(list.stdout.split('\n')).toEqual([
      expect.stringMatching(/^\*\t\d+\tSmith Company\tOWNER\tACTIVE\tmain$/),
      expect.stringMatching(/^\t\d+\tJones Company\tDESIGNER\tINVITED\t$/),
    ]);
    expect(members.stdout).not.toMatch(/EMAIL|ROLE/);
    expect(token.stderr).toMatch(/^✓ Created token/);
  });

  it('FORCE_COLOR=1 colours messages even when piped; data on stdout stays plain (tables colour only on a terminal)', async () => {
    const { ann } = await signedIn();
    const env = { FORCE_COLOR: '1' };
    const [created, list, json] = await Promise.all([
      ann.run(['account', 'token', 'create', '--name', 'ci'], { env }),
      ann.run(['company', 'list'], { env }),
      ann.run(['--json', 'company', 'list'], { env }),
    ]);
    expect(created.exitCode).toBe(0);
    expect(created.stderr).toContain(`${ESC}[32m✓${ESC}[39m Created token`);
    expect(created.stdout).not.toContain(ESC);
    expect(list.stdout).not.toContain(ESC);
    expect(json.stdout).not.toContain(ESC);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
  });

  it('NO_COLOR and --no-color win over FORCE_COLOR; FORCE_COLOR=0 is off; an empty NO_COLOR does not count', async () => {
    const { ann } = await signedIn();
    const create = (name: string, env: Record<string, string>, flags: string[] = []) =>
      ann.run([...flags, 'account', 'token', 'create', '--name', name], { env });
    const [noColorEnv, noColorFlag, forceOff, emptyNoColor] = await Promise.all([
      create('a', { FORCE_COLOR: '1', NO_COLOR: '1' }),
      create('b', { FORCE_COLOR: '1' }, ['--no-color']),
      create('c', { FORCE_COLOR: '0' }),
      // no-color.org: NO_COLOR counts only when it is not empty.
      create('d', { FORCE_COLOR: '1', NO_COLOR: '' }),
    ]);
    for (const r of [noColorEnv, noColorFlag, forceOff]) {
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/^✓ Created token/);
      expect(r.stderr).not.toContain(ESC);
    }
    expect(emptyNoColor.stderr).toContain(`${ESC}[32m✓`);
  });
});
