import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { describeRemove, removeMember } from '../../domain/members.js';
import { CONFIRMATIONS, confirmer, type Confirm } from '../../io/confirm.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface RemoveOptions extends Deps {
  confirm: Confirm;
  email: string;
  company?: string | undefined;
}

export async function run(o: RemoveOptions): Promise<void> {
  const svc = await o.services();
  const t = await describeRemove(svc, o.credential(), { email: o.email, company: o.company });
  // Removing oneself cannot be undone by oneself: the question says so.
  await o.confirm(
    t.self
      ? `Remove yourself (${t.role}) from "${t.company.name}"? You will lose access to it and cannot undo this yourself.`
      : `Remove ${t.email} (${t.role}, ${t.status}) from "${t.company.name}"? They will lose access to it.`,
    CONFIRMATIONS.removeMember,
    {
      kept: t.self
        ? `Nothing was changed; you are still a member of "${t.company.name}".`
        : `Nothing was changed; ${t.email} was not removed from "${t.company.name}".`,
    },
  );
  const r = await removeMember(svc, o.credential(), { email: o.email, company: { id: t.company.id } });
  if (o.json) return printJson(o.io, r);
  success(o.io, `Removed ${r.email} from "${r.company.name}".`);
}

export function newCmdRemove(f: ContextFactory, runF = run): Command {
  return defineCommand('remove', 'Deny a member access (asks first): removes the membership or pending invitation', [
    'platformctl member remove bob@example.com',
    'platformctl member remove bob@example.com --company "Acme Company" --yes',
  ])
    .alias('rm')
    .argument('<email>', "the member's e-mail")
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .action(async (email: string, opts: { company?: string }, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({ ...depsOf(ctx), confirm: confirmer(ctx.io, ctx.prompter, ctx.yes), email, company: opts.company });
    });
}
