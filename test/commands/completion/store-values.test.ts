import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeValues } from '../../../src/commands/completion/shared/store-values.js';
import { resolveWords } from '../../../src/commands/resolve.js';
import { update } from '../../../src/domain/accounts.js';
import { buildProgram } from '../../../src/main.js';
import { contextFactory } from '../../helpers/contexts.js';
import { ENGINES, failure, Fixture, useFixture, type TestUser } from '../../helpers/services.js';

const program = buildProgram(() => {
  throw new Error('completion must not build a context');
});

describe.each(ENGINES)('completion: values from the store on %s', (engine) => {
  const fx = useFixture(engine);
  let bob: TestUser;
  let dan: TestUser;
  let zed: TestUser;
  let smiths: number[];
  let zedEmails: string[];
  let contexts: ReturnType<typeof contextFactory>;

  // Bob owns "2024" (his main company, renamed), is INVITED to the two Smith Companies
  // (Ann's and Carol's) and an ACTIVE member of Dan's Brown Company (current). Zed is
  // staff and owns a company of 1,101 members.
  beforeAll(async () => {
    const f = fx();
    const [ann, carol] = await f.registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['carol@example.com', 'Carol', 'Smith'],
    ]);
    [bob, dan, zed] = await f.registerAll([
      ['bob@example.com', 'Bob', 'Jones'],
      ['dan@example.com', 'Dan', 'Brown'],
      ['zed@example.com', 'Zed', 'Zed'],
    ]);
    await update(f.services, bob.cred, { companyName: '2024' });
    await f.invite(ann, [bob.email], 'manager');
    await f.invite(carol, [bob.email], 'designer');
    await f.join(bob, dan, 'designer');
    smiths = [ann.company.id, carol.company.id];
    await f.grantSupport(zed);
    await f.setPlan(zed.company.id, 'ENTERPRISE');
    zedEmails = await f.fillCompany(zed.company.id, { pending: 1100 });
  });
  afterEach(async () => {
    await contexts?.close();
  });

  /** storeValues for `kind` on the line `words` (global flags first), as `who`. */
  const values = (who: TestUser, kind: 'companies' | 'members' | 'plans', words: string[]) => {
    contexts = contextFactory(fx().dir, who.token);
    return storeValues(contexts.factory)(kind, resolveWords(program, ['--store', fx().location, ...words]));
  };

  it('companies: by name, but by id (the name described) when the name is all digits or shared with another of yours', async () => {
    expect(await values(bob, 'companies', ['company', 'switch'])).toEqual([
      { value: String(bob.company.id), description: '2024' },
      'Brown Company',
      ...smiths.map((id) => ({ value: String(id), description: 'Smith Company' })),
    ]);
  });

  it('members: of the company named on the line, else of the current one; never its OWNER, whom no member command may change', async () => {
    expect(await values(bob, 'members', ['member', 'remove'])).toEqual([bob.email]);
    expect(await values(bob, 'members', ['member', 'set-role', '--company', String(bob.company.id)])).toEqual([]);
  });

  it('members: from the first 1,000 in list order, never the whole of a large company', async () => {
    expect(await values(zed, 'members', ['member', 'remove'])).toEqual(zedEmails.slice(0, 999));
  });

  it('plans: their names', async () => {
    expect(await values(bob, 'plans', ['plan', 'set', 'x'])).toEqual(['FREE', 'TEAM', 'BUSINESS', 'ENTERPRISE']);
  });

  it('opens the store and the config directory named on the line', async () => {
    await values(bob, 'plans', ['--config-dir', join(fx().dir, 'cfg'), 'plan', 'set', 'x']);
    expect(contexts.seen).toEqual([[fx().location, join(fx().dir, 'cfg')]]);
  });
});

describe('completion: values from the store, the store as it is', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await Fixture.open();
    return () => fx.close();
  });

  it('a store that is not there is not created by a TAB: the look-up fails (and TAB offers nothing)', async () => {
    const missing = join(fx.dir, 'missing.db');
    const contexts = contextFactory(fx.dir);
    try {
      const line = resolveWords(program, ['--store', missing, 'company', 'switch']);
      const e = await failure(storeValues(contexts.factory)('companies', line));
      expect([e.code, e.message]).toEqual(['STORE_UNAVAILABLE', expect.stringContaining('There is no store at')]);
    } finally {
      await contexts.close();
    }
    expect(existsSync(missing)).toBe(false);
  });
});
