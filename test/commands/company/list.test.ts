import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/company/list.js';
import { loadColor } from '../../../src/output/color.js';
import { ENGINES, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('company list run() on %s', (engine) => {
  const fx = useFixture(engine);
  let bob: TestUser;
  let ids: { jones: number; brown: number; smith: number };

  // Bob owns Jones Company, is an ACTIVE DESIGNER of Brown Company (current) and an
  // INVITED MANAGER of Smith Company.
  beforeAll(async () => {
    const [ann, carol] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['carol@example.com', 'Carol', 'Brown'],
    ]);
    bob = await fx().register('bob@example.com', 'Bob', 'Jones');
    await fx().invite(ann, ['bob@example.com'], 'manager');
    await fx().join(bob, carol, 'designer');
    ids = { jones: bob.company.id, brown: carol.company.id, smith: ann.company.id };
  });

  it('--json: the contract shape, main first then by name; INVITED until switched to', async () => {
    const c = fx().call(bob, { json: true });
    await run(c.deps);
    expect(JSON.parse(c.stdout())).toEqual([
      { id: ids.jones, name: 'Jones Company', role: 'OWNER', status: 'ACTIVE', current: false, main: true },
      { id: ids.brown, name: 'Brown Company', role: 'DESIGNER', status: 'ACTIVE', current: true, main: false },
      { id: ids.smith, name: 'Smith Company', role: 'MANAGER', status: 'INVITED', current: false, main: false },
    ]);
    expect(c.stderr()).toBe('');
  });

  it('piped: tab-separated rows without a header (current "*", "main")', async () => {
    const c = fx().call(bob);
    await run(c.deps);
    expect(c.stdout()).toBe(
      `\t${ids.jones}\tJones Company\tOWNER\tACTIVE\tmain\n` +
        `*\t${ids.brown}\tBrown Company\tDESIGNER\tACTIVE\t\n` +
        `\t${ids.smith}\tSmith Company\tMANAGER\tINVITED\t\n`,
    );
    expect(c.stderr()).toBe('');
  });

  it('on a terminal: aligned columns under a header', async () => {
    const c = fx().call(bob, { tty: true });
    await run(c.deps);
    // Ids here are single digits, so the columns line up at fixed offsets.
    expect(c.stdout()).toBe(
      [
        '   ID  NAME           ROLE      STATUS   MAIN',
        `   ${ids.jones}   Jones Company  OWNER     ACTIVE   main`,
        `*  ${ids.brown}   Brown Company  DESIGNER  ACTIVE`,
        `   ${ids.smith}   Smith Company  MANAGER   INVITED`,
        '',
      ].join('\n'),
    );
    expect(c.stderr()).toBe('');
  });

  it('with colour on: INVITED rows are grey, the others are not', async () => {
    await loadColor();
    const c = fx().call(bob, { tty: true });
    c.io.colorOut = true;
    await run(c.deps);
    const GREY = '\x1b[90m';
    const row = (name: string) =>
      c
        .stdout()
        .split('\n')
        .find((l) => l.includes(name))!;
    for (const cell of ['Smith Company', 'MANAGER', 'INVITED']) expect(row('Smith Company')).toContain(GREY + cell);
    expect(row('Jones Company')).not.toContain(GREY);
    expect(row('Brown Company')).not.toContain(GREY);
  });

  it('signed out: AUTH_REQUIRED (exit 3), nothing on stdout', async () => {
    const c = fx().call(undefined);
    await expect(run(c.deps)).rejects.toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    expect(c.stdout()).toBe('');
  });

  it('a revoked or unknown token: AUTH_REQUIRED (exit 3)', async () => {
    const c = fx().call({ ...bob, token: 'pcs_not-a-token' });
    await expect(run(c.deps)).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      message: expect.stringContaining('not valid for this store'),
    });
  });
});
