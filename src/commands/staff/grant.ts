import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { grantStaff, revokeStaff } from '../../domain/staff.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface StaffOptions extends Deps {
  email: string;
}

export async function runGrant(o: StaffOptions): Promise<void> {
  const r = await grantStaff(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(o.io, `${r.email} is now platform staff (SUPPORT)${r.bootstrap ? ' — the first on this store' : ''}.`);
}

export async function runRevoke(o: StaffOptions): Promise<void> {
  const r = await revokeStaff(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(o.io, `${r.email} is no longer platform staff.`);
}

export function newCmdGrant(f: ContextFactory, runF = runGrant): Command {
  return defineCommand(
    'grant',
    'Make a user platform staff (SUPPORT); the first grant on a store is open to any signed-in user',
    ['platformctl staff grant support@example.com'],
  )
    .argument('<email>', 'e-mail of a registered user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}

export function newCmdRevoke(f: ContextFactory, runF = runRevoke): Command {
  return defineCommand('revoke', 'Take the SUPPORT role away (never from the last SUPPORT user)', [
    'platformctl staff revoke former@example.com',
  ])
    .argument('<email>', 'e-mail of a SUPPORT user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}
