import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { revokeStaff } from '../../domain/staff.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface RevokeOptions extends Deps {
  email: string;
}

export async function run(o: RevokeOptions): Promise<void> {
  const r = await revokeStaff(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(o.io, `${r.email} is no longer platform staff.`);
}

export function newCmdRevoke(f: ContextFactory, runF = run): Command {
  return defineCommand('revoke', 'Take the SUPPORT role away (never from the last SUPPORT user: grant another first)', [
    'platformctl staff revoke former@example.com',
  ])
    .argument('<email>', 'e-mail of a SUPPORT user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}
