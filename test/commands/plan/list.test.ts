import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/plan/list.js';
import { createPlan } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('plan list run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, sue: TestUser;

  beforeAll(async () => {
    ann = await fx().register('ann@example.com', 'Ann', 'Smith');
  });

  const list = async (who: TestUser | undefined, o: { tty?: boolean; json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run(c.deps);
    return { out: c.stdout(), err: c.stderr() };
  };

  it('--json: the catalogue, capped plans by size then unlimited ones, with custom and default flags', async () => {
    const r = await list(ann, { json: true });
    expect(JSON.parse(r.out)).toEqual([
      { name: 'FREE', maxUsers: 3, custom: false, default: true },
      { name: 'TEAM', maxUsers: 10, custom: false, default: false },
      { name: 'BUSINESS', maxUsers: 50, custom: false, default: false },
      { name: 'ENTERPRISE', maxUsers: null, custom: true, default: false },
    ]);
    expect(r.err).toBe('');
  });

  it('piped: tab-separated rows without a header, "unlimited" for no cap', async () => {
    expect((await list(ann)).out).toBe(
      'FREE\t3\t\tdefault\nTEAM\t10\t\t\nBUSINESS\t50\t\t\nENTERPRISE\tunlimited\tcustom\t\n',
    );
  });

  it('on a terminal: an aligned table with a header', async () => {
    expect((await list(ann, { tty: true })).out).toBe(
      [
        'NAME        MAX USERS  CUSTOM  DEFAULT',
        'FREE        3                  default',
        'TEAM        10',
        'BUSINESS    50',
        'ENTERPRISE  unlimited  custom',
        '',
      ].join('\n'),
    );
  });

  it('a plan staff created appears in its place', async () => {
    sue = await fx().grantSupport(await fx().register('sue@example.com', 'Sue', 'Staff'));
    await createPlan(fx().services, sue.cred, { name: 'DUO', maxUsers: 2 });
    expect(JSON.parse((await list(ann, { json: true })).out)[0]).toEqual({
      name: 'DUO',
      maxUsers: 2,
      custom: false,
      default: false,
    });
  });

  it('custom plans take their place too: capped ones by size, unlimited ones by name before ENTERPRISE', async () => {
    await createPlan(fx().services, sue.cred, { name: 'BIG-DEAL', maxUsers: 500, custom: true });
    await createPlan(fx().services, sue.cred, { name: 'ACME-DEAL', unlimited: true, custom: true });
    expect(JSON.parse((await list(ann, { json: true })).out).map((p: { name: string }) => p.name)).toEqual([
      'DUO',
      'FREE',
      'TEAM',
      'BUSINESS',
      'BIG-DEAL',
      'ACME-DEAL',
      'ENTERPRISE',
    ]);
    expect((await list(ann)).out).toMatch(/^BIG-DEAL\t500\tcustom\t\nACME-DEAL\tunlimited\tcustom\t\nENTERPRISE\t/m);
  });

  it('signed out: AUTH_REQUIRED (exit 3), nothing printed', async () => {
    const c = fx().call(undefined);
    expect(await failure(run(c.deps))).toMatchObject({ code: 'AUTH_REQUIRED', exitCode: 3 });
    expect(c.stdout()).toBe('');
  });
});
