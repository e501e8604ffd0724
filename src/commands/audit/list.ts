import type { Command } from 'commander';
import { defineCommand, depsOf, intOption, type ContextFactory, type Deps } from '../command.js';
import { AUDIT_ACTIONS, streamAudit, type AuditEntry } from '../../domain/audit.js';
import { PlatformError } from '../../errors.js';
import { printable } from '../../text.js';
import { JsonArrayWriter, JsonLinesWriter } from '../../output/json.js';
import { localTime, TableWriter } from '../../output/table.js';
import { CsvWriter } from '../../output/csv.js';
import { emptyNote, flagsText, moreNote, TERMINAL_LIMIT } from '../../output/paging.js';
import type { RowWriter } from '../../output/row-writer.js';

export interface ListOptions extends Deps {
  company?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  action?: string | undefined;
  run?: number | undefined;
  before?: number | undefined;
  limit?: number | undefined;
  all: boolean;
  format?: string | undefined;
  /** --csv: the same as --format csv (as `member list --csv`). */
  csv?: boolean | undefined;
}

const companyText = (e: AuditEntry) => (e.company ? (e.company.name ?? String(e.company.id)) : '—');

/** Details for a person: key=value pairs (strings as they are, anything else as JSON). */
function humanDetails(d: Record<string, unknown> | null): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

const CSV_HEADER = ['id', 'at', 'actor', 'company_id', 'company_name', 'action', 'target', 'details', 'run'];

function writerFor(o: ListOptions, format: 'table' | 'json' | 'jsonl' | 'csv'): RowWriter<AuditEntry> {
  if (format === 'json') return new JsonArrayWriter(o.io);
  if (format === 'jsonl') return new JsonLinesWriter(o.io);
  if (format === 'csv')
    return new CsvWriter(o.io, CSV_HEADER, (e: AuditEntry) => [
      e.id,
      e.at,
      e.actor,
      e.company?.id,
      e.company?.name,
      e.action,
      e.target,
      e.details ? JSON.stringify(e.details) : null,
      e.run,
    ]);
  return new TableWriter<AuditEntry>(o.io, [
    { header: 'TIME', value: (e) => e.at, human: (e) => localTime(e.at), fit: 'keep' },
    { header: 'ACTOR', value: (e) => e.actor ?? '—', fit: 'keep' },
    { header: 'COMPANY', value: companyText, drop: 1 },
    { header: 'ACTION', value: (e) => e.action, fit: 'keep' },
    { header: 'TARGET', value: (e) => e.target ?? '' },
    {
      header: 'DETAILS',
      value: (e) => (e.details ? JSON.stringify(e.details) : ''),
      human: (e) => humanDetails(e.details),
      drop: 2,
    },
    // Last, so scripts reading the columns by position keep working; `--before ID` takes it.
    { header: 'ID', value: (e) => e.id, fit: 'keep' },
  ]);
}

function formatOf(o: ListOptions): 'table' | 'json' | 'jsonl' | 'csv' {
  if (o.csv) {
    if (o.json) throw new PlatformError('USAGE', '--json and --csv cannot be used together.');
    if (o.format !== undefined && o.format.trim().toLowerCase() !== 'csv')
      throw new PlatformError('USAGE', '--csv and --format cannot be used together.');
    return 'csv';
  }
  if (o.format === undefined) return o.json ? 'json' : 'table';
  if (o.json) throw new PlatformError('USAGE', '--json and --format cannot be used together.');
  const f = o.format.trim().toLowerCase();
  if (f === 'csv' || f === 'jsonl') return f;
  throw new PlatformError('USAGE', `Unknown format "${printable(o.format)}": use csv or jsonl.`);
}

export async function run(o: ListOptions): Promise<void> {
  if (o.all && o.limit !== undefined) throw new PlatformError('USAGE', '--all and --limit cannot be used together.');
  const format = formatOf(o);
  // A person at a terminal gets the latest entries and how to see older ones; scripts
  // (piped, --json, --format) get everything that matches.
  const table = format === 'table';
  const limit = o.limit ?? (table && o.io.isStdoutTTY && !o.all ? TERMINAL_LIMIT : undefined);
  const out = writerFor(o, format);
  const r = await streamAudit(await o.services(), o.credential(), {
    company: o.company,
    actor: o.actor,
    since: o.since,
    until: o.until,
    action: o.action,
    run: o.run,
    before: o.before,
    limit,
    countMore: table,
    onPage: (entries) => out.write(entries),
  });
  await out.end();
  if (!table) return;
  moreNote(o.io, r, { noun: ['entry', 'entries'], next: '--before' });
  const match = flagsText([
    ['--actor', o.actor],
    ['--action', o.action],
    ['--since', o.since],
    ['--until', o.until],
    ['--run', o.run],
    ['--before', o.before],
  ]);
  emptyNote(
    o.io,
    r.shown,
    `No audit entries${match ? ` match ${match}` : ''}${r.company ? ` in "${r.company.name}"` : ''}.`,
  );
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'list',
    `Who did what, when: newest first (OWNER/ADMINISTRATOR: their company; SUPPORT: all). ` +
      `On a terminal the latest ${TERMINAL_LIMIT} are shown, with how to see older ones; ` +
      `piped, --json and --format list every match`,
    [
      'platformctl audit list',
      'platformctl audit list --company "Acme Company" --since 2026-11-01 --limit 20',
      'platformctl audit list --actor bob@example.com --action member --json',
      'platformctl audit list --before 1234      # older entries than id 1234',
      'platformctl audit list --run 42           # the changes of one member import / sync',
      'platformctl audit list --since 2026-01-01 --until 2027-01-01 --format csv > audit-2026.csv',
    ],
  )
    .alias('ls')
    .option('--company <company>', 'company id or exact name (default: the current company; SUPPORT: all)')
    .option('--actor <email>', 'only entries by this user')
    .option('--since <iso>', 'only entries at or after this ISO date/time')
    .option('--until <iso>', 'only entries before this ISO date/time')
    .option(
      '--action <action>',
      `only this action or group of actions (member, member.import.*); actions: ${AUDIT_ACTIONS.join(', ')}`,
    )
    .option('--run <id>', 'only the changes of this member import / sync run', intOption)
    .option(
      '--limit <n>',
      `at most n entries (default: ${TERMINAL_LIMIT} on a terminal, all when piped or with --json/--format)`,
      intOption,
    )
    .option(
      '--before <id>',
      'continue with the entries older than this id (the last one a limited list showed)',
      intOption,
    )
    .option('--all', 'every matching entry, also on a terminal')
    .option('--format <format>', 'csv or jsonl, streamed (for exports; the default is a table, or --json)')
    .option('--csv', 'the same as --format csv (as in member list)')
    .action(
      async (
        opts: {
          company?: string;
          actor?: string;
          since?: string;
          until?: string;
          action?: string;
          run?: number;
          before?: number;
          limit?: number;
          all?: boolean;
          format?: string;
          csv?: boolean;
        },
        cmd: Command,
      ) =>
        runF({
          ...depsOf(f(cmd.optsWithGlobals())),
          ...opts,
          all: Boolean(opts.all),
        }),
    );
}
