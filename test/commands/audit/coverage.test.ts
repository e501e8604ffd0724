import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { run as accountDelete } from '../../../src/commands/account/delete.js';
import { run as login } from '../../../src/commands/account/login.js';
import { run as logout } from '../../../src/commands/account/logout.js';
import { run as register } from '../../../src/commands/account/register.js';
import { run as tokenCreate } from '../../../src/commands/account/token/create.js';
import { run as tokenRevoke } from '../../../src/commands/account/token/revoke.js';
import { run as accountUpdate } from '../../../src/commands/account/update.js';
import { run as companyLeave } from '../../../src/commands/company/leave.js';
import { run as companySwitch } from '../../../src/commands/company/switch.js';
import { run as memberImport } from '../../../src/commands/member/import.js';
import { run as memberInvite } from '../../../src/commands/member/invite.js';
import { run as memberRemove } from '../../../src/commands/member/remove.js';
import { run as memberSetRole } from '../../../src/commands/member/set-role.js';
import { run as memberSync } from '../../../src/commands/member/sync.js';
import { run as passwordChange } from '../../../src/commands/password/change.js';
import { run as planCreate } from '../../../src/commands/plan/create.js';
import { run as planSet } from '../../../src/commands/plan/set.js';
import { run as staffContactSet } from '../../../src/commands/staff/contact/set.js';
import { run as staffGrant } from '../../../src/commands/staff/grant.js';
import { run as staffRevoke } from '../../../src/commands/staff/revoke.js';
import { run as staffSignout } from '../../../src/commands/staff/signout.js';
import { run as staffUnlock } from '../../../src/commands/staff/unlock.js';
import type { Config } from '../../../src/config.js';
import { deviceId } from '../../../src/device-id.js';
import { confirmer } from '../../../src/io/confirm.js';
import { buildProgram } from '../../../src/main.js';
import type { AuditRow } from '../../../src/store/repo.js';
import { ENGINES, failure, TEST_PASSWORD, useFixture, type Call, type TestUser } from '../../helpers/services.js';
import { scriptedPrompter } from '../scripted-prompter.js';

/**
 * Every command that changes data writes an audit entry. The list of commands comes
 * from the real command tree: a new command fails this test until it is classified
 * as read-only below or given a scenario that proves its audit entry.
 */

/** Commands that change no account data (store init/backup administer the file itself). */
const READ_ONLY = new Set([
  'account show',
  // Which signed-in account is active is local (the config file): no account data changes.
  'account status',
  'account switch',
  'account token list',
  'company list',
  'company show',
  'member list',
  'member export',
  'billing show',
  'plan list',
  'audit list',
  'store check',
  'store init',
  'store backup',
  'completion',
  'help',
]);

function leaves(cmd: Command, prefix: string[] = []): string[] {
  if (cmd.commands.length === 0) return [prefix.join(' ')];
  return cmd.commands.flatMap((c) => leaves(c, [...prefix, c.name()]));
}

const tree = leaves(
  buildProgram(() => {
    throw new Error('the command tree is only inspected here');
  }),
).filter((c) => !READ_ONLY.has(c) && !READ_ONLY.has(c.split(' ')[0]!));

/** The mutating commands this test proves, each with the audit action it must write. */
const MUTATING: Record<string, string> = {
  'account register': 'account.register',
  'account login': 'account.login',
  'account logout': 'account.logout',
  'account update': 'account.update',
  'account delete': 'account.delete',
  'account token create': 'token.create',
  'account token revoke': 'token.revoke',
  'password change': 'password.change',
  'company switch': 'company.switch',
  'company leave': 'company.leave',
  'member invite': 'member.invite',
  'member set-role': 'member.set_role',
  'member remove': 'member.remove',
  'member import': 'member.import',
  'member sync': 'member.sync',
  'plan create': 'plan.create',
  'plan set': 'plan.set',
  'staff grant': 'staff.grant',
  'staff revoke': 'staff.revoke',
  'staff unlock': 'staff.unlock',
  'staff signout': 'staff.signout',
  'staff contact set': 'staff.contact',
};

describe('the command tree', () => {
  it('has every command classified as read-only or proven to audit', () => {
    expect(tree.sort(), 'classify new commands in coverage.test.ts').toEqual(Object.keys(MUTATING).sort());
  });
});

/** What a step's audit entry must say, besides its action and its time. */
interface Want {
  actor: string | null;
  /** The target, or every target when the command writes an entry for each. */
  target: string | string[];
  /** The name of the company it is filed under (null: none). */
  company: string | null;
}

/**
 * The same scenario as a person would type it, through each command's run() (the code the
 * CLI's action calls) on both engines; that these commands work as real processes is each
 * command's e2e file's business.
 */
describe.each(ENGINES)('audit coverage on %s', (engine) => {
  const fx = useFixture(engine);
  let ann: TestUser, bob: TestUser, dan: TestUser;
  let bobCfg: Config;

  beforeAll(async () => {
    [ann, bob, dan] = await fx().registerAll([
      ['ann@example.com', 'Ann', 'Audit'],
      ['bob@example.com', 'Bob', 'Member'],
      ['dan@example.com', 'Dan', 'Leaver'],
    ]);
    await fx().grantSupport(ann);
    bobCfg = await fx().config('bob');
  });

  const yes = (c: Call) => confirmer(c.io, scriptedPrompter([]).prompter, true);
  const session = (cfg: Config) => ({ config: () => cfg, storeKey: () => fx().storeKey });

  /** Everything the log holds, oldest first, read through the Repo `audit list` reads. */
  const log = () => fx().read((r) => r.auditPage({}, 100_000));

  it('each mutating command writes its audit entry with actor, target, company and time', async () => {
    const seen = new Set<string>();
    let last = Math.max(0, ...(await log()).map((e) => e.id));
    /**
     * Runs one command's run() and checks the entry it added: the action, who did it (the
     * actor), to what (the target), under which company, and when (between the step's
     * start and end). `want` may be given after the run (a target only known then).
     */
    const step = async (name: string, want: Want | (() => Want), run: () => Promise<unknown>) => {
      const before = new Date().toISOString();
      await run();
      const after = new Date().toISOString();
      const w = typeof want === 'function' ? want() : want;
      const entries = await log();
      const added = entries.filter((e) => e.id > last);
      last = Math.max(last, ...entries.map((e) => e.id));
      const action = MUTATING[name]!;
      const hits = added.filter((e) => e.action === action);
      expect(hits.length, `${name} wrote no ${action} entry; new entries: ${JSON.stringify(added)}`).toBeGreaterThan(0);
      // One entry per target, each saying who, to what, under which company, and when.
      const targets = typeof w.target === 'string' ? [w.target] : w.target;
      expect(hits.map((e) => e.target).sort(), name).toEqual([...targets].sort());
      for (const hit of hits) {
        const got: Partial<AuditRow> = { actor_email: hit.actor_email, company_name: hit.company_name };
        const expected: Partial<AuditRow> = { actor_email: w.actor, company_name: w.company };
        expect(got, name).toEqual(expected);
        expect(hit.at, name).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(hit.at >= before && hit.at <= after, `${name}: ${hit.at} not in [${before}, ${after}]`).toBe(true);
      }
      seen.add(name);
    };
    const as = (who: TestUser | Config, o: { json?: boolean; stdin?: string } = {}) =>
      'token' in who ? fx().call(who, o) : fx().callAs(who, o);
    const staff = { actor: 'ann@example.com', company: null };

    await step('staff grant', { ...staff, target: bob.email }, () =>
      staffGrant({ ...as(ann).deps, email: 'bob@example.com' }),
    );
    await step('staff revoke', { ...staff, target: bob.email }, () =>
      staffRevoke({ ...as(ann).deps, email: 'bob@example.com' }),
    );
    await step('staff unlock', { ...staff, target: bob.email }, () =>
      staffUnlock({ ...as(ann).deps, email: 'bob@example.com' }),
    );
    await step('staff contact set', { ...staff, target: 'support_contact' }, () =>
      staffContactSet({ ...as(ann).deps, contact: 'billing@example.com' }),
    );
    const catCfg = await fx().config('cat');
    await step(
      'account register',
      { actor: 'cat@example.com', target: 'cat@example.com', company: 'New Company' },
      () => {
        const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n` });
        return register({
          ...c.deps,
          ...session(catCfg),
          prompter: scriptedPrompter([]).prompter,
          source: () => deviceId(catCfg.dir),
          email: 'cat@example.com',
          firstName: 'Cat',
          lastName: 'New',
          passwordStdin: true,
        });
      },
    );
    await step('account login', { actor: bob.email, target: bob.email, company: null }, () => {
      const c = fx().call(undefined, { stdin: `${TEST_PASSWORD}\n` });
      return login({
        ...c.deps,
        ...session(bobCfg),
        prompter: scriptedPrompter([]).prompter,
        source: () => deviceId(bobCfg.dir),
        email: 'bob@example.com',
        passwordStdin: true,
      });
    });
    // From here Bob acts through the session `account login` saved on his machine.
    await step('account update', { actor: bob.email, target: bob.email, company: null }, () =>
      accountUpdate({ ...as(bobCfg).deps, phone: '+1 555 0100' }),
    );
    const created = as(bobCfg, { json: true });
    const tokenId = () => String((JSON.parse(created.stdout()) as { id: number }).id);
    await step(
      'account token create',
      () => ({ actor: bob.email, target: tokenId(), company: null }),
      () => tokenCreate({ ...created.deps, name: 'ci' }),
    );
    await step(
      'account token revoke',
      () => ({ actor: bob.email, target: tokenId(), company: null }),
      () => tokenRevoke({ ...as(bobCfg).deps, id: tokenId() }),
    );
    await step('plan create', { ...staff, target: 'AUDIT5' }, () =>
      planCreate({ ...as(ann).deps, name: 'AUDIT5', maxUsers: 5, unlimited: false, custom: false }),
    );
    const company = 'Audit Company';
    await step('plan set', { actor: ann.email, target: 'AUDIT5', company }, () =>
      planSet({ ...as(ann).deps, company, plan: 'AUDIT5' }),
    );
    await step('member invite', { actor: ann.email, target: [bob.email, dan.email], company }, () =>
      memberInvite({ ...as(ann).deps, emails: ['bob@example.com', 'dan@example.com'], role: 'DESIGNER' }),
    );
    await step('member set-role', { actor: ann.email, target: bob.email, company }, () => {
      // Without --yes, piped: changing another member's role asks nothing.
      const c = as(ann);
      return memberSetRole({
        ...c.deps,
        confirm: confirmer(c.io, scriptedPrompter([]).prompter, false),
        email: 'bob@example.com',
        role: 'MANAGER',
      });
    });
    await step('company switch', { actor: bob.email, target: bob.email, company }, () =>
      companySwitch({ ...as(bobCfg).deps, company }),
    );
    await step('company leave', { actor: dan.email, target: dan.email, company }, () => {
      const c = as(dan);
      return companyLeave({ ...c.deps, confirm: yes(c), company });
    });
    await step('member remove', { actor: ann.email, target: bob.email, company }, () => {
      const c = as(ann);
      return memberRemove({ ...c.deps, confirm: yes(c), email: 'bob@example.com' });
    });
    await step('member import', { actor: ann.email, target: '-', company }, () =>
      memberImport({
        ...as(ann, { stdin: 'email,role\nzed@example.com,MANAGER\n' }).deps,
        file: '-',
        dryRun: false,
        continueOnError: false,
      }),
    );
    await step('member sync', { actor: ann.email, target: '-', company }, () => {
      const c = as(ann, { stdin: 'email,role\nzed@example.com,DESIGNER\n' });
      return memberSync({ ...c.deps, confirm: yes(c), file: '-', prune: false, dryRun: false, check: false });
    });
    await step('password change', { actor: bob.email, target: bob.email, company: null }, () => {
      const c = as(bobCfg, { stdin: `${TEST_PASSWORD}\nnew password 2\nnew password 2\n` });
      return passwordChange({
        ...c.deps,
        prompter: scriptedPrompter([]).prompter,
        passwordStdin: true,
        source: () => deviceId(bobCfg.dir),
      });
    });
    await step('account logout', { actor: bob.email, target: bob.email, company: null }, () =>
      logout({ ...as(bobCfg).deps, ...session(bobCfg), fromEnv: false }),
    );
    await step('staff signout', { ...staff, target: bob.email }, () =>
      staffSignout({ ...as(ann).deps, email: 'bob@example.com' }),
    );
    const danCfg = await fx().config('dan');
    await step('account delete', { actor: dan.email, target: dan.email, company: 'Leaver Company' }, () => {
      const c = as(dan);
      return accountDelete({ ...c.deps, ...session(danCfg), confirm: yes(c) });
    });
    expect([...seen].sort()).toEqual(Object.keys(MUTATING).sort());
  });

  it('a failed sign-in is audited too: no actor, no company, the e-mail as target (exit 3)', async () => {
    await fx().register('fay@example.com', 'Fay', 'Fail');
    const cfg = await fx().config('fay');
    const c = fx().call(undefined, { stdin: 'wrong password\n' });
    const before = new Date().toISOString();
    const e = await failure(
      login({
        ...c.deps,
        ...session(cfg),
        prompter: scriptedPrompter([]).prompter,
        source: () => deviceId(cfg.dir),
        email: 'fay@example.com',
        passwordStdin: true,
      }),
    );
    expect(e.exitCode).toBe(3);
    const [entry] = await fx().read((r) => r.auditPage({ action: 'account.login_failed' }, 1));
    expect(entry).toMatchObject({ actor_email: null, company_id: null, company_name: null, target: 'fay@example.com' });
    expect(JSON.parse(entry!.details!)).toMatchObject({ failures: 1 });
    expect(entry!.at >= before).toBe(true);
  });
});
