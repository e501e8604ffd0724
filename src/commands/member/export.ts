import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { exportMembers, type ExportRow } from '../../domain/bulk/export.js';
import { formatFor } from '../../domain/bulk/rows.js';

export interface ExportOptions extends Deps {
  company?: string | undefined;
  format?: string | undefined;
}

const COLUMNS = ['email', 'role', 'company'] as const;
const PLAIN = /^[^",\r\n]*$/;

export async function run(o: ExportOptions): Promise<void> {
  const format = formatFor(undefined, o.format ?? 'csv');
  const svc = await o.services();
  let writePage: (rows: ExportRow[]) => void;
  if (format === 'csv') {
    const { stringify } = await import('csv-stringify/sync');
    // The header goes out with the first page, so a refused export prints nothing on stdout.
    let header = COLUMNS.join(',') + '\n';
    writePage = (rows) => {
      // Fields without a comma, quote or line break need no quoting (RFC 4180), and
      // stored e-mails and roles never have one: writing those rows directly halves the
      // export's time at 100,000 rows. Anything else goes through csv-stringify.
      let text = header;
      for (const r of rows) {
        text +=
          PLAIN.test(r.email) && PLAIN.test(r.role)
            ? `${r.email},${r.role},${r.company}\n`
            : stringify([[r.email, r.role, r.company]], { record_delimiter: 'unix' });
      }
      o.io.out.write(text);
      header = '';
    };
  } else {
    writePage = (rows) =>
      o.io.out.write(
        rows.map((r) => JSON.stringify({ email: r.email, role: r.role, company: r.company })).join('\n') + '\n',
      );
  }
  // --json does not change the data format: the rows are the data.
  await exportMembers(svc, o.credential(), { company: o.company, onPage: writePage });
}

export function newCmdExport(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'export',
    'Print members and pending invitations as the rows `member import` reads (email,role,company)',
    [
      'platformctl member export > members.csv',
      'platformctl member export --company "Acme Company" --format jsonl > members.jsonl',
    ],
  )
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .option('--format <format>', 'csv (default) or jsonl')
    .action(async (opts: { company?: string; format?: string }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), company: opts.company, format: opts.format }),
    );
}
