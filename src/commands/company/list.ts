import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { listCompanies, type CompanyListItem } from '../../domain/companies.js';
import type { IOStreams } from '../../io/streams.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import { palette } from '../../output/color.js';

/** Companies as a table; INVITED ones (not yet switched to) are grey on a terminal. */
export async function printCompanyTable(io: IOStreams, companies: CompanyListItem[]): Promise<void> {
  const c = palette(io.colorOut);
  const grey = (t: string, r: CompanyListItem) => (r.status === 'INVITED' ? c.gray(t) : t);
  await printTable(io, companies, [
    { header: '', value: (r) => (r.current ? '*' : ''), style: (t) => c.green(t) },
    { header: 'ID', value: (r) => r.id, style: grey },
    {
      header: 'NAME',
      value: (r) => r.name,
      style: (t, r) => (r.status === 'INVITED' ? c.gray(t) : r.current ? c.bold(t) : t),
    },
    { header: 'ROLE', value: (r) => r.role, style: grey },
    { header: 'STATUS', value: (r) => r.status, style: grey },
    { header: 'MAIN', value: (r) => (r.main ? 'main' : ''), style: grey },
  ]);
}

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
