import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { listMembers, type MemberView } from '../../domain/members.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import { palette } from '../../output/color.js';
import { toCsv } from '../../output/csv.js';

export interface ListOptions extends Deps {
  company?: string | undefined;
  role?: string | undefined;
  status?: string | undefined;
  csv: boolean;
}

export async function run(o: ListOptions): Promise<void> {
  const { members } = await listMembers(await o.services(), o.credential(), {
    company: o.company,
    role: o.role,
    status: o.status,
  });
  if (o.json) return printJson(o.io, members);
  if (o.csv) {
    o.io.out.write(
      await toCsv(
        ['email', 'firstName', 'lastName', 'role', 'status'],
        members.map((m) => [m.email, m.firstName, m.lastName, m.role, m.status]),
      ),
    );
    return;
  }
  const c = palette(o.io.colorOut);
  const grey = (t: string, m: MemberView) => (m.status === 'ACTIVE' ? t : c.gray(t));
  await printTable(o.io, members, [
    { header: 'EMAIL', value: (m) => m.email, style: grey },
    { header: 'NAME', value: (m) => (m.firstName === null ? '' : `${m.firstName} ${m.lastName}`), style: grey },
    { header: 'ROLE', value: (m) => m.role, style: grey },
    { header: 'STATUS', value: (m) => m.status, style: grey },
  ]);
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'List members with role and status (ACTIVE, INVITED, PENDING)', [
    'platformctl member list',
    'platformctl member list --company "Acme Company" --role ADMINISTRATOR',
    'platformctl member list --status PENDING --csv > pending.csv',
  ])
    .alias('ls')
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .option('--role <role>', 'only this role: OWNER, ADMINISTRATOR, MANAGER or DESIGNER')
    .option('--status <status>', 'only this status: ACTIVE, INVITED or PENDING')
    .option('--csv', 'print CSV with a header')
    .action(async (opts: { company?: string; role?: string; status?: string; csv?: boolean }, cmd: Command) =>
      runF({
        ...depsOf(f(cmd.optsWithGlobals())),
        company: opts.company,
        role: opts.role,
        status: opts.status,
        csv: Boolean(opts.csv),
      }),
    );
}
