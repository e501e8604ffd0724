import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { billing } from '../../domain/plans.js';
import { printJson } from '../../output/json.js';
import { printFields } from '../../output/table.js';
import { printable } from '../../text.js';

export interface ShowOptions extends Deps {
  company?: string | undefined;
}

export async function run(o: ShowOptions): Promise<void> {
  const b = await billing(await o.services(), o.credential(), o.company);
  if (o.json) return printJson(o.io, b);
  const custom = b.plan.custom && b.plan.maxUsers === null;
  printFields(o.io, [
    ['Company', `${b.company.name} (id ${b.company.id})`],
    ['Plan', custom ? `${b.plan.name} (custom)` : b.plan.name],
    ['Users', `${b.users} / ${b.plan.maxUsers ?? 'unlimited'}`],
  ]);
  // Whom to contact is what staff set (`staff contact set`); never a list of staff accounts.
  o.io.err.write(
    b.supportContact
      ? `To change the plan, contact support: ${printable(b.supportContact)}\n`
      : "To change the plan, ask the platform's support.\n",
  );
}

export function newCmdShow(f: ContextFactory, runF = run): Command {
  return defineCommand('show', 'Show the billing plan, users used / allowed, and whom to contact to change it', [
    'platformctl billing show',
    'platformctl billing show --company 42 --json',
  ])
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .action(async (opts: { company?: string }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), company: opts.company }),
    );
}
