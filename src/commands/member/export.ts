import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { streamMembers, type MemberView } from '../../domain/members.js';
import { formatFor } from '../../domain/bulk/rows.js';
import { CsvWriter } from '../../output/csv.js';
import { JsonLinesWriter } from '../../output/json.js';
import type { RowWriter } from '../../output/row-writer.js';

export interface ExportOptions extends Deps {
  company?: string | undefined;
  format?: string | undefined;
}

interface ExportRow {
  email: string;
  role: string;
  company: number;
}

export async function run(o: ExportOptions): Promise<void> {
  const format = formatFor(undefined, o.format ?? 'csv');
  // --json does not change the data format: the rows are the data.
  const out: RowWriter<ExportRow> =
    format === 'csv'
      ? new CsvWriter(o.io, ['email', 'role', 'company'], (r: ExportRow) => [r.email, r.role, r.company])
      : new JsonLinesWriter(o.io);
  const toRow = (m: MemberView, company: { id: number }): ExportRow => ({
    email: m.email,
    role: m.role,
    company: company.id,
  });
  // The same stream as `member list` (the OWNER first, then by e-mail, a page at a time),
  // so any company exports in constant memory, on sqld too.
  await streamMembers(await o.services(), o.credential(), {
    company: o.company,
    withoutNames: true,
    onPage: (rows, company) => out.write(rows.map((m) => toRow(m, company))),
  });
  await out.end();
}

export function newCmdExport(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'export',
    'Print members and pending invitations as the rows `member import` reads (email,role,company): every row, the OWNER first, then by e-mail',
    [
      'platformctl member export > members.csv',
      'platformctl member export --company "Acme Company" --format jsonl > members.jsonl',
      'platformctl member export --company 12 | platformctl member import - --company 34',
    ],
  )
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .option(
      '--format <format>',
      'csv (default; cells that a spreadsheet would run as a formula start with a quote, which import removes) or jsonl',
    )
    .action(async (opts: { company?: string; format?: string }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), company: opts.company, format: opts.format }),
    );
}
