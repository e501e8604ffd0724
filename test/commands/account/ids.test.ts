import { beforeAll, describe, expect, it } from 'vitest';
import { run as deleteAccount } from '../../../src/commands/account/delete.js';
import { run as register } from '../../../src/commands/account/register.js';
import { run as show } from '../../../src/commands/account/show.js';
import { run as auditList } from '../../../src/commands/audit/list.js';
import { run as invite } from '../../../src/commands/member/invite.js';
import { deviceId } from '../../../src/device-id.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

interface Entry {
  action: string;
  actor: string | null;
  company: { id: number; name: string | null } | null;
  target: string | null;
}

/**
 * No id is ever reused, and nothing of a deleted company is shown to a later one: its
 * audit entries stay, with the name it had, for SUPPORT only (docs/security.md).
 * The regression: SQLite gave the next company the deleted one's id, and with it the
 * deleted company's audit log. Through the commands' run() on both engines; the exit
 * codes a shell sees stay in e2e/ids.test.ts.
 */
describe.each(ENGINES)('ids through run() on %s', (engine) => {
  const fx = useFixture(engine);
  const silent = scriptedPrompter([]).prompter;
  let sue: TestUser;

  beforeAll(async () => {
    sue = await fx().register('sue@example.com', 'Sue', 'Port');
    await fx().grantSupport(sue);
  });

  /** `--json account show` from a config directory's active account. */
  const showJson = async (device: string) => {
    const c = fx().callAs(await fx().config(device), { json: true });
    await show(c.deps);
    return JSON.parse(c.stdout()) as { user: { id: number }; currentCompany: { id: number; name: string } };
  };
  /** `--json audit list` as a config directory's active account (or `who`). */
  const audit = async (who: string | TestUser, o: { limit?: number; company?: string } = {}) => {
    const c =
      typeof who === 'string' ? fx().callAs(await fx().config(who), { json: true }) : fx().call(who, { json: true });
    await auditList({ ...c.deps, all: false, ...o });
    return JSON.parse(c.stdout()) as Entry[];
  };
  /** `account register --password-stdin` from the config directory of `device`. */
  const registerFrom = async (device: string, email: string, firstName: string, lastName: string) => {
    const config = await fx().config(device);
    const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n` });
    await register({
      io: c.io,
      prompter: silent,
      services: c.deps.services,
      config: () => config,
      storeKey: () => fx().storeKey,
      source: () => deviceId(config.dir),
      json: false,
      email,
      firstName,
      lastName,
      passwordStdin: true,
    });
  };

  it("a deleted account's ids are never given again; its company's audit log goes to SUPPORT only", async () => {
    await registerFrom('ann', 'ann@example.com', 'Ann', 'Smith');
    const before = await showJson('ann');
    const annId = before.user.id;
    const smithId = before.currentCompany.id;
    const inv = fx().callAs(await fx().config('ann'));
    await invite({ ...inv.deps, emails: ['pat@example.com'], role: 'MANAGER' });
    expect(inv.stderr()).toMatch(/^✓ Invited 1 member to "Smith Company" as MANAGER/);
    // Ann is the newest user and hers the newest company: the ids SQLite would hand out next.
    const del = fx().callAs(await fx().config('ann'));
    const annConfig = await fx().config('ann');
    await deleteAccount({
      ...del.deps,
      confirm: confirmer(del.io, silent, true),
      config: () => annConfig,
      storeKey: () => fx().storeKey,
    });
    expect(del.stderr()).toBe('✓ Deleted the account ann@example.com and the company "Smith Company".\n');

    await registerFrom('zed', 'zed@example.com', 'Zed', 'Smith');
    const after = await showJson('zed');
    expect(after.user.id).toBeGreaterThan(annId);
    expect(after.currentCompany.id).toBeGreaterThan(smithId);
    // Same name as the deleted company, its own id.
    expect(after.currentCompany.name).toBe('Smith Company');

    const mine = await audit('zed', { limit: 1000 });
    expect(mine.map((e) => [e.action, e.target, e.company?.id])).toEqual([
      ['account.register', 'zed@example.com', after.currentCompany.id],
    ]);
    const byId = await failure(audit('zed', { company: String(smithId) }));
    expect(byId).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: `No company with id ${smithId} among yours. See \`platformctl company list\`.`,
    });

    // SUPPORT keeps the deleted company's entries, with the name it had.
    const all = await audit(sue, { limit: 1000 });
    const old = all.filter((e) => e.company?.id === smithId);
    expect(old.map((e) => e.action).sort()).toEqual(['account.delete', 'account.register', 'member.invite']);
    expect(old.every((e) => e.company?.name === 'Smith Company')).toBe(true);
    expect(old.find((e) => e.action === 'account.delete')).toMatchObject({ actor: 'ann@example.com' });
  });
});
