import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run } from '../../../src/commands/company/list.js';
import { loadColor } from '../../../src/output/color.js';
import { checkStore } from '../../../src/domain/health.js';
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

  const GREY = '\x1b[90m';
  /** `company list --json` as Bob. */
  const listed = async () => {
    const c = fx().call(bob, { json: true });
    await run(c.deps);
    return JSON.parse(c.stdout()) as unknown[];
  };
  /** `account show` as Bob; its panel lists the companies exactly as `company list` does. */
  const panel = async (o: { tty?: boolean; json?: boolean; color?: boolean } = {}) => {
    const c = fx().call(bob, o);
    if (o.color) {
      await loadColor();
      c.io.colorOut = true;
    }
    await accountShow(c.deps);
    return c.stdout();
  };
  /** A company's row in the table under "Companies" (the panel above names the current one too). */
  const panelRow = (out: string, name: string) => {
    const lines = out.split('\n');
    return lines.slice(lines.indexOf('Companies') + 1).find((l) => l.includes(name))!;
  };

  it('--json: the documented shape, main first then by name; INVITED until switched to; account show lists the same items', async () => {
    const c = fx().call(bob, { json: true });
    await run(c.deps);
    expect(JSON.parse(c.stdout())).toEqual([
      { id: ids.jones, name: 'Jones Company', role: 'OWNER', status: 'ACTIVE', current: false, main: true },
      { id: ids.brown, name: 'Brown Company', role: 'DESIGNER', status: 'ACTIVE', current: true, main: false },
      { id: ids.smith, name: 'Smith Company', role: 'MANAGER', status: 'INVITED', current: false, main: false },
    ]);
    expect(c.stderr()).toBe('');
    // account show --json lists the same items.
    expect(JSON.parse(await panel({ json: true })).companies).toEqual(JSON.parse(c.stdout()));
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

  it('with colour on: INVITED rows are grey, the others are not, here and in the account panel', async () => {
    await loadColor();
    const c = fx().call(bob, { tty: true });
    c.io.colorOut = true;
    await run(c.deps);
    const row = (name: string) =>
      c
        .stdout()
        .split('\n')
        .find((l) => l.includes(name))!;
    for (const cell of ['Smith Company', 'MANAGER', 'INVITED']) expect(row('Smith Company')).toContain(GREY + cell);
    expect(row('Jones Company')).not.toContain(GREY);
    expect(row('Brown Company')).not.toContain(GREY);
    // The account panel lists them the same way.
    const out = await panel({ tty: true, color: true });
    for (const cell of ['Smith Company', 'INVITED']) expect(panelRow(out, 'Smith Company')).toContain(GREY + cell);
    expect(panelRow(out, 'Jones Company')).not.toContain(GREY);
    expect(panelRow(out, 'Brown Company')).not.toContain(GREY);
  });

  it('once switched to, an INVITED company is ACTIVE and current (account show too), and no longer grey', async () => {
    await loadColor();
    await fx().switchTo(bob, ids.smith);
    const c = fx().call(bob, { tty: true });
    c.io.colorOut = true;
    await run(c.deps);
    const smith = c
      .stdout()
      .split('\n')
      .find((l) => l.includes('Smith Company'))!;
    expect(smith).toContain('ACTIVE');
    expect(smith).not.toContain(GREY);
    expect(panelRow(await panel({ tty: true, color: true }), 'Smith Company')).not.toContain(GREY);
    const items = await listed();
    expect(items).toContainEqual({
      id: ids.smith,
      name: 'Smith Company',
      role: 'MANAGER',
      status: 'ACTIVE',
      current: true,
      main: false,
    });
    // account show: the same items, and Smith Company current with Bob's role and its plan.
    const me = JSON.parse(await panel({ json: true }));
    expect(me.companies).toEqual(items);
    expect(me.currentCompany).toEqual({
      id: ids.smith,
      name: 'Smith Company',
      role: 'MANAGER',
      plan: { name: 'FREE', maxUsers: 3, custom: false },
    });
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

  // As \`store check\` after each e2e scenario: what these commands left is a store without a fault.
  it('afterwards the store passes store check', async () => {
    const report = await checkStore(fx().store);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
