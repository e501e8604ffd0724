import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { grantStaff } from '../../domain/staff.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface GrantOptions extends Deps {
  email: string;
}

export async function run(o: GrantOptions): Promise<void> {
  const r = await grantStaff(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(o.io, `${r.email} is now platform staff (SUPPORT)${r.bootstrap ? ' — the first on this store' : ''}.`);
}

export function newCmdGrant(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'grant',
    'Make a user platform staff (SUPPORT); only on a store that never had staff is the first grant open to anyone signed in',
    ['platformctl staff grant support@example.com'],
  )
    .argument('<email>', 'e-mail of a registered user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}
