import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { unlockAccount } from '../../domain/staff.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface UnlockOptions extends Deps {
  email: string;
}

export async function run(o: UnlockOptions): Promise<void> {
  const r = await unlockAccount(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    r.wasLocked
      ? `Unlocked ${r.email}: failed sign-ins are forgotten and every device may sign in again.`
      : `${r.email} was not locked; its failed sign-ins, if any, are forgotten.`,
  );
}

export function newCmdUnlock(f: ContextFactory, runF = run): Command {
  return defineCommand('unlock', "Lift an account's sign-in locks and forget its failed sign-ins (SUPPORT; audited)", [
    'platformctl staff unlock ann@example.com',
    'platformctl staff unlock ann@example.com --json',
  ])
    .argument('<email>', 'e-mail of a registered user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}
