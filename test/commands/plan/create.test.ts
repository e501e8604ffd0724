import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CreateOptions } from '../../../src/commands/plan/create.js';
import { intOption } from '../../../src/commands/command.js';
import { listPlans } from '../../../src/domain/plans.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';

describe.each(ENGINES)('plan create run() on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, sue: TestUser;

  beforeAll(async () => {
    [ann, sue] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['sue@example.com', 'Sue', 'Staff'],
    ]);
    await fx().grantSupport(sue);
  });

  type Flags = Pick<CreateOptions, 'name'> & Partial<Pick<CreateOptions, 'maxUsers' | 'unlimited' | 'custom'>>;
  const create = async (who: TestUser | undefined, flags: Flags, o: { json?: boolean } = {}) => {
    const c = fx().call(who, o);
    await run({ ...c.deps, unlimited: false, custom: false, ...flags });
    return { out: c.stdout(), err: c.stderr() };
  };
  const names = async () => (await listPlans(fx().services, ann.cred)).map((p) => p.name);

  it('is for staff: anyone else gets PERMISSION_DENIED (exit 4) and nothing is created', async () => {
    expect(await failure(create(ann, { name: 'MINE', unlimited: true }))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: 'Only platform staff (SUPPORT) can create plans. Contact support to change billing or plans.',
    });
    expect(await names()).not.toContain('MINE');
  });

  it('--max-users N: the plan (name upper-cased) on stdout as JSON, audited; plan list shows it', async () => {
    const r = await create(sue, { name: ' startup ', maxUsers: 25 }, { json: true });
    expect(JSON.parse(r.out)).toEqual({ name: 'STARTUP', maxUsers: 25, custom: false });
    expect(r.err).toBe('');
    expect(await names()).toEqual(['FREE', 'TEAM', 'STARTUP', 'BUSINESS', 'ENTERPRISE']);
    const [entry] = await fx().read((rp) => rp.auditPage({ action: 'plan.create' }, 1));
    expect(entry).toMatchObject({ actor_email: 'sue@example.com', target: 'STARTUP' });
  });

  it('says what it created on stderr: unlimited, custom', async () => {
    const a = await create(sue, { name: 'ACME-DEAL', unlimited: true, custom: true });
    expect([a.out, a.err]).toEqual(['', '✓ Created plan ACME-DEAL (unlimited users, custom).\n']);
    const b = await create(sue, { name: 'BIG_DEAL', maxUsers: 500, custom: true });
    expect(b.err).toBe('✓ Created plan BIG_DEAL (500 users, custom).\n');
    const plans = await listPlans(fx().services, ann.cred);
    expect(plans.find((p) => p.name === 'ACME-DEAL')).toEqual({
      name: 'ACME-DEAL',
      maxUsers: null,
      custom: true,
      default: false,
    });
  });

  it('--json: a custom plan as stored, maxUsers null when unlimited', async () => {
    expect(
      JSON.parse((await create(sue, { name: 'OPEN-DEAL', unlimited: true, custom: true }, { json: true })).out),
    ).toEqual({
      name: 'OPEN-DEAL',
      maxUsers: null,
      custom: true,
    });
    expect(
      JSON.parse((await create(sue, { name: 'HUGE-DEAL', maxUsers: 500, custom: true }, { json: true })).out),
    ).toEqual({
      name: 'HUGE-DEAL',
      maxUsers: 500,
      custom: true,
    });
  });

  it('a name taken (in any case) is ALREADY_EXISTS (exit 6)', async () => {
    expect(await failure(create(sue, { name: 'free', maxUsers: 5 }))).toMatchObject({
      code: 'ALREADY_EXISTS',
      exitCode: 6,
      message: 'Plan FREE already exists.',
    });
  });

  it.each([
    [
      'both --max-users and --unlimited',
      { maxUsers: 5, unlimited: true },
      'Pass either --max-users N or --unlimited, not both.',
    ],
    ['neither', {}, 'Pass --max-users N or --unlimited.'],
    ['--max-users 0', { maxUsers: 0 }, '--max-users must be a whole number from 1 to 10000000.'],
    ['--max-users 10000001', { maxUsers: 10_000_001 }, '--max-users must be a whole number from 1 to 10000000.'],
    [
      '--max-users 2.5 (as commander parses it)',
      { maxUsers: intOption('2.5') },
      '--max-users must be a whole number from 1 to 10000000.',
    ],
    ['--max-users ten', { maxUsers: intOption('ten') }, '--max-users must be a whole number from 1 to 10000000.'],
  ])('%s: INVALID_INPUT (exit 2), nothing created', async (_what, flags, message) => {
    expect(await failure(create(sue, { name: 'ODD', ...flags }))).toMatchObject({
      code: 'INVALID_INPUT',
      exitCode: 2,
      message,
    });
    expect(await names()).not.toContain('ODD');
  });

  it('a name with other characters than letters, digits, - and _ is INVALID_INPUT (exit 2)', async () => {
    for (const name of ['bad name!', '', '-LEADING', 'X'.repeat(41)]) {
      const e = await failure(create(sue, { name, unlimited: true }));
      expect(e, name).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
      expect(e.message, name).toMatch(/^Invalid plan name ".*": use letters, digits, "-" or "_" \(at most 40\)\.$/);
    }
  });

  it('signed out: AUTH_REQUIRED (exit 3)', async () => {
    expect(await failure(create(undefined, { name: 'NEW', maxUsers: 4 }))).toMatchObject({
      code: 'AUTH_REQUIRED',
      exitCode: 3,
    });
  });
});
