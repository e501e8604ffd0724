import { beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../src/commands/command.js';
import { run as accountShow } from '../../../src/commands/account/show.js';
import { run as auditList } from '../../../src/commands/audit/list.js';
import { run as billingShow } from '../../../src/commands/billing/show.js';
import { run as companyShow } from '../../../src/commands/company/show.js';
import { run as companySwitch } from '../../../src/commands/company/switch.js';
import { run as invite } from '../../../src/commands/member/invite.js';
import { run as memberList } from '../../../src/commands/member/list.js';
import { run as remove } from '../../../src/commands/member/remove.js';
import { run as setRole } from '../../../src/commands/member/set-role.js';
import { run as revoke } from '../../../src/commands/staff/revoke.js';
import { confirmer } from '../../../src/io/confirm.js';
import { ENGINES, failure, useFixture, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * Staff (SUPPORT) act with --company in a company they are no member of, through each
 * command's run(): members, billing and the audit log, but no switching to it and no
 * touching its OWNER; once revoked, the company is not there for them any more.
 * The tests run in order on one store.
 */
describe.each(ENGINES)('staff in a company they are no member of on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, carol: TestUser;
  const B = 'Brown Company';

  beforeAll(async () => {
    [ann, bob, carol] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Smith'],
      ['bob@example.com', 'Bob', 'Jones'],
      ['carol@example.com', 'Carol', 'Brown'],
    ]);
    await fx().grantSupport(ann);
  });

  /** Runs a command's run() as `who` with --json and returns what it printed, parsed. */
  const json = async <T = any>(who: TestUser, fn: (d: Deps) => Promise<void>): Promise<T> => {
    const c = fx().call(who, { json: true });
    await fn(c.deps);
    expect(c.stderr()).toBe('');
    return JSON.parse(c.stdout()) as T;
  };
  /** --yes: staff are not asked differently, and nothing here may wait for an answer. */
  const yes = (d: Deps) => confirmer(d.io, scriptedPrompter([]).prompter, true);
  const listArgs = { csv: false, all: false } as const;

  it('company show: the company with its owner, and no role for staff', async () => {
    expect(await json(ann, (d) => companyShow({ ...d, company: B }))).toMatchObject({
      name: B,
      role: null,
      owner: { email: 'carol@example.com' },
    });
  });

  it('invite, set-role, remove and list its members; billing show counts them', async () => {
    const invited = await json(ann, (d) =>
      invite({ ...d, emails: ['dan@example.com', 'eve@example.com'], role: 'designer', company: B }),
    );
    expect(invited.invited).toHaveLength(2);
    const changed = await json(ann, (d) =>
      setRole({ ...d, confirm: yes(d), email: 'dan@example.com', role: 'ADMINISTRATOR', company: B }),
    );
    expect(changed.changed).toBe(true);
    await json(ann, (d) => remove({ ...d, confirm: yes(d), email: 'eve@example.com', company: B }));
    const members = await json<{ email: string; role: string }[]>(ann, (d) =>
      memberList({ ...d, ...listArgs, company: B }),
    );
    expect(members.map((m) => `${m.email} ${m.role}`)).toEqual([
      'carol@example.com OWNER',
      'dan@example.com ADMINISTRATOR',
    ]);
    expect(await json(ann, (d) => billingShow({ ...d, company: B }))).toMatchObject({
      company: { name: B },
      plan: { name: 'FREE' },
      users: 2,
    });
  });

  it('the audit log has what staff did, under their name; the OWNER sees it too', async () => {
    const log = await json<{ action: string; actor: string; target: string }[]>(ann, (d) =>
      auditList({ ...d, all: false, company: B }),
    );
    expect(log.map((e) => e.action)).toEqual([
      'member.remove',
      'member.set_role',
      'member.invite',
      'member.invite',
      'account.register',
    ]);
    expect(log.slice(0, 4).every((e) => e.actor === 'ann@example.com')).toBe(true);
    const [last] = await json<{ action: string }[]>(carol, (d) => auditList({ ...d, all: false, limit: 1 }));
    expect(last).toMatchObject({ actor: 'ann@example.com', action: 'member.remove', target: 'eve@example.com' });
  });

  it('but cannot switch to it (exit 4), and its OWNER stays untouchable (exit 6)', async () => {
    expect(await failure(json(ann, (d) => companySwitch({ ...d, company: B })))).toMatchObject({
      code: 'PERMISSION_DENIED',
      exitCode: 4,
      message: `You are not a member of "${B}"; staff can act on it with --company but cannot switch to it.`,
    });
    expect(
      await failure(json(ann, (d) => remove({ ...d, confirm: yes(d), email: 'carol@example.com', company: B }))),
    ).toMatchObject({ code: 'CONFLICT', exitCode: 6 });
    expect((await json<{ email: string }[]>(carol, (d) => memberList({ ...d, ...listArgs }))).length).toBe(2);
  });

  it('revoked, they lose it: the company is not there for them (exit 5), and their panel says support false', async () => {
    await fx().grantSupport(bob);
    expect(await json(bob, (d) => revoke({ ...d, email: 'ann@example.com' }))).toEqual({
      email: 'ann@example.com',
      support: false,
    });
    expect(await failure(json(ann, (d) => memberList({ ...d, ...listArgs, company: B })))).toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 5,
      message: `No company named "${B}" among yours. See \`platformctl company list\`.`,
    });
    expect((await json(ann, (d) => accountShow(d))).user.support).toBe(false);
    expect((await json(bob, (d) => accountShow(d))).user.support).toBe(true);
    expect((await json(carol, (d) => accountShow(d))).user.support).toBe(false);
  });
});
