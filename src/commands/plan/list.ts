import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { listPlans } from '../../domain/plans.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import { emptyNote } from '../../output/paging.js';

export async function run(o: Deps): Promise<void> {
  const plans = await listPlans(await o.services(), o.credential());
  if (o.json) return printJson(o.io, plans);
  await printTable(o.io, plans, [
    { header: 'NAME', value: (p) => p.name, fit: 'keep' },
    { header: 'MAX USERS', value: (p) => p.maxUsers ?? 'unlimited', fit: 'keep' },
    { header: 'CUSTOM', value: (p) => (p.custom ? 'custom' : ''), fit: 'keep', drop: 2 },
    { header: 'DEFAULT', value: (p) => (p.default ? 'default' : ''), fit: 'keep', drop: 1 },
  ]);
  emptyNote(o.io, plans.length, 'No plans in the catalogue.');
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'List the plan catalogue', ['platformctl plan list', 'platformctl plan list --json'])
    .alias('ls')
    .action(async (_o, cmd: Command) => runF(depsOf(f(cmd.optsWithGlobals()))));
}
