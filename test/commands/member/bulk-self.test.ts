import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run as importRun, type ImportOptions } from '../../../src/commands/member/import.js';
import { run as syncRun } from '../../../src/commands/member/sync.js';
import { listMembers } from '../../../src/domain/members.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, Fixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * An ADMINISTRATOR whose own file demotes or removes them is told so before it is applied,
 * in the words member set-role / remove ask with (docs/rules.md): a row naming them with
 * another role (import, sync), or their absence from a file synced with --prune.
 */
describe.each(ENGINES)('member import / sync changing your own membership on %s', (engine) => {
  let fx: Fixture;
  let ann: TestUser, bob: TestUser;

  beforeEach(async () => {
    fx = await Fixture.open(engine);
    [ann, bob] = await fx.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    await fx.invite(ann, ['bob@example.com'], 'ADMINISTRATOR');
    await fx.switchTo(bob, 'Smith Company');
  });
  afterEach(async () => {
    await fx.close();
  });

  const file = (rows: string[]) => {
    const path = join(fx.dir, `f${Math.random()}.csv`);
    writeFileSync(path, ['email,role', ...rows].join('\n') + '\n');
    return path;
  };
  const roleOf = async (email: string) =>
    (await listMembers(fx.services, ann.cred, {})).members.find((m) => m.email === email)?.role;

  const imp = async (who: TestUser, path: string, dryRun: boolean, o: Partial<ImportOptions> = {}) => {
    const c = fx.call(who);
    await importRun({
      ...c.deps,
      file: path,
      company: undefined,
      format: undefined,
      dryRun,
      continueOnError: false,
      tuning: undefined,
      ...o,
    });
    return c.stderr();
  };
  const sync = async (who: TestUser, path: string, dryRun: boolean, check = false) => {
    const c = fx.call(who);
    await syncRun({
      ...c.deps,
      confirm: confirmer(c.io, scriptedPrompter([]).prompter, true),
      file: path,
      company: undefined,
      prune: true,
      dryRun,
      check,
    }).catch((e: unknown) => {
      if ((e as { code?: string }).code !== 'DRIFT') throw e;
    });
    return c.stderr();
  };

  it('import: a row demoting yourself says so, before (dry run) and as it is applied', async () => {
    const path = file(['cat@example.com,DESIGNER', 'bob@example.com,MANAGER']);
    const said =
      'your own role in "Smith Company" from ADMINISTRATOR to MANAGER: you will no longer manage its members and cannot undo this yourself.\n';
    expect(await imp(bob, path, true)).toContain(`! Line 3 would change ${said}`);
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');
    expect(await imp(bob, path, false)).toContain(`! Line 3 changes ${said}`);
    expect(await roleOf('bob@example.com')).toBe('MANAGER');
  });

  it('sync --prune: a file that leaves you out says it removes you; a file that lists you, or someone else running it, says nothing of the kind', async () => {
    const without = file(['cat@example.com,DESIGNER']);
    const said =
      'you (ADMINISTRATOR) from "Smith Company": you will lose access to it and cannot undo this yourself.\n';
    expect(await sync(bob, without, true)).toContain(`! This would remove ${said}`);
    const listed = await sync(bob, file(['cat@example.com,DESIGNER', 'bob@example.com,ADMINISTRATOR']), true);
    expect(listed).not.toMatch(/your own|remove you/);
    // Ann (the OWNER) removes Bob: not herself.
    expect(await sync(ann, without, true)).not.toMatch(/your own|remove you/);
    expect(await sync(bob, without, false, true)).toContain(`! This would remove ${said}`);
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');
    // Said before the question (here answered by --yes): the plan is not applied yet.
    expect(await sync(bob, without, false)).toContain(`! This would remove ${said}`);
    expect(await roleOf('bob@example.com')).toBeUndefined();
  });

  it('platform staff keep their rights whatever their membership: told of the change, not of a loss', async () => {
    await fx.grantSupport(bob);
    expect(await imp(bob, file(['bob@example.com,DESIGNER']), true)).toContain(
      '! Line 2 would change your own role in "Smith Company" from ADMINISTRATOR to DESIGNER.\n',
    );
    expect(await sync(bob, file(['cat@example.com,DESIGNER']), true)).toContain(
      '! This would remove you (ADMINISTRATOR) from "Smith Company".\n',
    );
  });

  it('an import that commits in chunks and demotes its caller part way is refused whole, before anything is written; a dry run says so', async () => {
    const path = file(['cat@example.com,DESIGNER', 'bob@example.com,MANAGER']);
    const chunked = { tuning: { oneTransaction: 1, chunkRows: 1, pauseMs: 0 } };
    const refusal =
      'Line 3 changes your own role in "Smith Company" from ADMINISTRATOR to MANAGER, and an import of 2 changes ' +
      'commits in chunks: you would lose the right to import there part way, leaving the import half done. ' +
      'Nothing was changed. Import the file without that line, then change your role (member set-role), or ask another ADMINISTRATOR.';
    expect(await imp(bob, path, true, chunked)).toContain(`! A real run would be refused: ${refusal}\n`);
    for (const continueOnError of [false, true])
      await expect(imp(bob, path, false, { ...chunked, continueOnError })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        exitCode: 2,
        message: refusal,
      });
    // As a file with bad lines is refused: --json still gets its document, nothing applied.
    const c = fx.call(bob, { json: true });
    await expect(
      importRun({
        ...c.deps,
        file: path,
        company: undefined,
        format: undefined,
        dryRun: false,
        continueOnError: false,
        ...chunked,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: refusal });
    expect(JSON.parse(c.stdout())).toMatchObject({ invited: 0, updated: 0, unchanged: 0, failed: 0, applied: false });
    expect(await roleOf('cat@example.com')).toBeUndefined();
    expect(await roleOf('bob@example.com')).toBe('ADMINISTRATOR');
    // In one transaction the rights are checked once, before any row: it applies whole.
    await imp(bob, path, false);
    expect([await roleOf('cat@example.com'), await roleOf('bob@example.com')]).toEqual(['DESIGNER', 'MANAGER']);
  });
});
