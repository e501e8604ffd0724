import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { setRole } from '../../domain/members.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface SetRoleOptions extends Deps {
  email: string;
  role: string;
  company?: string | undefined;
}

export async function run(o: SetRoleOptions): Promise<void> {
  const r = await setRole(await o.services(), o.credential(), { email: o.email, role: o.role, company: o.company });
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    r.changed
      ? `${r.email} is now ${r.role} in "${r.company.name}" (was ${r.previousRole}).`
      : `${r.email} already is ${r.role} in "${r.company.name}".`,
  );
}

export function newCmdSetRole(f: ContextFactory, runF = run): Command {
  return defineCommand('set-role', 'Change the role of a member (never the OWNER)', [
    'platformctl member set-role bob@example.com --role ADMINISTRATOR',
    'platformctl member set-role bob@example.com --role designer --company 42',
  ])
    .argument('<email>', "the member's e-mail")
    .requiredOption('--role <role>', 'ADMINISTRATOR, MANAGER or DESIGNER')
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .action(async (email: string, opts: { role: string; company?: string }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), email, role: opts.role, company: opts.company }),
    );
}
