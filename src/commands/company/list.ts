import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { listCompanies } from '../../domain/companies.js';
import { printJson } from '../../output/json.js';
import { printCompanyTable } from '../shared/company-table.js';

export async function run(o: Deps): Promise<void> {
  const companies = await listCompanies(await o.services(), o.credential());
  if (o.json) return printJson(o.io, companies);
  await printCompanyTable(o.io, companies);
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'List your companies with your role, status, and which is current (*) and main', [
    'platformctl company list',
    'platformctl company list --json | jq -r \'.[] | select(.status == "INVITED") | .name\'',
  ])
    .alias('ls')
    .action(async (_o, cmd: Command) => runF(depsOf(f(cmd.optsWithGlobals()))));
}
