import type { Command } from 'commander';
import { defineCommand, depsOf, intOption, type ContextFactory, type Deps } from '../command.js';
import { listAudit } from '../../domain/audit.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';

export interface ListOptions extends Deps {
  company?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  limit?: number | undefined;
}

export async function run(o: ListOptions): Promise<void> {
  const entries = await listAudit(await o.services(), o.credential(), {
    company: o.company,
    actor: o.actor,
    since: o.since,
    limit: o.limit,
  });
  if (o.json) return printJson(o.io, entries);
  await printTable(o.io, entries, [
    { header: 'TIME', value: (e) => e.at },
    { header: 'ACTOR', value: (e) => e.actor ?? '—' },
    { header: 'COMPANY', value: (e) => (e.company ? (e.company.name ?? String(e.company.id)) : '—') },
    { header: 'ACTION', value: (e) => e.action },
    { header: 'TARGET', value: (e) => e.target ?? '' },
    { header: 'DETAILS', value: (e) => (e.details ? JSON.stringify(e.details) : '') },
  ]);
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'Who did what, when: newest first (OWNER/ADMINISTRATOR: their company; SUPPORT: all)', [
    'platformctl audit list',
    'platformctl audit list --company "Acme Company" --since 2026-11-01 --limit 20',
    'platformctl audit list --actor bob@example.com --json',
  ])
    .alias('ls')
    .option('--company <company>', 'company id or exact name (default: the current company; SUPPORT: all)')
    .option('--actor <email>', 'only entries by this user')
    .option('--since <iso>', 'only entries at or after this ISO date/time')
    .option('--limit <n>', 'at most this many entries (default 50)', intOption)
    .action(async (opts: { company?: string; actor?: string; since?: string; limit?: number }, cmd: Command) =>
      runF({
        ...depsOf(f(cmd.optsWithGlobals())),
        company: opts.company,
        actor: opts.actor,
        since: opts.since,
        limit: opts.limit,
      }),
    );
}
