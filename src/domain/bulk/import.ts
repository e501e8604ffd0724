import type { Credential } from '../auth.js';
import type { Services } from '../services.js';
import type { RawRow } from './rows.js';
import {
  BulkJob,
  type BulkTuning,
  type CompanySummary,
  type RowFailure,
  type RunInfo,
  selfChangeNote,
  stoppedRunOf,
} from './job.js';

export type { CompanySummary } from './job.js';

export interface ImportReport {
  invited: number;
  updated: number;
  unchanged: number;
  failed: number;
  /**
   * True when the import was carried out (false for a dry run or a refused file); also
   * when it found nothing to change, or every row failed under continueOnError.
   */
  applied: boolean;
  dryRun: boolean;
  companies: CompanySummary[];
  /** The run that wrote the changes (none when nothing changed). */
  run: RunInfo | undefined;
  /** Every failed row in line order, read a page at a time from the work file. */
  errors: () => Iterable<RowFailure>;
  firstError: RowFailure | undefined;
}

export interface ImportOptions {
  /** Batches of rows, in file order (any batch size). */
  rows: AsyncIterable<RawRow[]>;
  /** The input's fingerprint once it has been read whole (finds interrupted runs of it). */
  fingerprint: () => string;
  /** File name, or '-'. */
  source: string;
  /** Company of rows without a company cell; rebinds a file whose rows name one company. */
  company?: string | undefined;
  dryRun?: boolean | undefined;
  continueOnError?: boolean | undefined;
  onProgress?: ((rows: number) => void) | undefined;
  onNote?: ((text: string) => void) | undefined;
  tuning?: BulkTuning | undefined;
  /** Aborted when the user interrupts (Ctrl-C): see JobOptions.signal. */
  signal?: AbortSignal | undefined;
}

/**
 * Upserts memberships from rows (docs/bulk.md): a new e-mail is invited (INVITED if
 * registered, PENDING otherwise), a different role is updated, the same role is left
 * unchanged. The whole input is read and checked before anything is written; without
 * continueOnError any bad row means nothing is written; dryRun never writes. `use`
 * gets the report while its error list can still be read.
 */
export async function importMembers(
  svc: Services,
  cred: Credential,
  opts: ImportOptions,
  use: (report: ImportReport) => Promise<void>,
): Promise<void> {
  const job = await BulkJob.open(svc, cred, {
    kind: 'import',
    company: opts.company,
    continueOnError: opts.continueOnError,
    source: opts.source,
    onProgress: opts.onProgress,
    onNote: opts.onNote,
    tuning: opts.tuning,
    signal: opts.signal,
  });
  try {
    await job.preflight();
    await job.load(opts.rows, opts.fingerprint);
    await job.plan();
    const planned = job.summary();
    const base = { errors: () => job.errors(), firstError: job.firstError(), companies: planned.companies };
    const { invited, updated, unchanged, failed } = planned.totals;
    // A row that changes the caller's own role is said before it is applied (or would be).
    const sayYourself = (would: boolean) => job.yourself.forEach((y) => opts.onNote?.(selfChangeNote(y, would)));
    const blocked = job.selfBlock();
    if (opts.dryRun) {
      sayYourself(true);
      if (blocked) opts.onNote?.(`A real run would be refused: ${blocked.message}`);
      await use({ ...base, invited, updated, unchanged, failed, applied: false, dryRun: true, run: undefined });
      return;
    }
    // Refused: nothing is imported, so every company's counts are nothing but its failures.
    const refused: ImportReport = {
      ...base,
      companies: planned.companies.map((c) => ({ ...c, invited: 0, updated: 0, removed: 0, unchanged: 0 })),
      invited: 0,
      updated: 0,
      unchanged: 0,
      failed,
      applied: false,
      dryRun: false,
      run: undefined,
    };
    if (failed > 0 && !opts.continueOnError) {
      await use(refused);
      return;
    }
    if (blocked) {
      // Refused whole, as a file with bad lines is: the report (--json still gets its
      // document), then the error.
      await use(refused);
      throw blocked;
    }
    sayYourself(false);
    let run: RunInfo | undefined;
    try {
      run = await job.apply();
    } catch (e) {
      // A chunked run that stopped part way: what it applied is reported as a finished run
      // is (its run 'failed', the rows up to the last line it reached), then the error.
      const stopped = stoppedRunOf(e);
      if (stopped)
        await use({
          ...stopped.totals,
          errors: function* () {
            for (const f of job.errors()) {
              if (f.line > stopped.lastLine) break;
              yield f;
            }
            if (stopped.stoppedBy) yield stopped.stoppedBy;
          },
          firstError: job.firstError() ?? stopped.stoppedBy,
          companies: stopped.companies,
          applied: true,
          dryRun: false,
          run: stopped.run,
        });
      throw e;
    }
    const done = job.summary(true);
    await use({
      ...done.totals,
      errors: () => job.errors(),
      firstError: job.firstError(),
      companies: done.companies,
      applied: true,
      dryRun: false,
      run,
    });
  } finally {
    job.close();
  }
}
