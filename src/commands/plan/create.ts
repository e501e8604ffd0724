import type { Command } from 'commander';
import { defineCommand, depsOf, intOption, type ContextFactory, type Deps } from '../command.js';
import { createPlan } from '../../domain/plans.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface CreateOptions extends Deps {
  name: string;
  maxUsers?: number | undefined;
  unlimited: boolean;
  custom: boolean;
}

export async function run(o: CreateOptions): Promise<void> {
  const p = await createPlan(await o.services(), o.credential(), {
    name: o.name,
    maxUsers: o.maxUsers,
    unlimited: o.unlimited,
    custom: o.custom,
  });
  if (o.json) return printJson(o.io, p);
  success(o.io, `Created plan ${p.name} (${p.maxUsers ?? 'unlimited'} users${p.custom ? ', custom' : ''}).`);
}

export function newCmdCreate(f: ContextFactory, runF = run): Command {
  return defineCommand('create', 'Create a plan with a user cap or unlimited (SUPPORT only)', [
    'platformctl plan create STARTUP --max-users 25',
    'platformctl plan create ACME-DEAL --unlimited --custom',
  ])
    .argument('<name>', 'plan name: letters, digits, - and _')
    .option('--max-users <n>', 'most users (members + invitations, owner included)', intOption)
    .option('--unlimited', 'no user cap')
    .option('--custom', 'a custom (negotiated) plan')
    .action(async (name: string, opts: { maxUsers?: number; unlimited?: boolean; custom?: boolean }, cmd: Command) =>
      runF({
        ...depsOf(f(cmd.optsWithGlobals())),
        name,
        maxUsers: opts.maxUsers,
        unlimited: Boolean(opts.unlimited),
        custom: Boolean(opts.custom),
      }),
    );
}
