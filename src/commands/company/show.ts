import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { showCompany } from '../../domain/companies.js';
import { printJson } from '../../output/json.js';
import { printFields } from '../../output/table.js';

export interface ShowOptions extends Deps {
  company?: string | undefined;
}

export async function run(o: ShowOptions): Promise<void> {
  const c = await showCompany(await o.services(), o.credential(), o.company);
  if (o.json) return printJson(o.io, c);
  printFields(o.io, [
    ['Company', `${c.name} (id ${c.id})`],
    ['Owner', `${c.owner.firstName} ${c.owner.lastName} <${c.owner.email}>`],
    ['Plan', c.plan.custom && c.plan.maxUsers === null ? `${c.plan.name} (custom)` : c.plan.name],
    ['Users', `${c.users} / ${c.maxUsers ?? 'unlimited'}`],
    ['Your role', c.role ?? 'none (staff)'],
    ...(c.status ? ([['Status', c.status]] as [string, string][]) : []),
  ]);
}

export function newCmdShow(f: ContextFactory, runF = run): Command {
  return defineCommand('show', 'Show a company: name, owner, plan, users used / allowed, your role', [
    'platformctl company show',
    'platformctl company show "Smith Company"',
    'platformctl company show 42 --json',
  ])
    .argument('[company]', 'company id or exact name (default: the current company)')
    .action(async (company: string | undefined, _o, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), company }),
    );
}
