import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/commands/account/delete.js';
import type { Config } from '../../../src/config.js';
import { show } from '../../../src/domain/accounts.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * The last SUPPORT user cannot delete their account (docs/rules.md, "Staff"): refused
 * before anything is asked, with --yes or without, on a terminal or not. The tests run in
 * order on one store.
 */
describe.each(ENGINES)('account delete run() of the last SUPPORT user on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser;

  beforeAll(async () => {
    [ann, bob] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
    ]);
    await fx().grantSupport(ann);
  });

  /** account delete as `who`; any question asked fails the test (the script has no answers). */
  const remove = async (who: TestUser, o: { tty: boolean; yes: boolean }) => {
    const c = fx().call(who, { tty: o.tty });
    const p = scriptedPrompter([]);
    const forgetSession = vi.fn(async () => ({}));
    const done = run({
      ...c.deps,
      confirm: confirmer(c.io, p.prompter, o.yes),
      config: () => ({ forgetSession, session: () => undefined }) as unknown as Config,
      storeKey: () => 'k',
    });
    await done.finally(() => {
      expect(p.asked, 'questions asked').toEqual([]);
      expect(c.stdout()).toBe('');
    });
    return { err: c.stderr(), forgetSession };
  };

  it.each([
    ['--yes', { tty: false, yes: true }],
    ['no terminal, no --yes', { tty: false, yes: false }],
    ['on a terminal', { tty: true, yes: false }],
  ])('%s: CONFLICT (exit 6) naming staff grant, before any question; nothing deleted', async (_what, o) => {
    expect(await failure(remove(ann, o))).toMatchObject({
      code: 'CONFLICT',
      exitCode: 6,
      message:
        'ann@example.com is the last SUPPORT user; grant SUPPORT to someone else first (`platformctl staff grant EMAIL`), then delete your account.',
    });
    expect((await show(fx().services, ann.cred)).user.support).toBe(true);
  });

  it('once someone else is SUPPORT, --yes deletes the account', async () => {
    await fx().grantSupport(bob);
    const r = await remove(ann, { tty: false, yes: true });
    expect(r.err).toBe('✓ Deleted the account ann@example.com and the company "Smith Company".\n');
    expect(r.forgetSession).toHaveBeenCalledWith('k', 'ann@example.com');
    await expect(show(fx().services, ann.cred)).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await show(fx().services, bob.cred)).user.support).toBe(true);
  });
});
