import type { Command } from 'commander';
import { defineCommand, depsOf, intOption, type ContextFactory, type Deps } from '../command.js';
import { streamMembers, type MemberView } from '../../domain/members.js';
import { PlatformError } from '../../errors.js';
import { JsonArrayWriter } from '../../output/json.js';
import { TableWriter, widest } from '../../output/table.js';
import { ROLES, STATUSES } from '../../domain/roles.js';
import { CsvWriter } from '../../output/csv.js';
import { palette } from '../../output/color.js';
import { emptyNote, flagsText, moreNote, TERMINAL_LIMIT } from '../../output/paging.js';
import type { RowWriter } from '../../output/row-writer.js';

export interface ListOptions extends Deps {
  company?: string | undefined;
  role?: string | undefined;
  status?: string | undefined;
  csv: boolean;
  limit?: number | undefined;
  after?: string | undefined;
  all: boolean;
}

function writerFor(o: ListOptions): RowWriter<MemberView> {
  if (o.json) return new JsonArrayWriter(o.io);
  if (o.csv)
    return new CsvWriter(o.io, ['email', 'firstName', 'lastName', 'role', 'status'], (m: MemberView) => [
      m.email,
      m.firstName,
      m.lastName,
      m.role,
      m.status,
    ]);
  const c = palette(o.io.colorOut);
  const grey = (t: string, m: MemberView) => (m.status === 'ACTIVE' ? t : c.gray(t));
  return new TableWriter<MemberView>(o.io, [
    { header: 'EMAIL', value: (m) => m.email, style: grey, fit: 'keep' },
    {
      header: 'NAME',
      value: (m) => (m.firstName === null ? '' : `${m.firstName} ${m.lastName}`),
      style: grey,
      drop: 1,
    },
    { header: 'ROLE', value: (m) => m.role, style: grey, fit: 'keep', width: widest(ROLES) },
    { header: 'STATUS', value: (m) => m.status, style: grey, fit: 'keep', width: widest(STATUSES), drop: 2 },
  ]);
}

export async function run(o: ListOptions): Promise<void> {
  if (o.all && o.limit !== undefined) throw new PlatformError('USAGE', '--all and --limit cannot be used together.');
  if (o.json && o.csv) throw new PlatformError('USAGE', '--json and --csv cannot be used together.');
  // A person at a terminal gets a screenful and how to see the rest; scripts get everything.
  const table = !o.json && !o.csv;
  const limit = o.limit ?? (table && o.io.isStdoutTTY && !o.all ? TERMINAL_LIMIT : undefined);
  const out = writerFor(o);
  const r = await streamMembers(await o.services(), o.credential(), {
    company: o.company,
    role: o.role,
    status: o.status,
    after: o.after,
    limit,
    countMore: table,
    onPage: (rows) => out.write(rows),
  });
  await out.end();
  if (!table) return;
  moreNote(o.io, r, { noun: ['member', 'members'], next: '--after' });
  const match = flagsText([
    ['--role', o.role?.trim().toUpperCase()],
    ['--status', o.status?.trim().toUpperCase()],
  ]);
  emptyNote(
    o.io,
    r.shown,
    `No ${o.after === undefined ? '' : 'more '}members${match ? ` match ${match}` : ''}` +
      `${o.after === undefined ? '' : ` after ${o.after.trim()}`} in "${r.company.name}".`,
  );
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'list',
    `List members with role and status (ACTIVE, INVITED, PENDING): the OWNER first, then by e-mail. ` +
      `On a terminal the first ${TERMINAL_LIMIT} are shown, with how to see the rest; ` +
      `piped, --json and --csv list everyone`,
    [
      'platformctl member list',
      'platformctl member list --company "Acme Company" --role ADMINISTRATOR',
      'platformctl member list --after bob@example.com      # the next page',
      "platformctl member list | column -t -s $'\\t' | less -S   # piped: everyone, tab-separated",
      'platformctl member list --status PENDING --csv > pending.csv',
      "platformctl member list --json | jq -r '.[].email'",
    ],
  )
    .alias('ls')
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .option('--role <role>', 'only this role: OWNER, ADMINISTRATOR, MANAGER or DESIGNER')
    .option('--status <status>', 'only this status: ACTIVE, INVITED or PENDING')
    .option('--csv', 'print CSV with a header (cells safe to open in a spreadsheet)')
    .option(
      '--limit <n>',
      `at most n members (default: ${TERMINAL_LIMIT} on a terminal, all when piped or with --json/--csv)`,
      intOption,
    )
    .option('--after <email>', 'continue after this member (the last one a limited list showed)')
    .option('--all', 'every member, also on a terminal')
    .action(
      async (
        opts: {
          company?: string;
          role?: string;
          status?: string;
          csv?: boolean;
          limit?: number;
          after?: string;
          all?: boolean;
        },
        cmd: Command,
      ) =>
        runF({
          ...depsOf(f(cmd.optsWithGlobals())),
          company: opts.company,
          role: opts.role,
          status: opts.status,
          csv: Boolean(opts.csv),
          limit: opts.limit,
          after: opts.after,
          all: Boolean(opts.all),
        }),
    );
}
