import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { describeLeave, leaveCompany } from '../../domain/companies.js';
import { CONFIRMATIONS, confirmer, type Confirm } from '../../io/confirm.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface LeaveOptions extends Deps {
  confirm: Confirm;
  company?: string | undefined;
}

export async function run(o: LeaveOptions): Promise<void> {
  const svc = await o.services();
  const target = await describeLeave(svc, o.credential(), o.company);
  await o.confirm(
    `Leave "${target.name}" (your role: ${target.role})? You will lose access to it.`,
    CONFIRMATIONS.leaveCompany,
    { kept: `Nothing was changed; you are still a member of "${target.name}".` },
  );
  const r = await leaveCompany(svc, o.credential(), { id: target.id });
  if (o.json) return printJson(o.io, r);
  success(o.io, `You left "${r.company.name}"${r.wasCurrent ? '; your main company is current again' : ''}.`);
}

export function newCmdLeave(f: ContextFactory, runF = run): Command {
  return defineCommand('leave', 'Leave a company you were invited to (asks first); the OWNER cannot leave', [
    'platformctl company leave "Acme Company"',
    'platformctl company leave 42 --yes',
  ])
    .argument('[company]', 'company id or exact name (default: the current company)')
    .action(async (company: string | undefined, _o, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({ ...depsOf(ctx), confirm: confirmer(ctx.io, ctx.prompter, ctx.yes), company });
    });
}
