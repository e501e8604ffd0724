import { describe, expect, it } from 'vitest';
import { Command, Option } from 'commander';
import { buildProgram } from '../../src/main.js';
import type { Context, GlobalOptions } from '../../src/context.js';
import { bufferIO } from '../helpers/io.js';
import type { ContextFactory } from '../../src/commands/command.js';
import { newCmdRegister } from '../../src/commands/account/register.js';
import { newCmdLogin } from '../../src/commands/account/login.js';
import { newCmdUpdate } from '../../src/commands/account/update.js';
import { newCmdCreate as newCmdTokenCreate } from '../../src/commands/account/token/create.js';
import { newCmdRevoke as newCmdTokenRevoke } from '../../src/commands/account/token/revoke.js';
import { newCmdChange } from '../../src/commands/password/change.js';
import { newCmdShow as newCmdCompanyShow } from '../../src/commands/company/show.js';
import { newCmdSwitch } from '../../src/commands/company/switch.js';
import { newCmdLeave } from '../../src/commands/company/leave.js';
import { newCmdList as newCmdMemberList } from '../../src/commands/member/list.js';
import { newCmdInvite } from '../../src/commands/member/invite.js';
import { newCmdSetRole } from '../../src/commands/member/set-role.js';
import { newCmdRemove } from '../../src/commands/member/remove.js';
import { newCmdShow as newCmdBillingShow } from '../../src/commands/billing/show.js';
import { newCmdSet } from '../../src/commands/plan/set.js';
import { newCmdCreate } from '../../src/commands/plan/create.js';
import { newCmdGrant } from '../../src/commands/staff/grant.js';
import { newCmdRevoke } from '../../src/commands/staff/revoke.js';
import { newCmdList as newCmdAuditList } from '../../src/commands/audit/list.js';
import { newCmdBackup } from '../../src/commands/store/backup.js';

/** A context whose every dependency fails if touched: argv parsing must not need them. */
function fakeFactory(seen: GlobalOptions[]): ContextFactory {
  return (globals) => {
    seen.push(globals);
    const boom = () => {
      throw new Error('argv parsing must not open the store or read the config');
    };
    const { io } = bufferIO();
    return {
      io,
      prompter: { password: boom, choose: boom, input: boom },
      processEnv: {},
      json: Boolean(globals.json),
      yes: Boolean(globals.yes),
      config: boom,
      location: boom,
      store: boom,
      services: boom,
      credential: boom,
      now: () => new Date(0),
      close: async () => {},
    } satisfies Context;
  };
}

/** The program's own global flags, on a bare root: commands read them through optsWithGlobals(). */
function rootWithGlobals(): Command {
  const program = buildProgram(() => {
    throw new Error('unused');
  });
  const root = new Command('platformctl');
  for (const o of program.options) root.addOption(new Option(o.flags, o.description));
  return root;
}

/**
 * Parses `globals… <command> argv…` and returns the Options the command handed to run;
 * also checks that the command built its context exactly once, from the global flags.
 */
async function parse(
  build: (f: ContextFactory, run: (o: any) => Promise<void>) => Command,
  argv: string[],
  globals: string[] = [],
) {
  let captured: any;
  const seen: GlobalOptions[] = [];
  const cmd = build(fakeFactory(seen), async (o) => {
    captured = o;
  });
  const root = rootWithGlobals().addCommand(cmd);
  for (const c of [root, cmd]) {
    c.exitOverride();
    c.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  }
  await root.parseAsync([...globals, cmd.name(), ...argv], { from: 'user' });
  expect(seen, 'the context is built once per command').toHaveLength(1);
  expect(seen[0]).toMatchObject(globalsOf(globals));
  return captured;
}

/** What the context factory must receive for these global flags. */
function globalsOf(globals: string[]): GlobalOptions {
  const g: GlobalOptions = {};
  for (let i = 0; i < globals.length; i++) {
    const a = globals[i]!;
    if (a === '--json') g.json = true;
    else if (a === '--yes' || a === '-y') g.yes = true;
    else if (a === '--no-color') g.color = false;
    else if (a === '--store') g.store = globals[++i];
    else if (a === '--config-dir') g.configDir = globals[++i];
    else throw new Error(`globalsOf: unknown flag ${a}`);
  }
  return g;
}

describe('argv → options', () => {
  it('account register', async () => {
    const o = await parse(newCmdRegister, [
      '--email',
      'a@b.co',
      '--first-name',
      'Ann',
      '--last-name',
      'Lee',
      '--phone',
      '+1 5',
      '--password-stdin',
    ]);
    expect(o).toMatchObject({
      email: 'a@b.co',
      firstName: 'Ann',
      lastName: 'Lee',
      phone: '+1 5',
      passwordStdin: true,
      json: false,
    });
  });
  it('account register and login leave out what was not given (run() asks for it on a terminal)', async () => {
    expect(await parse(newCmdRegister, ['--first-name', 'A'])).toMatchObject({
      email: undefined,
      firstName: 'A',
      lastName: undefined,
    });
    expect(await parse(newCmdLogin, [])).toMatchObject({ email: undefined, passwordStdin: false });
  });
  it('account login', async () => {
    expect(await parse(newCmdLogin, ['--email', 'a@b.co'])).toMatchObject({ email: 'a@b.co', passwordStdin: false });
  });
  it('global flags reach the context: --json, --yes (confirm answers yes without asking), --store, --config-dir', async () => {
    const globals = ['--json', '--yes', '--store', 'x.db', '--config-dir', '/tmp/cfg'];
    const leave = await parse(newCmdLeave, ['Acme'], globals);
    expect(leave.json).toBe(true);
    // The fake prompter throws if asked: --yes must answer without it.
    await leave.confirm('Leave?', { yes: 'YES, LEAVE IT', no: "NO, IT'S MISTAKE" });
    const remove = await parse(newCmdRemove, ['a@b.co'], ['-y']);
    await remove.confirm('Remove?', { yes: 'YES, REMOVE', no: "NO, IT'S MISTAKE" });
  });
  it('account update passes only the given fields', async () => {
    const o = await parse(newCmdUpdate, ['--phone', '', '--company-name', 'X Co']);
    expect(o).toMatchObject({ phone: '', companyName: 'X Co', firstName: undefined, lastName: undefined });
  });
  it('account token create/revoke', async () => {
    expect(await parse(newCmdTokenCreate, ['--name', 'ci', '--expires-in', '30'])).toMatchObject({
      name: 'ci',
      expiresIn: 30,
    });
    expect(await parse(newCmdTokenRevoke, ['7'])).toMatchObject({ id: '7' });
  });
  it('password change', async () => {
    expect(await parse(newCmdChange, ['--password-stdin'])).toMatchObject({ passwordStdin: true });
  });
  it('company show/switch/leave take an optional or required COMPANY', async () => {
    expect(await parse(newCmdCompanyShow, [])).toMatchObject({ company: undefined });
    expect(await parse(newCmdCompanyShow, ['Acme Company'])).toMatchObject({ company: 'Acme Company' });
    expect(await parse(newCmdSwitch, ['42'])).toMatchObject({ company: '42' });
    await expect(parse(newCmdSwitch, [])).rejects.toThrow(/missing required argument/);
    const leave = await parse(newCmdLeave, ['Acme']);
    expect(leave.company).toBe('Acme');
    expect(typeof leave.confirm).toBe('function');
  });
  it('member list filters', async () => {
    expect(
      await parse(newCmdMemberList, ['--company', 'C', '--role', 'manager', '--status', 'pending', '--csv']),
    ).toMatchObject({ company: 'C', role: 'manager', status: 'pending', csv: true });
  });
  it('member invite takes many e-mails and requires --role', async () => {
    expect(await parse(newCmdInvite, ['a@b.co', 'c@d.co', '--role', 'DESIGNER', '--company', '7'])).toMatchObject({
      emails: ['a@b.co', 'c@d.co'],
      role: 'DESIGNER',
      company: '7',
    });
    await expect(parse(newCmdInvite, ['a@b.co'])).rejects.toThrow(/--role/);
  });
  it('member set-role / remove', async () => {
    expect(await parse(newCmdSetRole, ['a@b.co', '--role', 'ADMINISTRATOR'])).toMatchObject({
      email: 'a@b.co',
      role: 'ADMINISTRATOR',
    });
    expect(await parse(newCmdRemove, ['a@b.co', '--company', 'X'])).toMatchObject({ email: 'a@b.co', company: 'X' });
  });
  it('billing show / plan set / plan create', async () => {
    expect(await parse(newCmdBillingShow, ['--company', 'X'])).toMatchObject({ company: 'X' });
    expect(await parse(newCmdSet, ['Acme', 'TEAM'])).toMatchObject({ company: 'Acme', plan: 'TEAM' });
    expect(await parse(newCmdCreate, ['BIG', '--max-users', '100'])).toMatchObject({
      name: 'BIG',
      maxUsers: 100,
      unlimited: false,
      custom: false,
    });
    expect(await parse(newCmdCreate, ['DEAL', '--unlimited', '--custom'])).toMatchObject({
      name: 'DEAL',
      maxUsers: undefined,
      unlimited: true,
      custom: true,
    });
    expect((await parse(newCmdCreate, ['X', '--max-users', 'ten'])).maxUsers).toBeNaN();
  });
  it('staff grant / revoke', async () => {
    expect(await parse(newCmdGrant, ['s@b.co'])).toMatchObject({ email: 's@b.co' });
    expect(await parse(newCmdRevoke, ['s@b.co'])).toMatchObject({ email: 's@b.co' });
  });
  it('audit list', async () => {
    expect(
      await parse(newCmdAuditList, ['--company', 'C', '--actor', 'a@b.co', '--since', '2026-01-01', '--limit', '5']),
    ).toMatchObject({ company: 'C', actor: 'a@b.co', since: '2026-01-01', limit: 5 });
  });
  it('store backup', async () => {
    expect(await parse(newCmdBackup, ['/tmp/x.db'])).toMatchObject({ path: '/tmp/x.db' });
  });
});
