import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/main.js';
import { engines, PASSWORD, useStore, type Engine } from './harness.js';

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
    expect(tree.sort(), 'classify new commands in audit-coverage.test.ts').toEqual(Object.keys(MUTATING).sort());
  });
});

describe.each(engines())('audit coverage on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  // About thirty CLI runs, four of them scrypt sign-ins: more than the default minute on a
  // loaded two-core machine.
  it('each mutating command writes its audit entry with actor, target and time', async () => {
    const t = await fresh();
    const [ann, bob, dan] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Audit'),
      t.seed('bob@example.com', 'Bob', 'Member'),
      t.seed('dan@example.com', 'Dan', 'Leaver'),
    ]);
    expect((await ann.run(['staff', 'grant', 'ann@example.com'])).exitCode).toBe(0);
    const seen = new Set<string>();
    let last = 0;
    /** Runs one command and returns the audit entries it added (read as SUPPORT). */
    const step = async (name: string, run: () => Promise<{ exitCode: number; stderr: string }>) => {
      const r = await run();
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
      // The log is read in-process through the program's Repo (what `audit list` reads),
      // sparing a CLI start-up per step; audit.test.ts covers `audit list` itself.
      const entries = await t.query((r) => r.auditPage({}, 100_000));
      const fresh = entries.filter((e) => e.id > last);
      last = Math.max(last, ...entries.map((e) => e.id));
      const want = MUTATING[name]!;
      const hit = fresh.find((e) => e.action === want);
      expect(hit, `${name} wrote no ${want} entry; new entries: ${JSON.stringify(fresh)}`).toBeDefined();
      expect(hit!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      seen.add(name);
    };
    await step('staff grant', () => ann.run(['staff', 'grant', 'bob@example.com']));
    await step('staff revoke', () => ann.run(['staff', 'revoke', 'bob@example.com']));
    await step('staff unlock', () => ann.run(['staff', 'unlock', 'bob@example.com']));
    await step('staff contact set', () => ann.run(['staff', 'contact', 'set', 'billing@example.com']));
    await step('account register', async () => {
      await t.register('cat@example.com', 'Cat', 'New');
      return { exitCode: 0, stderr: '' };
    });
    await step('account login', () =>
      bob.run(['account', 'login', '--email', 'bob@example.com', '--password-stdin'], { input: PASSWORD + '\n' }),
    );
    await step('account update', () => bob.run(['account', 'update', '--phone', '+1 555 0100']));
    await step('account token create', () => bob.run(['account', 'token', 'create', '--name', 'ci']));
    const tokens = await bob.json(['account', 'token', 'list']);
    await step('account token revoke', () => bob.run(['account', 'token', 'revoke', String(tokens[0].id)]));
    await step('plan create', () => ann.run(['plan', 'create', 'AUDIT5', '--max-users', '5']));
    await step('plan set', () => ann.run(['plan', 'set', 'Audit Company', 'AUDIT5']));
    await step('member invite', () =>
      ann.run(['member', 'invite', 'bob@example.com', 'dan@example.com', '--role', 'DESIGNER']),
    );
    await step('member set-role', () => ann.run(['member', 'set-role', 'bob@example.com', '--role', 'MANAGER']));
    await step('company switch', () => bob.run(['company', 'switch', 'Audit Company']));
    await step('company leave', () => dan.run(['--yes', 'company', 'leave', 'Audit Company']));
    await step('member remove', () => ann.run(['--yes', 'member', 'remove', 'bob@example.com']));
    await step('member import', () =>
      ann.run(['member', 'import', '-'], { input: 'email,role\nzed@example.com,MANAGER\n' }),
    );
    await step('member sync', () =>
      ann.run(['member', 'sync', '-'], { input: 'email,role\nzed@example.com,DESIGNER\n' }),
    );
    await step('password change', () =>
      bob.run(['password', 'change', '--password-stdin'], { input: `${PASSWORD}\nnew password 2\nnew password 2\n` }),
    );
    await step('account logout', () => bob.run(['account', 'logout']));
    await step('staff signout', () => ann.run(['staff', 'signout', 'bob@example.com']));
    await step('account delete', () => dan.run(['--yes', 'account', 'delete']));
    expect([...seen].sort()).toEqual(Object.keys(MUTATING).sort());
  }, 150_000);
});
