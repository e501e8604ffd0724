import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { importMembers, type ImportReport } from '../../domain/bulk/import.js';
import { fingerprinted, formatFor, readRows } from '../../domain/bulk/rows.js';
import { PlatformError } from '../../errors.js';
import type { BulkTuning } from '../../domain/bulk/job.js';
import { printFields } from '../../output/table.js';
import { success, warn } from '../../output/messages.js';
import { bulkTuning, openBulkInput, readingBar } from './shared/bulk-input.js';
import { printErrors, printJsonStreamed } from './shared/bulk-output.js';
import { watchInterrupts } from './shared/interrupt.js';

export interface ImportOptions extends Deps {
  /** Overrides of the bulk engine's limits (PLATFORMCTL_BULK_*). */
  tuning?: BulkTuning | undefined;
  /** A file path, or "-" for standard input. */
  file: string;
  company?: string | undefined;
  format?: string | undefined;
  dryRun: boolean;
  continueOnError: boolean;
}

export async function run(o: ImportOptions): Promise<void> {
  const format = formatFor(o.file === '-' ? undefined : o.file, o.format);
  const svc = await o.services();
  const input = openBulkInput(o.io, o.file, 'import');
  const bar = await readingBar(o.io, input);
  // Ends a standard input that never ends; the job itself notices the signal.
  const interrupts = watchInterrupts(o.io, () => input.stream.destroy(new Error('interrupted')));
  // The company --company names joins the fingerprint by its id once resolved (BulkJob.plan).
  const tapped = fingerprinted(
    input.stream,
    JSON.stringify({ kind: 'import', format, company: o.company !== undefined }),
  );
  try {
    await importMembers(
      svc,
      o.credential(),
      {
        rows: readRows(tapped.stream, format),
        fingerprint: () => {
          bar?.stop();
          return tapped.digest();
        },
        source: o.file,
        company: o.company,
        dryRun: o.dryRun,
        continueOnError: o.continueOnError,
        onProgress: bar?.update,
        onNote: (t) => warn(o.io, t),
        tuning: o.tuning,
        signal: interrupts.signal,
      },
      async (report) => {
        // A chunked run that stopped: --json still gets its document (what was applied, the
        // run and its id); a terminal gets the error alone, which says the same in words.
        if (report.run && report.run.status !== 'done') {
          if (o.json) await print(o, report);
          return;
        }
        await print(o, report);
        const first = report.firstError;
        if (first && !o.continueOnError) {
          // Rows you may not change are not "bad": --continue-on-error would only skip them.
          const advice =
            first.code === 'PERMISSION_DENIED'
              ? 'Only an OWNER or ADMINISTRATOR of a company (or SUPPORT) can import into it: ask one of them, or leave those rows out.'
              : 'Fix them, or pass --continue-on-error to import the good rows.';
          throw new PlatformError(
            first.code,
            `${o.dryRun ? 'Dry run: the import would fail' : 'Nothing was imported'}: ` +
              `${plural(report.failed, 'bad line')}; the first is line ${first.line}: ${first.message} ${advice}`,
          );
        }
      },
    );
    interrupts.noteIfLate();
  } finally {
    interrupts.dispose();
    bar?.stop();
    input.stream.destroy();
  }
}

async function print(o: ImportOptions, r: ImportReport): Promise<void> {
  if (o.json) {
    const { invited, updated, unchanged, failed, applied, dryRun, companies, run } = r;
    return printJsonStreamed(
      o.io,
      { invited, updated, unchanged, failed, errors: [], applied, dryRun, companies, run: run ?? null },
      { errors: r.errors() },
    );
  }
  printFields(o.io, [
    ['Invited', r.invited],
    ['Updated', r.updated],
    ['Unchanged', r.unchanged],
    ['Failed', r.failed],
  ]);
  if (r.failed) {
    o.io.out.write('\n');
    await printErrors(o.io, r.errors());
  }
  const n = (x: number) => x.toLocaleString('en');
  const counts = `${n(r.invited)} invited, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged`;
  if (r.dryRun)
    warn(o.io, `Dry run: nothing was written (would be ${counts}${r.failed ? `, ${n(r.failed)} failed` : ''}).`);
  else if (r.applied && r.invited + r.updated + r.unchanged === 0 && r.failed > 0)
    warn(o.io, `Nothing was imported: ${plural(r.failed, 'line')} failed, none was good (--continue-on-error).`);
  else if (r.applied) {
    const where = r.companies.length > 1 ? ` in ${r.companies.length} companies` : '';
    const how = r.run
      ? ` (run ${r.run.id}${r.run.mode === 'chunked' ? `, ${plural(r.run.chunks, 'chunk')}` : ''})`
      : '';
    success(o.io, `Imported: ${counts}${where}${how}.`);
    if (r.failed) warn(o.io, `${plural(r.failed, 'bad line was', 'bad lines were')} skipped (--continue-on-error).`);
  }
}

export function newCmdImport(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'import',
    'Upsert memberships in bulk from CSV (email,role[,company]) or JSON Lines; all or nothing by default',
    [
      'platformctl member import members.csv',
      'platformctl member import members.csv --dry-run',
      'platformctl member export --company 12 | platformctl member import - --company 34   # copy members: --company rebinds the file',
      'cat people.jsonl | platformctl member import - --format jsonl --continue-on-error',
    ],
  )
    .argument('<file>', 'a CSV file with a header line, a .jsonl file, or - for standard input')
    .option(
      '--company <company>',
      'company id or exact name: rows without a company cell go there, and a file whose rows name one company is rebound to it (default: the current company)',
    )
    .option('--format <format>', 'csv or jsonl (default: by file extension; csv for standard input)')
    .option('--dry-run', 'report what would change and write nothing')
    .option('--continue-on-error', 'apply the good rows and report the bad ones (exit 0 when the run completes)')
    .action(
      async (
        file: string,
        opts: { company?: string; format?: string; dryRun?: boolean; continueOnError?: boolean },
        cmd: Command,
      ) => {
        const ctx = f(cmd.optsWithGlobals());
        await runF({
          ...depsOf(ctx),
          tuning: bulkTuning(ctx.processEnv),
          file,
          company: opts.company,
          format: opts.format,
          dryRun: Boolean(opts.dryRun),
          continueOnError: Boolean(opts.continueOnError),
        });
      },
    );
}
