import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { describeSetRole, setRole } from '../../domain/members.js';
import { CONFIRMATIONS, confirmer, type Confirm } from '../../io/confirm.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface SetRoleOptions extends Deps {
  confirm: Confirm;
  email: string;
  role: string;
  company?: string | undefined;
}

export async function run(o: SetRoleOptions): Promise<void> {
  const svc = await o.services();
  const d = await describeSetRole(svc, o.credential(), { email: o.email, role: o.role, company: o.company });
  // Demoting oneself below ADMINISTRATOR cannot be undone by oneself: asked like a removal.
  if (d.losesManagement)
    await o.confirm(
      `Change your own role in "${d.company.name}" from ${d.previousRole} to ${d.role}? ` +
        'You will no longer manage its members and cannot undo this yourself.',
      CONFIRMATIONS.demoteSelf,
      { kept: `Nothing was changed; you are still ${d.previousRole} in "${d.company.name}".` },
    );
  const r = await setRole(svc, o.credential(), { email: o.email, role: o.role, company: { id: d.company.id } });
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    r.changed
      ? `${r.email} is now ${r.role} in "${r.company.name}" (was ${r.previousRole}).`
      : `${r.email} is already ${r.role} in "${r.company.name}".`,
  );
}

export function newCmdSetRole(f: ContextFactory, runF = run): Command {
  return defineCommand('set-role', 'Change the role of a member (never the OWNER); demoting yourself asks first', [
    'platformctl member set-role bob@example.com --role ADMINISTRATOR',
    'platformctl member set-role bob@example.com --role designer --company 42',
  ])
    .argument('<email>', "the member's e-mail")
    .requiredOption('--role <role>', 'ADMINISTRATOR, MANAGER or DESIGNER')
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .action(async (email: string, opts: { role: string; company?: string }, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({
        ...depsOf(ctx),
        confirm: confirmer(ctx.io, ctx.prompter, ctx.yes),
        email,
        role: opts.role,
        company: opts.company,
      });
    });
}
