import type { Credential } from '../auth.js';
import type { Services } from '../services.js';
import type { RawRow } from './rows.js';
import type { PlatformError } from '../../errors.js';
import {
  BulkJob,
  type BulkTuning,
  type CompanySummary,
  type PlanChange,
  type RowFailure,
  type RunInfo,
  type SelfChange,
  type Totals,
} from './job.js';

export interface SyncPlan {
  companies: CompanySummary[];
  totals: Totals;
  /** Invitations, role changes and removals the plan makes. */
  changes: number;
  /** The plan's changes for one company (e-mail order), read a page at a time. */
  changesOf: (companyId: number) => Iterable<PlanChange>;
  errors: () => Iterable<RowFailure>;
  firstError: RowFailure | undefined;
  /** Why the plan cannot apply as a whole (the final state exceeds a plan's seats). */
  blocking: PlatformError | undefined;
  /** The most changes one sync applies on this store (in one transaction). */
  limit: number;
  /** Once applied: what was applied differs from the plan (someone changed those members in between). */
  differs?: boolean;
  /** What the plan changes of the caller's own memberships. */
  yourself: SelfChange[];
}

export interface SyncOptions {
  rows: AsyncIterable<RawRow[]>;
  fingerprint: () => string;
  source: string;
  company?: string | undefined;
  prune?: boolean | undefined;
  onProgress?: ((rows: number) => void) | undefined;
  onNote?: ((text: string) => void) | undefined;
  tuning?: BulkTuning | undefined;
  /** Aborted when the user interrupts (Ctrl-C): see JobOptions.signal. */
  signal?: AbortSignal | undefined;
}

/**
 * Makes companies match a file of `email,role[,company]` rows (docs/bulk.md): new
 * e-mails are invited, other roles updated, and with `prune` members of the file's
 * companies that it does not list are removed (never the OWNER). The plan is made from
 * reads only; `decide` sees it and says whether to apply it (after printing it, asking
 * for a confirmation…); then it is applied in one transaction in which every change is
 * checked again and seats are counted on the final state. `done` gets the run.
 */
export async function syncMembers(
  svc: Services,
  cred: Credential,
  opts: SyncOptions,
  decide: (plan: SyncPlan) => Promise<boolean>,
  /** Gets what was applied, in the plan's shape (changes decided again as they were applied). */
  done: (applied: SyncPlan, run: RunInfo | undefined) => Promise<void>,
): Promise<void> {
  const job = await BulkJob.open(svc, cred, {
    kind: 'sync',
    company: opts.company,
    prune: opts.prune,
    source: opts.source,
    onProgress: opts.onProgress,
    onNote: opts.onNote,
    tuning: opts.tuning,
    signal: opts.signal,
  });
  try {
    await job.preflight();
    await job.load(opts.rows, opts.fingerprint);
    if (opts.prune) job.requireRowsForPrune();
    await job.plan();
    const { companies, totals } = job.summary();
    const plan: SyncPlan = {
      companies,
      totals,
      changes: totals.invited + totals.updated + totals.removed,
      changesOf: (id) => job.planOf(id),
      errors: () => job.errors(),
      firstError: job.firstError(),
      blocking: job.blocking,
      limit: job.oneTransactionLimit,
      yourself: job.yourself,
    };
    if (!(await decide(plan))) return;
    const run = await job.apply();
    // What was applied: each change was decided again in the transaction, so someone who
    // changed a member meanwhile makes it differ from the plan.
    const applied = job.summary(true);
    await done(
      {
        ...plan,
        ...applied,
        changes: applied.totals.invited + applied.totals.updated + applied.totals.removed,
        changesOf: (id) => job.planOf(id, true),
        differs: job.diverged,
      },
      run,
    );
  } finally {
    job.close();
  }
}
