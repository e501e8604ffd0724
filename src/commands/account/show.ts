import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { show } from '../../domain/accounts.js';
import { printJson } from '../../output/json.js';
import { accountJson, printAccount } from './shared/account-panel.js';

export type ShowOptions = Deps;

export async function run(o: ShowOptions): Promise<void> {
  const v = await show(await o.services(), o.credential());
  if (o.json) return printJson(o.io, accountJson(v));
  await printAccount(o.io, v);
}

export function newCmdShow(f: ContextFactory, runF = run): Command {
  return defineCommand('show', 'Show your account: name, e-mail, phone, current company, role, plan and companies', [
    'platformctl account show',
    'platformctl account whoami --json | jq -r .user.email',
  ])
    .alias('whoami')
    .action(async (_o, cmd: Command) => runF(depsOf(f(cmd.optsWithGlobals()))));
}
