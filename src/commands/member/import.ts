import type { Command } from 'commander';
import { createReadStream, openSync, fstatSync } from 'node:fs';
import { Readable } from 'node:stream';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { importMembers, type ImportReport } from '../../domain/bulk/import.js';
import { formatFor, readRows } from '../../domain/bulk/rows.js';
import { PlatformError } from '../../errors.js';
import { printable } from '../../text.js';
import { printJson } from '../../output/json.js';
import { printFields, printTable } from '../../output/table.js';
import { success, warn } from '../../output/messages.js';

export interface ImportOptions extends Deps {
  /** A file path, or "-" for standard input. */
  file: string;
  company?: string | undefined;
  format?: string | undefined;
  dryRun: boolean;
  continueOnError: boolean;
}

/** Inputs at least this large get a progress bar (on a terminal). */
const PROGRESS_MIN_BYTES = 1 << 20;

interface Input {
  stream: Readable;
  size: number | undefined;
  bytesRead: () => number;
}

function openInput(o: ImportOptions): Input {
  if (o.file === '-') {
    if (o.io.isStdinTTY)
      throw new PlatformError(
        'USAGE',
        'member import - reads the rows from standard input, which is a terminal: pipe a file into it, or name the file.',
      );
    const stdin = o.io.stdin;
    return { stream: stdin instanceof Readable ? stdin : Readable.from(stdin), size: undefined, bytesRead: () => 0 };
  }
  let fd: number;
  try {
    fd = openSync(o.file, 'r');
  } catch (e) {
    throw new PlatformError(
      'INVALID_INPUT',
      `Cannot read ${printable(o.file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
    );
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new PlatformError('INVALID_INPUT', `${printable(o.file)} is a directory, not a file.`);
  const stream = createReadStream('', { fd, highWaterMark: 256 * 1024 });
  return { stream, size: stat.isFile() ? stat.size : undefined, bytesRead: () => stream.bytesRead };
}

async function progressBar(o: ImportOptions, input: Input) {
  if (!o.io.isStderrTTY || input.size === undefined || input.size < PROGRESS_MIN_BYTES) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    {
      stream: o.io.errStream,
      format: 'Importing [{bar}] {percentage}% | {rows} rows',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(input.size, 0, { rows: 0 });
  return {
    update: (rows: number) => bar.update(input.bytesRead(), { rows }),
    stop: () => bar.stop(),
  };
}

export async function run(o: ImportOptions): Promise<void> {
  const format = formatFor(o.file === '-' ? undefined : o.file, o.format);
  const svc = await o.services();
  const input = openInput(o);
  const bar = await progressBar(o, input);
  let report: ImportReport;
  try {
    report = await importMembers(svc, o.credential(), {
      rows: readRows(input.stream, format),
      company: o.company,
      dryRun: o.dryRun,
      continueOnError: o.continueOnError,
      onProgress: bar?.update,
    });
  } finally {
    bar?.stop();
    input.stream.destroy();
  }
  await print(o, report);
  const first = report.errors[0];
  if (first && !o.continueOnError) {
    throw new PlatformError(
      first.code,
      `${o.dryRun ? 'Dry run: the import would fail' : 'Nothing was imported'}: ${report.failed} bad line(s); the first is line ${first.line}: ${first.message} Fix them, or pass --continue-on-error to import the good rows.`,
    );
  }
}

async function print(o: ImportOptions, r: ImportReport): Promise<void> {
  if (o.json) {
    const { invited, updated, unchanged, failed, errors, applied, dryRun, companies } = r;
    return printJson(o.io, { invited, updated, unchanged, failed, errors, applied, dryRun, companies });
  }
  printFields(o.io, [
    ['Invited', r.invited],
    ['Updated', r.updated],
    ['Unchanged', r.unchanged],
    ['Failed', r.failed],
  ]);
  if (r.errors.length) {
    o.io.out.write('\n');
    await printTable(o.io, r.errors, [
      { header: 'LINE', value: (e) => e.line },
      { header: 'EMAIL', value: (e) => e.email ?? '' },
      { header: 'CODE', value: (e) => e.code },
      { header: 'MESSAGE', value: (e) => e.message },
    ]);
  }
  const counts = `${r.invited} invited, ${r.updated} updated, ${r.unchanged} unchanged`;
  if (r.dryRun)
    warn(o.io, `Dry run: nothing was written (would be ${counts}${r.failed ? `, ${r.failed} failed` : ''}).`);
  else if (r.applied) {
    success(o.io, `Imported: ${counts}${r.companies.length > 1 ? ` in ${r.companies.length} companies` : ''}.`);
    if (r.failed) warn(o.io, `${r.failed} bad line(s) were skipped (--continue-on-error).`);
  }
}

export function newCmdImport(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'import',
    'Upsert memberships in bulk from CSV (email,role[,company]) or JSON Lines; all or nothing by default',
    [
      'platformctl member import members.csv',
      'platformctl member import members.csv --dry-run',
      'platformctl member export --company 12 | platformctl member import - --company 34',
      'cat people.jsonl | platformctl member import - --format jsonl --continue-on-error',
    ],
  )
    .argument('<file>', 'a CSV file with a header line, a .jsonl file, or - for standard input')
    .option(
      '--company <company>',
      'company id or exact name for rows without a company column (default: the current company)',
    )
    .option('--format <format>', 'csv or jsonl (default: by file extension; csv for standard input)')
    .option('--dry-run', 'report what would change and write nothing')
    .option('--continue-on-error', 'apply the good rows and report the bad ones (exit 0 when the run completes)')
    .action(
      async (
        file: string,
        opts: { company?: string; format?: string; dryRun?: boolean; continueOnError?: boolean },
        cmd: Command,
      ) =>
        runF({
          ...depsOf(f(cmd.optsWithGlobals())),
          file,
          company: opts.company,
          format: opts.format,
          dryRun: Boolean(opts.dryRun),
          continueOnError: Boolean(opts.continueOnError),
        }),
    );
}
