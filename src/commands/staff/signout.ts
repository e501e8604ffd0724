import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { signOutEverywhere } from '../../domain/staff.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface SignoutOptions extends Deps {
  email: string;
}

export async function run(o: SignoutOptions): Promise<void> {
  const r = await signOutEverywhere(await o.services(), o.credential(), o.email);
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    `Signed ${r.email} out everywhere: ${plural(r.revoked, 'session or token', 'sessions and tokens')} revoked.` +
      (r.self ? ' That included yours: sign in again.' : ''),
  );
}

export function newCmdSignout(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'signout',
    'Sign a user out everywhere: revoke every session and API token of theirs (SUPPORT; audited)',
    ['platformctl staff signout ann@example.com', 'platformctl staff signout ann@example.com --json'],
  )
    .argument('<email>', 'e-mail of a registered user')
    .action(async (email: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), email }));
}
