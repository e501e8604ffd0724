import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { setPlan } from '../../domain/plans.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface SetOptions extends Deps {
  company: string;
  plan: string;
}

export async function run(o: SetOptions): Promise<void> {
  const r = await setPlan(await o.services(), o.credential(), o.company, o.plan);
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    `"${r.company.name}" moved from ${r.previous} to ${r.plan.name} (${r.users}/${r.plan.maxUsers ?? 'unlimited'} users).`,
  );
}

export function newCmdSet(f: ContextFactory, runF = run): Command {
  return defineCommand('set', 'Move a company to another plan (SUPPORT only)', [
    'platformctl plan set "Acme Company" BUSINESS',
    'platformctl plan set 42 ENTERPRISE',
  ])
    .argument('<company>', 'company id or exact name')
    .argument('<plan>', 'plan name, see `plan list`')
    .action(async (company: string, plan: string, _o, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), company, plan }),
    );
}
