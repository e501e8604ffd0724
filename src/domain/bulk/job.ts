import { createHash } from 'node:crypto';
import type { CompanyRow, PlanRow, Repo } from '../../store/repo.js';
import type { EngineName } from '../../store/types.js';
import {
  WorkFile,
  type CompanyCounts,
  type ChangeRow,
  type PlanEntry,
  type RangeCounts,
  type Removal,
  type RowError,
  type Work,
  type WorkRow,
} from '../../store/work-file.js';
import { MemoryWork, budgetBytes } from '../../store/work-memory.js';
import { type ErrorCode, PlatformError, cancelled, invalid, notFound } from '../../errors.js';
import { printable } from '../../text.js';
import { parseRowRole } from '../roles.js';
import { seatLimitError } from '../members.js';
import { type Actor, type Credential, actorRef, authenticate } from '../auth.js';
import { type Services, iso, read, write } from '../services.js';
import { companyToManage, enterCompany, requireManager, resolveCompany } from '../access.js';
import * as v from '../validation.js';
import { CHUNK_SIZE, type RawRow } from './rows.js';

/**
 * The engine of `member import` and `member sync` (docs/bulk.md):
 *  1. read: every input row is validated and spooled to a private work file, before the
 *     store is written or even read beyond the caller's identity;
 *  2. plan: company cells are resolved and rights checked, then the rows are compared with
 *     the store a page at a time in read transactions (no write lock);
 *  3. apply: the planned changes are re-checked against the store and written in one
 *     transaction, or, when there are more than one transaction may hold on this engine,
 *     in short chunked transactions under a recorded run, with pauses that let other
 *     writers in.
 */

/** Limits and pacing per engine (measured: docs/bulk.md, scripts/bench-scale.mjs). */
export const ENGINE_LIMITS: Record<
  EngineName,
  {
    oneTransaction: number;
    chunkTargetMs: number;
    pauseMs: number;
    firstChunk: number;
    minChunk: number;
    maxChunk: number;
  }
> = {
  // better-sqlite3 applies ~40,000 changes (rows, their audit entries, indexes) in
  // ~0.3 s; waiting writers of this program retry every few ms (src/store/local.ts).
  local: {
    oneTransaction: 20_000,
    chunkTargetMs: 60,
    pauseMs: 40,
    firstChunk: 2_000,
    minChunk: 1_000,
    maxChunk: 20_000,
  },
  // Each statement is a round trip (~4.4 ms); sqld ends a transaction held ~5 s while
  // another writer waits, and hands the lock to a waiting writer as soon as it is free.
  libsql: {
    oneTransaction: 10_000,
    chunkTargetMs: 200,
    pauseMs: 25,
    firstChunk: 2_000,
    minChunk: 1_000,
    maxChunk: 20_000,
  },
};

/** Different company cells one file may name. */
const MAX_COMPANIES = 1000;
/** A company cell longer than this names no company (none has such a name or id). */
const MAX_REF = 1000;

export interface RowFailure {
  line: number;
  email: string | null;
  code: ErrorCode;
  message: string;
}

export interface CompanySummary {
  id: number;
  name: string;
  invited: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
}

/**
 * A planned change to the caller's own membership: a role change (a row naming them) or,
 * with --prune, their removal. Said before it is applied: an ADMINISTRATOR cannot undo it
 * themselves (docs/rules.md).
 */
export interface SelfChange {
  company: string;
  change: 'role' | 'remove';
  /** Their role now. */
  from: string;
  /** The role the row gives them (a role change). */
  to?: string | undefined;
  /** The row (a role change). */
  line?: number | undefined;
  /**
   * The change takes away the caller's right to manage the company's members: an
   * ADMINISTRATOR removed or given another role, who is not platform staff (staff keep it).
   */
  losesRights: boolean;
}

/** What a SelfChange does, for the caller to read before it is applied (`would`: a dry run). */
export function selfChangeNote(y: SelfChange, would: boolean): string {
  const company = `"${printable(y.company)}"`;
  // The words of member remove / set-role's own questions (docs/rules.md); platform staff
  // keep their access and rights whatever their membership.
  if (y.change === 'remove')
    return (
      `${would ? 'This would remove' : 'This removes'} you (${y.from}) from ${company}` +
      (y.losesRights ? ': you will lose access to it and cannot undo this yourself.' : '.')
    );
  return (
    `Line ${y.line} ${would ? 'would change' : 'changes'} your own role in ${company} from ${y.from} to ${y.to}` +
    (y.losesRights ? ': you will no longer manage its members and cannot undo this yourself.' : '.')
  );
}

export interface Totals {
  invited: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
}

/** One line of a plan. */
export type PlanChange =
  | { change: 'invite'; email: string; role: string }
  | { change: 'update'; email: string; role: string; from: string }
  | { change: 'remove'; email: string; role: string };

/**
 * What a chunked run that stopped had applied, carried by its error (`stoppedRun`): the
 * rows up to the last line it reached, per company and in all.
 */
export interface StoppedRun {
  run: RunInfo;
  lastLine: number;
  /** The row whose failure stopped it (without --continue-on-error): one of `failed`. */
  stoppedBy: RowFailure | undefined;
  totals: Totals;
  companies: CompanySummary[];
}

/** The report of a chunked run that stopped, when `e` is that run's error. */
export function stoppedRunOf(e: unknown): StoppedRun | undefined {
  return e instanceof PlatformError ? (STOPPED.get(e) ?? undefined) : undefined;
}
const STOPPED = new WeakMap<PlatformError, StoppedRun>();

export interface RunInfo {
  id: number;
  /** 'single': one transaction, all or nothing; 'chunked': committed in chunks under the run record. */
  mode: 'single' | 'chunked';
  /** 'running' only for a run that stopped and could not say so in its record (the store was gone). */
  status: 'done' | 'failed' | 'running';
  chunks: number;
  /** Interrupted runs of the same input (and options) that this run finished. */
  finished: number[];
  /** Its write transactions (ms), from asking for the lock to the end of the commit. */
  txMs: { p50: number; max: number; total: number };
}

const txStats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: r(s[Math.floor(s.length / 2)] ?? 0),
    max: r(s[s.length - 1] ?? 0),
    total: r(s.reduce((a, b) => a + b, 0)),
  };
};

interface CompanyInfo {
  company: CompanyRow;
  plan: PlanRow;
  used: number;
}

export interface JobOptions {
  kind: 'import' | 'sync';
  /** `--company`: a file naming at most one company is rebound to it (docs/bulk.md). */
  company?: string | undefined;
  continueOnError?: boolean | undefined;
  prune?: boolean | undefined;
  /** File name, or '-' for standard input. */
  source: string;
  /** Called with the number of rows read so far, now and then. */
  onProgress?: ((rows: number) => void) | undefined;
  /** Called with a note for the user (on stderr). */
  onNote?: ((text: string) => void) | undefined;
  /** Overrides of the engine's limits (PLATFORMCTL_BULK_* variables: tests and tuning). */
  tuning?: BulkTuning | undefined;
  /**
   * Aborted when the user interrupts (Ctrl-C, SIGTERM): the job stops at its next safe
   * point (between chunks; a single transaction is rolled back) and throws CANCELLED.
   */
  signal?: AbortSignal | undefined;
}

/** Overrides of ENGINE_LIMITS: the one-transaction size, a fixed chunk size, the pause between chunks. */
export interface BulkTuning {
  oneTransaction?: number | undefined;
  chunkRows?: number | undefined;
  pauseMs?: number | undefined;
  /** MiB of input rows kept in memory before they move to a work file (0: a work file from the start). */
  memoryMb?: number | undefined;
}

const text = (x: unknown): string | undefined =>
  typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;

const short = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** A row's failure; a store failure (exit 7) is the whole run's, never one row's. */
function failure(e: unknown): { code: ErrorCode; message: string } {
  if (e instanceof PlatformError && e.exitCode !== 7) return { code: e.code, message: e.message };
  throw e;
}

/** Validates one input row as read (no store needed). */
function validate(row: RawRow): WorkRow {
  const ref = text(row.company)?.trim() ?? '';
  const bad = (email: string | null, e: unknown): WorkRow => ({
    line: row.line,
    email,
    role: null,
    ref,
    ...failure(e),
  });
  if (row.error) return bad(null, row.error);
  const rawEmail = text(row.email);
  let email: string;
  try {
    if (rawEmail === undefined || rawEmail.trim() === '') throw invalid('Missing e-mail address.');
    email = v.email(rawEmail);
  } catch (e) {
    return bad(rawEmail?.trim().slice(0, 320) || null, e);
  }
  try {
    const rawRole = text(row.role);
    if (rawRole === undefined || rawRole.trim() === '') throw invalid('Missing role.');
    return { line: row.line, email, role: parseRowRole(rawRole), ref, code: null, message: null };
  } catch (e) {
    return bad(email, e);
  }
}

/**
 * How long a run of the same input marked running must not have moved its record to be
 * taken for interrupted: longer than a chunk and its pause, with room for a lock wait.
 */
const RECENT_MS = 5_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    if (signal?.aborted) return r();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      r();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Thrown inside a write transaction when the user interrupts: the transaction rolls back. */
class Interrupted extends Error {}

/**
 * Thrown inside a chunk's transaction when the run's own record was taken over by a later
 * run of the same input (this one was paused long enough to look interrupted).
 */
class TakenOver extends Error {
  constructor(readonly record: { status: string; error: string | null } | undefined) {
    super('taken over');
  }
}

export class BulkJob {
  private readonly companies = new Map<number, CompanyInfo>();
  private planned: { companies: CompanySummary[]; totals: Totals } | undefined;
  private rowsRead = 0;
  private sha256 = '';
  /** Runs of the same input still marked running when this one planned (interrupted, or going on). */
  private interrupted: { id: number; updated_at: string }[] = [];
  /** The interrupted runs this one finished (RunInfo.finished), known once its last transaction ran. */
  private finishedRuns: number[] = [];
  /** What was applied differs from the plan somewhere (someone changed members in between). */
  diverged = false;
  /** --company rebound rows that named another company: their OWNER rows mean nothing here. */
  private rebound = false;
  /** The caller, once planning has signed them in. */
  private actorId: number | undefined;
  /** The caller is platform staff (SUPPORT): their rights do not depend on their memberships. */
  private support = false;
  /** Planned changes to the caller's own memberships (SelfChange). */
  readonly yourself: SelfChange[] = [];
  /**
   * The rows applying does not count itself (planned unchanged, failed), per company, in
   * the lines the run's committed transactions reached (up to reachedLine): what a
   * run's record says it came to, also when it stops midway.
   */
  private reached = new Map<number | null, RangeCounts>();
  private reachedLine = 0;
  /** Set when planning found a reason the whole run cannot apply (sync: seats of the final state). */
  blocking: PlatformError | undefined;

  private constructor(
    private readonly svc: Services,
    private readonly cred: Credential,
    private readonly opts: JobOptions,
    private work: Work,
  ) {}

  /**
   * A job's rows start in memory (MemoryWork) and move to a work file when they pass the
   * memory budget (PLATFORMCTL_BULK_MEMORY_MB; 0: a work file from the start).
   */
  static async open(svc: Services, cred: Credential, opts: JobOptions): Promise<BulkJob> {
    const mb = opts.tuning?.memoryMb;
    const work: Work = mb === 0 ? await WorkFile.open() : new MemoryWork(budgetBytes(mb));
    return new BulkJob(svc, cred, opts, work);
  }

  close(): void {
    this.work.close();
  }

  private get what(): string {
    return this.opts.kind === 'import' ? 'import members' : 'sync members';
  }

  private get interruptedByUser(): boolean {
    return this.opts.signal?.aborted === true;
  }

  /** While nothing is written (reading, planning): an interruption ends the job, nothing changed. */
  private stopIfInterrupted(doing: string): void {
    if (this.interruptedByUser) throw cancelled(`Interrupted while ${doing}; nothing was changed.`);
  }

  /**
   * Before any input is read: the caller is signed in and, with --company, manages that
   * company. A user without rights learns it at once, and nothing waits on their input.
   */
  async preflight(): Promise<void> {
    await read(this.svc, async (r) => {
      if (this.opts.company === undefined) await authenticate(r, this.cred, this.svc.now());
      else await enterCompany(r, this.cred, this.svc.now(), this.opts.company, { toManage: this.what });
    });
  }

  /** Reads, validates and spools every row; `fingerprint` gives the input's hash once it is read. */
  async load(rows: AsyncIterable<RawRow[]>, fingerprint: () => string): Promise<number> {
    try {
      for await (const batch of rows) {
        this.stopIfInterrupted('reading the input');
        this.work.addRows(batch.map(validate));
        if (this.work instanceof MemoryWork && this.work.overBudget) this.work = await this.work.toFile();
        this.rowsRead += batch.length;
        this.opts.onProgress?.(this.rowsRead);
      }
    } catch (e) {
      // An interrupted read may end the input early (its stream is destroyed): never a short file.
      this.stopIfInterrupted('reading the input');
      throw e;
    }
    this.stopIfInterrupted('reading the input');
    this.sha256 = fingerprint();
    return this.rowsRead;
  }

  get rows(): number {
    return this.rowsRead;
  }

  /**
   * `--prune` removes the members a file does not list, so a file with no rows (empty,
   * or cut off after its header) would empty a company: refused before anything is read
   * from the store. A company named by --company counts as named by every row.
   */
  requireRowsForPrune(): void {
    if (this.rowsRead === 0)
      throw invalid(
        `--prune refuses a file with no rows` +
          `${this.opts.company !== undefined ? ` for "${printable(short(this.opts.company))}"` : ''}: ` +
          `it would remove every member but the OWNER. Nothing was changed.`,
      );
  }

  /** Resolves companies, checks rights, compares every row with the store (read transactions only). */
  async plan(): Promise<void> {
    const w = this.work;
    if (this.opts.company !== undefined) {
      const named = w.namedRefs(2);
      if (named.length > 1)
        throw new PlatformError(
          'USAGE',
          `--company rebinds a file whose rows name one company, but this file names several ` +
            `(line ${named[0]!.line}: "${printable(short(named[0]!.ref))}", ` +
            `line ${named[1]!.line}: "${printable(short(named[1]!.ref))}"). Drop --company, or split the file.`,
        );
      if (named.length === 1 && named[0]!.ref !== this.opts.company) {
        this.rebound = true;
        this.opts.onNote?.(
          `--company rebinds the file's rows (company "${printable(short(named[0]!.ref))}") ` +
            `to "${printable(short(this.opts.company))}"; ` +
            `OWNER rows, and a row naming its own OWNER, are left as they are (a company's OWNER is its creator).`,
        );
      }
      w.rebind(this.opts.company);
    }
    const refs = w.refs();
    if (refs.length > MAX_COMPANIES)
      throw invalid(
        `The file names more than ${MAX_COMPANIES} different companies, the limit for one file; nothing was changed.`,
      );
    const now = this.svc.now();
    await read(this.svc, async (r) => {
      const actor = await authenticate(r, this.cred, now);
      this.actorId = actor.user.id;
      this.support = actor.isSupport;
      let bound: number | undefined;
      for (const ref of refs) {
        try {
          if (ref.length > MAX_REF) throw notFound(`No company "${printable(short(ref))}".`);
          const access = await companyToManage(r, actor, ref === '' ? undefined : ref, this.what);
          const id = access.company.id;
          if (!this.companies.has(id))
            this.companies.set(id, {
              company: access.company,
              plan: (await r.planById(access.company.plan_id))!,
              used: await r.seatsUsed(id),
            });
          w.resolveRef(ref, id);
          if (ref === this.opts.company) bound = id;
        } catch (e) {
          w.resolveRef(ref, null, failure(e));
        }
      }
      // The input's fingerprint names the company --company chose by its id, however it
      // was written (name or id): the same import run again finds its interrupted runs.
      if (bound !== undefined)
        this.sha256 = createHash('sha256').update(`${this.sha256}\ncompany ${bound}`).digest('hex');
      this.interrupted = (await r.runningBulkRuns(this.sha256)).map((p) => ({ id: p.id, updated_at: p.updated_at }));
    });
    w.bindCompanies();
    w.indexRows();
    for (const { cid } of w.companies()) {
      const info = this.companies.get(cid)!;
      await this.planCompany(info);
      if (this.opts.prune) await this.planRemovals(info);
    }
    w.markDuplicates();
    // One pass counts the plan; it is counted again only if seat limits failed rows.
    let counts = w.counts();
    let seatFailures = 0;
    for (const c of counts) {
      const { company, plan, used } = this.companies.get(c.cid)!;
      if (plan.max_users === null) continue;
      if (this.opts.kind === 'import') {
        // Rows fill the plan in file order; later new members fail (updates need no seat).
        const keep = Math.max(0, plan.max_users - used);
        // The count is the company's own; the file's earlier rows take what room is left.
        if (c.invite > keep)
          seatFailures += w.failInvitesAfter(c.cid, keep, 'SEAT_LIMIT', seatsTakenMessage(company, plan, used, keep));
      } else if (used - c.remove + c.invite > plan.max_users) {
        // A sync is judged on its final state: removals free seats for its additions.
        this.blocking ??= new PlatformError(
          'SEAT_LIMIT',
          `After this sync "${printable(company.name)}" would have ${used - c.remove + c.invite} users; ` +
            `plan ${plan.name} allows ${plan.max_users}. Nothing was changed. ` +
            `Ask support to change the plan, or remove members in the file.`,
          { plan: plan.name, maxUsers: plan.max_users, users: used, adding: c.invite, removing: c.remove },
        );
      }
    }
    if (seatFailures > 0) counts = w.counts();
    this.planned = this.summaryOf(counts);
  }

  /** Compares a company's rows with its members, a page of e-mails per read transaction. */
  private async planCompany(info: CompanyInfo): Promise<void> {
    const { company } = info;
    let after = '';
    for (;;) {
      this.stopIfInterrupted('planning');
      const page = this.work.emailsPage(company.id, after, CHUNK_SIZE);
      if (page.length === 0) return;
      after = page[page.length - 1]!.email;
      // An e-mail on several rows: an e-mail listed with different roles fails on every
      // line naming it; otherwise its first row is planned (its role is every row's).
      const groups: { email: string; line: number; role: string; copies: boolean }[] = [];
      for (const p of page) {
        if (p.rows === 1) {
          groups.push({ email: p.email, line: p.line, role: p.role, copies: false });
          continue;
        }
        const rows = this.work.rowsOf(company.id, p.email);
        if (rows.some((r) => r.role !== rows[0]!.role))
          this.work.failConflicting(
            p.email,
            rows,
            (email, lines) =>
              `${email} is listed for one company with different roles, on lines ${lines}; a file must give each member one role.`,
          );
        else groups.push({ email: p.email, line: rows[0]!.line, role: rows[0]!.role, copies: true });
      }
      if (groups.length === 0) continue;
      const known = await read(this.svc, (r) =>
        r.bulkLookup(
          company.id,
          groups.map((p) => p.email),
        ),
      );
      const byEmail = new Map(known.map((k) => [k.email, k]));
      // Only what differs from the invitation each row was loaded as is written.
      const entries: PlanEntry[] = [];
      for (const p of groups) {
        const k = byEmail.get(p.email);
        try {
          const d =
            // Rebound rows come from another company: its OWNER's row, and any row naming this
            // company's own OWNER (you, copying a team you are in into your own company), leave
            // the OWNER as they are.
            this.rebound && (p.role === 'OWNER' || (k?.user_id != null && k.user_id === company.owner_id))
              ? { action: 'same' as const, from: null }
              : decide(company, p.email, p.role, k?.user_id ?? null, k?.m_role ?? k?.i_role ?? null);
          if (d.action === 'update' && k?.user_id === this.actorId)
            this.yourself.push({
              company: company.name,
              change: 'role',
              from: d.from!,
              to: p.role,
              line: p.line,
              losesRights: !this.support && d.from === 'ADMINISTRATOR' && p.role !== 'ADMINISTRATOR',
            });
          if (d.action !== 'invite' || p.copies)
            entries.push({ line: p.line, email: p.email, copies: p.copies, action: d.action, from: d.from });
        } catch (e) {
          entries.push({ line: p.line, email: p.email, copies: p.copies, ...failure(e) });
        }
      }
      if (entries.length) this.work.setPlan(company.id, entries);
    }
  }

  /** `--prune`: the company's members and invitations that no row names (never the OWNER). */
  private async planRemovals(info: CompanyInfo): Promise<void> {
    const { company } = info;
    let after = '';
    for (;;) {
      this.stopIfInterrupted('planning');
      const page = await read(this.svc, (r) => r.memberEmailsPage(company.id, after, 5 * CHUNK_SIZE));
      if (page.length === 0) return;
      after = page[page.length - 1]!.email;
      const missing = this.work.notInFile(
        company.id,
        page.map((m) => m.email),
      );
      const self = page.find((m) => m.user_id === this.actorId && missing.has(m.email) && m.role !== 'OWNER');
      if (self)
        this.yourself.push({
          company: company.name,
          change: 'remove',
          from: self.role,
          losesRights: !this.support,
        });
      this.work.addRemovals(
        page
          .filter((m) => missing.has(m.email) && m.role !== 'OWNER')
          .map((m) => ({ cid: company.id, email: m.email, role: m.role, user_id: m.user_id })),
      );
    }
  }

  /** What the plan would do, per company and in total (before apply, or for a dry run). */
  summary(applied = false): { companies: CompanySummary[]; totals: Totals } {
    if (this.planned && (!applied || !this.work.appliedDiffers())) return this.planned;
    return this.summaryOf(this.work.counts(applied));
  }

  private summaryOf(counts: CompanyCounts[]): { companies: CompanySummary[]; totals: Totals } {
    const totals: Totals = { invited: 0, updated: 0, removed: 0, unchanged: 0, failed: 0 };
    const companies = counts.map((c) => {
      const s: CompanySummary = {
        id: c.cid,
        name: this.companies.get(c.cid)?.company.name ?? '',
        invited: c.invite,
        updated: c.update_,
        removed: c.remove,
        unchanged: c.same,
        failed: c.failed,
      };
      return s;
    });
    const known = companies.filter((c) => this.companies.has(c.id));
    for (const c of known) {
      totals.invited += c.invited;
      totals.updated += c.updated;
      totals.removed += c.removed;
      totals.unchanged += c.unchanged;
    }
    totals.failed = this.work.failedCount();
    return { companies: known, totals };
  }

  /** A company's planned changes: invitations and role changes, then removals, each in e-mail order. */
  *planOf(cid: number, applied = false): Generator<PlanChange> {
    let after = '';
    for (;;) {
      const page = this.work.companyChangesPage(cid, after, CHUNK_SIZE, applied);
      if (page.length === 0) break;
      after = page[page.length - 1]!.email;
      for (const p of page)
        yield p.action === 'invite'
          ? { change: 'invite', email: p.email, role: p.role }
          : { change: 'update', email: p.email, role: p.role, from: p.from_role! };
    }
    after = '';
    for (;;) {
      const page = this.work.removalsPage(cid, after, CHUNK_SIZE, applied);
      if (page.length === 0) break;
      after = page[page.length - 1]!.email;
      for (const m of page) yield { change: 'remove', email: m.email, role: m.role };
    }
  }

  /** Changes the plan makes: invitations, role changes and removals. */
  changes(): number {
    const t = (this.planned ?? this.summary()).totals;
    return t.invited + t.updated + t.removed;
  }

  /** The engine's limits with any tuning applied. */
  private get limits() {
    const base = ENGINE_LIMITS[this.svc.store.engine];
    const t = this.opts.tuning ?? {};
    return {
      ...base,
      oneTransaction: t.oneTransaction ?? base.oneTransaction,
      pauseMs: t.pauseMs ?? base.pauseMs,
      ...(t.chunkRows !== undefined
        ? { firstChunk: t.chunkRows, maxChunk: t.chunkRows, fixed: true }
        : { fixed: false }),
    };
  }

  /** The largest plan one transaction applies on this store's engine. */
  /**
   * An import that commits in chunks and takes its caller's rights away part way (a row
   * demoting them) would stop at the next chunk, whose rights check they then fail, and no
   * re-run of it could finish it: importMembers refuses it whole before apply, with its
   * report. In one transaction the rights are checked once, before any row.
   */
  selfBlock(): PlatformError | undefined {
    if (this.opts.kind !== 'import') return undefined;
    const planned = this.changes();
    if (planned <= this.limits.oneTransaction) return undefined;
    const y = this.yourself.find((c) => c.change === 'role' && c.losesRights);
    if (!y) return undefined;
    return invalid(
      `Line ${y.line} changes your own role in "${printable(y.company)}" from ${y.from} to ${y.to}, and an import ` +
        `of ${planned.toLocaleString('en-US')} changes commits in chunks: you would lose the right to import there ` +
        `part way, leaving the import half done. Nothing was changed. Import the file without that line, then ` +
        `change your role (member set-role), or ask another ADMINISTRATOR.` +
        // The interrupted runs of this very file are finished only by running it in full.
        (this.interrupted.length
          ? ` (Interrupted run${this.interrupted.length > 1 ? 's' : ''} ${this.interrupted.map((p) => p.id).join(', ')} ` +
            `of this file stay${this.interrupted.length > 1 ? '' : 's'} unfinished until someone who keeps the right runs it in full.)`
          : ''),
    );
  }

  get oneTransactionLimit(): number {
    return this.limits.oneTransaction;
  }

  /** Failed rows, in line order, a page at a time (bounded memory however many). */
  *errors(): Generator<RowFailure> {
    let after = 0;
    for (;;) {
      const page: RowError[] = this.work.errorsPage(after, CHUNK_SIZE);
      if (page.length === 0) return;
      after = page[page.length - 1]!.line;
      for (const e of page) yield { line: e.line, email: e.email, code: e.code as ErrorCode, message: e.message };
    }
  }

  /** The first failed row, if any. */
  firstError(): RowFailure | undefined {
    for (const e of this.errors()) return e;
    return undefined;
  }

  /** Applies the plan; returns the run (undefined when there was nothing to change). */
  async apply(): Promise<RunInfo | undefined> {
    this.stopIfInterrupted('planning');
    await this.waitOutRecentRuns();
    const planned = this.changes();
    if (planned === 0) {
      // An interrupted run with nothing left to apply: its record says so now (and how many
      // rows still fail, which a later run may apply once, say, seats are free).
      if (this.interrupted.length) {
        const ts = iso(this.svc.now());
        const failed = (this.planned ?? this.summary()).totals.failed;
        await write(this.svc, async (r) => {
          await authenticate(r, this.cred, this.svc.now());
          const stopped = await this.stillStopped(r, ts);
          if (stopped.length) await r.supersedeBulkRuns(stopped, null, ts, failed);
          return stopped;
        }).then((stopped) =>
          this.noteSettled(
            stopped.map((p) => p.id),
            failed,
          ),
        );
      }
      return undefined;
    }
    // A run as long as this engine's default single transaction: the server may have
    // something to say (sqld's checkpoint setting), once, before any lock is taken.
    if (planned >= ENGINE_LIMITS[this.svc.store.engine].oneTransaction) {
      const advice = await this.svc.store.longWriteAdvice();
      if (advice) this.opts.onNote?.(advice);
    }
    const limits = this.limits;
    if (planned <= limits.oneTransaction) return this.applySingle(planned);
    if (this.opts.kind === 'sync') throw syncTooLarge((this.planned ?? this.summary()).totals, limits.oneTransaction);
    return this.applyChunked(planned);
  }

  /** Everything in one write transaction: all of it or none of it. */
  private async applySingle(planned: number): Promise<RunInfo | undefined> {
    const now = this.svc.now();
    const ts = iso(now);
    let outcome: PageOutcome | undefined;
    const t0 = performance.now();
    // Interrupted inside the transaction (between pages): it rolls back, nothing changed.
    const check = () => {
      if (this.interruptedByUser) throw new Interrupted();
    };
    const run = await write(this.svc, async (r) => {
      const ctx = await this.enter(r, now);
      const prior = await this.stillStopped(r, ts);
      const runId = await r.insertBulkRun({
        kind: this.opts.kind,
        actorId: ctx.actor.user.id,
        actorEmail: ctx.actor.user.email,
        source: this.opts.source,
        sha256: this.sha256,
        planned,
        now: ts,
      });
      outcome = newOutcome();
      for (const cid of this.companies.keys()) {
        let after = '';
        for (;;) {
          const page = this.work.removalsPage(cid, after, CHUNK_SIZE);
          if (page.length === 0) break;
          after = page[page.length - 1]!.email;
          check();
          await this.applyPage(r, ctx, runId, ts, [], page, outcome);
        }
      }
      let afterLine = 0;
      for (;;) {
        const page = this.work.changesPage(afterLine, CHUNK_SIZE);
        if (page.length === 0) break;
        afterLine = page[page.length - 1]!.line;
        check();
        await this.applyPage(r, ctx, runId, ts, page, [], outcome);
      }
      check();
      this.failIfStrict(outcome);
      if (outcome.applied === 0) {
        // Every change turned out made by someone else meanwhile: as when the plan had nothing
        // to change, no run is recorded, and interrupted runs are settled, not "finished".
        await r.deleteBulkRun(runId);
        const failed = this.countsOf(outcome, this.reachedThrough(Number.MAX_SAFE_INTEGER, outcome.failures)).failed;
        if (prior.length) await r.supersedeBulkRuns(prior, null, ts, failed);
        return { runId: null, finished: [], settled: prior.map((p) => p.id), failed };
      }
      await this.finishRun(
        r,
        ctx,
        runId,
        ts,
        outcome,
        afterLine,
        prior,
        this.reachedThrough(Number.MAX_SAFE_INTEGER, outcome.failures),
        false,
      );
      return { runId, finished: this.finishedRuns, settled: [], failed: 0 };
    }).catch((e: unknown) => {
      if (e instanceof Interrupted || (this.interruptedByUser && isInterruptedStoreError(e)))
        throw cancelled(
          `Interrupted: the ${this.opts.kind} was one transaction and was rolled back; nothing was changed.`,
        );
      throw e;
    });
    const took = performance.now() - t0;
    this.record(outcome!);
    if (run.runId === null) {
      this.noteSettled(run.settled, run.failed);
      return undefined;
    }
    this.noteFinished(run.runId);
    return {
      id: run.runId,
      mode: 'single',
      status: 'done',
      chunks: 1,
      finished: run.finished,
      txMs: txStats([took]),
    };
  }

  /**
   * A large import: a run record, then chunks of rows each committed in its own short
   * transaction with the run's progress, sized to hold the write lock about
   * chunkTargetMs, with a pause after each so that waiting writers get the lock.
   */
  private async applyChunked(planned: number): Promise<RunInfo> {
    const limits = this.limits;
    const pause = limits.pauseMs;
    const started = this.svc.now();
    const ts0 = iso(started);
    // Who ran it, for the stop entry even when their session is gone by then (revoked).
    let runActor: Actor | undefined;
    const { runId, prior } = await write(this.svc, async (r) => {
      const ctx = await this.enter(r, started);
      runActor = ctx.actor;
      const prior = await this.stillStopped(r, ts0);
      const runId = await r.insertBulkRun({
        kind: this.opts.kind,
        actorId: ctx.actor.user.id,
        actorEmail: ctx.actor.user.email,
        source: this.opts.source,
        sha256: this.sha256,
        planned,
        now: ts0,
      });
      const { companies } = this.planned ?? this.summary();
      await r.bulkRunAudit(
        runId,
        actorRef(ctx.actor),
        ts0,
        companies.map((c) => [
          c.id,
          this.companies.get(c.id)!.company.name,
          `member.${this.opts.kind}.start`,
          this.opts.source,
          { run: runId, planned: { invite: c.invited, update: c.updated }, rows: this.rowsRead },
        ]),
      );
      return { runId, prior };
    });
    const total = newOutcome();
    let afterLine = 0;
    let size = limits.firstChunk;
    let chunks = 0;
    const held: number[] = [];
    // The row whose failure stopped the run (without --continue-on-error): its stop record counts it.
    let stoppedBy: RowFailure | undefined;
    let stoppedIn: number | undefined;
    try {
      for (;;) {
        // The safe point: between two chunks, nothing is half written.
        if (this.interruptedByUser) throw new Interrupted();
        const page = this.work.changesPage(afterLine, size);
        if (page.length === 0) break;
        const lastLine = page[page.length - 1]!.line;
        // The last chunk also closes the run: "every row applied" and "run done" commit together.
        const isLast = !this.work.hasChangesAfter(lastLine);
        const now = this.svc.now();
        const ts = iso(now);
        const t0 = performance.now();
        let entered = t0;
        let outcome = newOutcome();
        // The lines this chunk reaches: the last one takes the rows after the last change too.
        const upTo = isLast ? Number.MAX_SAFE_INTEGER : lastLine;
        let reached = this.reached;
        const chunk = () =>
          write(this.svc, async (r) => {
            entered = performance.now();
            outcome = newOutcome();
            const [ctx, mine] = await Promise.all([
              this.enter(r, now, new Set(page.map((p) => p.cid))),
              r.bulkRunState(runId),
            ]);
            // A later run of the same input took this one for interrupted and finished it.
            if (mine?.status !== 'running') throw new TakenOver(mine);
            await this.applyPage(r, ctx, runId, ts, page, [], outcome);
            stoppedBy = this.strict() ? outcome.failures[0] : undefined;
            stoppedIn = page.find((p) => p.line === stoppedBy?.line)?.cid;
            this.failIfStrict(outcome);
            const sofar = addOutcome(newOutcome(), total, outcome);
            reached = this.reachedThrough(upTo, outcome.failures);
            if (isLast) await this.finishRun(r, ctx, runId, ts, sofar, lastLine, prior, reached, true);
            else
              await r.updateBulkRun(runId, {
                rows: sofar.applied,
                lastLine,
                counts: this.countsOf(sofar, reached),
                now: ts,
              });
          });
        // A chunk the store could not take (busy past the timeout) changed nothing: it is
        // tried again, a few times, after a pause. (Every chunk is re-decided from a fresh
        // read, so trying one again never applies a row twice.)
        for (let attempt = 1; ; attempt++) {
          try {
            await chunk();
            break;
          } catch (e) {
            if (!(e instanceof PlatformError) || e.code !== 'STORE_BUSY' || attempt >= 3) throw e;
            await sleep(500 * attempt);
          }
        }
        const end = performance.now();
        held.push(end - t0);
        // Chunks are sized on the time the lock was held (a wait for it says nothing of the chunk).
        const took = end - entered;
        this.reach(upTo, reached);
        this.record(outcome);
        addOutcome(total, total, outcome);
        afterLine = lastLine;
        chunks++;
        if (isLast) break;
        if (!limits.fixed)
          size = Math.round(
            Math.min(
              limits.maxChunk,
              Math.max(limits.minChunk, (size * limits.chunkTargetMs) / Math.max(1, took), size / 2),
            ),
          );
        await sleep(pause, this.opts.signal);
      }
      this.noteFinished(runId);
      return {
        id: runId,
        mode: 'chunked',
        status: 'done',
        chunks,
        finished: this.finishedRuns,
        txMs: txStats(held),
      };
    } catch (e) {
      // What the run applied, up to the last line it reached (and the row that stopped it,
      // `failedToo`): its stop record's counts, and the report its error carries.
      const stoppedRun = (failedToo: number): StoppedRun => {
        const totals = this.countsOf(total, this.reached);
        totals.failed += failedToo;
        const companies = [...this.companies.values()].map(({ company }) => {
          const t = total.byCompany.get(company.id);
          const r = this.reached.get(company.id);
          return {
            id: company.id,
            name: company.name,
            invited: t?.invited ?? 0,
            updated: t?.updated ?? 0,
            removed: t?.removed ?? 0,
            unchanged: (t?.unchanged ?? 0) + (r?.unchanged ?? 0),
            failed: (r?.failed ?? 0) + (stoppedIn === company.id ? failedToo : 0),
          };
        });
        return {
          run: { id: runId, mode: 'chunked', status: 'failed', chunks, finished: [], txMs: txStats(held) },
          lastLine: afterLine,
          stoppedBy: failedToo ? stoppedBy : undefined,
          totals,
          companies,
        };
      };
      const stopped = (err: PlatformError, report: StoppedRun): PlatformError => {
        STOPPED.set(err, report);
        return err;
      };
      if (e instanceof TakenOver) {
        // Its record is the later run's now: left as that run wrote it.
        const by = /finished by run (\d+)/.exec(e.record?.error ?? '')?.[1];
        throw stopped(
          new PlatformError(
            'CONFLICT',
            `Import run ${runId} stopped after ${total.applied.toLocaleString('en')} ` +
              `of ${planned.toLocaleString('en')} changes (input lines up to ${afterLine}): ${
                by
                  ? `run ${by} of the same input took it over while this one was held up (it looked interrupted), ` +
                    `and applies the rest; see \`audit list --run ${by}\`.`
                  : `its record was changed by someone else (${printable(e.record?.status ?? 'deleted')}).`
              } Nothing more was changed by this one.`,
            {
              run: runId,
              applied: total.applied,
              planned,
              lastLine: afterLine,
              ...(by ? { takenOverBy: Number(by) } : {}),
            },
          ),
          stoppedRun(0),
        );
      }
      const byUser = e instanceof Interrupted;
      // "Nothing was changed" in a store's error speaks of the failed transaction, not of the
      // run, whose earlier chunks are in the store: not kept in the record either.
      const message = byUser
        ? 'interrupted (Ctrl-C or SIGTERM)'
        : stripNothingChanged(e instanceof Error ? e.message : String(e));
      let recorded = false;
      const report = stoppedRun(stoppedBy ? 1 : 0);
      const counts: Record<string, number> = { ...report.totals };
      try {
        const ts = iso(this.svc.now());
        await write(this.svc, async (r) => {
          await r.updateBulkRun(runId, {
            rows: total.applied,
            lastLine: afterLine,
            counts,
            now: ts,
            status: 'failed',
            error: message,
          });
          // Visible with `audit list --action member.import.stop` (or --run): how far it got.
          const actor = (await authenticate(r, this.cred, this.svc.now()).catch(() => undefined)) ?? runActor;
          if (actor)
            await r.bulkRunAudit(
              runId,
              actorRef(actor),
              ts,
              [...this.companies.values()].map(({ company }) => [
                company.id,
                company.name,
                `member.${this.opts.kind}.stop`,
                this.opts.source,
                {
                  run: runId,
                  status: 'failed',
                  error: message,
                  applied: total.applied,
                  planned,
                  lastLine: afterLine,
                  ...counts,
                },
              ]),
            );
        });
        recorded = true;
      } catch {
        /* the run stays 'running'; re-running the same input finishes it all the same */
      }
      const code: ErrorCode = byUser ? 'CANCELLED' : e instanceof PlatformError ? e.code : 'INTERNAL';
      if (code === 'INTERNAL') throw e;
      const progress = `${total.applied.toLocaleString('en')} of ${planned.toLocaleString('en')} changes (input lines up to ${afterLine})`;
      const applied =
        total.applied === 0
          ? `Nothing of it was applied; its record (run ${runId}, \`${recorded ? 'failed' : 'running'}\`) stays`
          : `${total.applied === 1 ? 'That change is' : `Those ${total.applied.toLocaleString('en')} changes are`} ` +
            `in the store and in the audit log (\`audit list --run ${runId}\`); ` +
            `the record is \`${recorded ? 'failed' : 'running'}\``;
      throw stopped(
        new PlatformError(
          code,
          byUser
            ? `Interrupted: import run ${runId} stopped after ${progress}. ${applied}. Run the same import again to finish it.`
            : `Import run ${runId} stopped after ${progress}: ${stripNothingChanged(message)} ${applied}. Run the same import again to finish it.`,
          { run: runId, applied: total.applied, planned, lastLine: afterLine },
        ),
        recorded ? report : { ...report, run: { ...report.run, status: 'running' } },
      );
    }
  }

  /**
   * A run of the same input marked running whose record moved less than RECENT_MS ago may
   * be killed, or between two chunks: this run waits until that much time has passed since
   * (no lock held), so that a run still going shows itself by moving (stillStopped).
   */
  private async waitOutRecentRuns(): Promise<void> {
    if (this.interrupted.length === 0) return;
    const planned = new Map(this.interrupted.map((p) => [p.id, p.updated_at]));
    const now = this.svc.now();
    const recent = (await read(this.svc, (r) => r.runningBulkRuns(this.sha256))).filter(
      (p) =>
        p.status === 'running' &&
        planned.get(p.id) === p.updated_at &&
        now.getTime() - Date.parse(p.updated_at) < RECENT_MS,
    );
    if (recent.length === 0) return;
    const wait = Math.max(...recent.map((p) => RECENT_MS - (now.getTime() - Date.parse(p.updated_at))));
    this.opts.onNote?.(
      `Run${recent.length > 1 ? 's' : ''} ${recent.map((p) => p.id).join(', ')} of the same input moved ${
        recent.length > 1 ? 'their records' : 'its record'
      } less than ${RECENT_MS / 1000} s ago: waiting ${Math.ceil(wait / 1000)} s to tell a run still going from an interrupted one.`,
    );
    await sleep(wait, this.opts.signal);
    this.stopIfInterrupted('waiting');
  }

  /**
   * The runs of the same input that were interrupted: marked running or failed when this
   * one planned, and not updated since (a run still going updates its record with every
   * chunk), nor after `before`.
   */
  private async stillStopped(r: Repo, before: string): Promise<{ id: number; updated_at: string }[]> {
    const planned = new Map(this.interrupted.map((p) => [p.id, p.updated_at]));
    return (await r.runningBulkRuns(this.sha256)).filter(
      (p) => p.updated_at < before && planned.get(p.id) === p.updated_at,
    );
  }

  /** A run's counts: what applying did (o), and the other rows of the lines it reached. */
  private countsOf(o: PageOutcome, reached: Map<number | null, RangeCounts>) {
    let unchanged = 0;
    let failed = 0;
    for (const c of reached.values()) {
      unchanged += c.unchanged;
      failed += c.failed;
    }
    return { invited: o.invited, updated: o.updated, removed: o.removed, unchanged: unchanged + o.unchanged, failed };
  }

  /**
   * The rows reached once lines up to `upTo` are applied, with the lines that failed in
   * the transaction not yet recorded; becomes the run's own (`reach`) once it commits.
   */
  private reachedThrough(upTo: number, unrecorded: RowFailure[]): Map<number | null, RangeCounts> {
    const more = this.work.rangeCounts(
      this.reachedLine,
      upTo,
      unrecorded.map((f) => f.line),
    );
    const all = new Map(this.reached);
    for (const [cid, c] of more) {
      const was = all.get(cid);
      all.set(cid, { unchanged: (was?.unchanged ?? 0) + c.unchanged, failed: (was?.failed ?? 0) + c.failed });
    }
    return all;
  }

  /** Says which interrupted runs had nothing left to apply (their records now say so). */
  private noteSettled(ids: number[], failed: number): void {
    if (ids.length)
      this.opts.onNote?.(
        `Nothing was left to apply of interrupted run${ids.length > 1 ? 's' : ''} ${ids.join(', ')} of the same input` +
          `${failed > 0 ? ` (${failed} ${failed === 1 ? 'row still fails' : 'rows still fail'})` : ''}: ` +
          `${ids.length > 1 ? 'their records say' : 'its record says'} so now.`,
      );
  }

  /** Says which interrupted runs this one finished, once it has (rows they applied counted as unchanged). */
  private noteFinished(runId: number): void {
    const f = this.finishedRuns;
    if (f.length)
      this.opts.onNote?.(
        `Run ${runId} finished interrupted run${f.length > 1 ? 's' : ''} ${f.join(', ')} of the same input (rows they applied counted as unchanged here).`,
      );
  }

  private reach(upTo: number, reached: Map<number | null, RangeCounts>): void {
    this.reached = reached;
    this.reachedLine = upTo;
  }

  /** Without --continue-on-error (and always for sync), a row that fails at apply time fails the transaction. */
  private strict(): boolean {
    return !(this.opts.continueOnError && this.opts.kind === 'import');
  }

  private failIfStrict(o: PageOutcome): void {
    if (!this.strict()) return;
    const f = o.failures[0];
    if (f) throw new PlatformError(f.code, `Line ${f.line}: ${f.message}`);
  }

  /** Authenticates again and re-checks the rights in each company the run writes to. */
  private async enter(r: Repo, now: Date, only?: Iterable<number>): Promise<{ actor: Actor }> {
    const actor = await authenticate(r, this.cred, now);
    // Every company's rows and plan asked together: one request on sqld, where this
    // transaction holds the write lock meanwhile. The rights are then checked in order.
    const cids = [...(only ?? this.companies.keys())];
    const seen = await Promise.all(
      cids.map((cid) => Promise.all([resolveCompany(r, actor, { id: cid }), r.planOfCompany(cid)])),
    );
    cids.forEach((cid, i) => {
      const [access, plan] = seen[i]!;
      requireManager(access, actor, this.what);
      const info = this.companies.get(cid)!;
      info.company = access.company;
      info.plan = plan!;
    });
    return { actor };
  }

  /** The run's end: its record, and one summary audit entry per company it changed. */
  private async finishRun(
    r: Repo,
    ctx: { actor: Actor },
    runId: number,
    ts: string,
    o: PageOutcome,
    lastLine: number,
    prior: { id: number; updated_at: string }[],
    reached: Map<number | null, RangeCounts>,
    chunked: boolean,
  ): Promise<void> {
    // The interrupted runs this one finishes: those whose record has not moved since (a run
    // still going updates its record with every chunk; it is left to finish itself). In one
    // transaction nothing could move since `prior` was read: no second look under the lock.
    const seen = new Map(prior.map((p) => [p.id, p.updated_at]));
    const finished =
      chunked && prior.length
        ? (await r.runningBulkRuns(this.sha256)).filter((p) => seen.get(p.id) === p.updated_at)
        : prior;
    this.finishedRuns = finished.map((p) => p.id);
    await r.updateBulkRun(runId, {
      rows: o.applied,
      // A run that is done reached the input's last row, as its counts do.
      lastLine: Math.max(lastLine, this.work.lastLine()),
      counts: this.countsOf(o, reached),
      now: ts,
      status: 'done',
    });
    const entries: [number, string, string, string | null, Record<string, unknown>][] = [];
    for (const [cid, c] of o.byCompany) {
      // A chunked run wrote a start entry for each company: its summary follows, changes or
      // not (every row may have turned out applied by someone else meanwhile).
      if (!chunked && c.invited + c.updated + c.removed === 0) continue;
      const p = reached.get(cid);
      entries.push([
        cid,
        this.companies.get(cid)!.company.name,
        `member.${this.opts.kind}`,
        this.opts.source,
        {
          run: runId,
          invited: c.invited,
          updated: c.updated,
          ...(this.opts.kind === 'sync' ? { removed: c.removed } : {}),
          unchanged: (p?.unchanged ?? 0) + c.unchanged,
          // Failures at apply time included (recorded, or among the unrecorded lines).
          failed: p?.failed ?? 0,
          ...(finished.length ? { finished: finished.map((x) => x.id) } : {}),
        },
      ]);
    }
    await r.bulkRunAudit(runId, actorRef(ctx.actor), ts, entries);
    if (finished.length) await r.supersedeBulkRuns(finished, runId, ts, this.countsOf(o, reached).failed);
  }

  /**
   * Applies planned rows and removals against the store as it is now: each change is
   * decided again from a fresh lookup (someone may have changed the member meanwhile),
   * seats are counted in the transaction, and every change gets its own audit entry
   * carrying the run id.
   */
  private async applyPage(
    r: Repo,
    ctx: { actor: Actor },
    runId: number,
    ts: string,
    rows: ChangeRow[],
    removals: Removal[],
    out: PageOutcome,
  ): Promise<void> {
    const via = this.opts.kind;
    const audit: [number, string, string, string | null, Record<string, unknown>][] = [];
    const byCompany = new Map<number, { rows: ChangeRow[]; removals: Removal[] }>();
    for (const row of rows) {
      let g = byCompany.get(row.cid);
      if (!g) byCompany.set(row.cid, (g = { rows: [], removals: [] }));
      g.rows.push(row);
    }
    for (const m of removals) {
      let g = byCompany.get(m.cid);
      if (!g) byCompany.set(m.cid, (g = { rows: [], removals: [] }));
      g.removals.push(m);
    }
    for (const [cid, g] of byCompany) {
      const { company, plan } = this.companies.get(cid)!;
      const name = company.name;
      const tally = out.company(cid);
      const emails = [...g.rows.map((x) => x.email), ...g.removals.map((x) => x.email)];
      // Without removals the seats taken are asked with the look-up (one request on sqld);
      // with them, after the removals (sent with that request), which free seats.
      const [found, seatsBefore] = await Promise.all([
        r.bulkLookup(cid, emails),
        g.removals.length === 0 ? r.seatsUsedIfCapped(cid, plan.id) : null,
      ]);
      const known = new Map(found.map((k) => [k.email, k]));
      // Removals first: a sync's removals free the seats its additions take.
      const delMembers: [number, number][] = [];
      const delInvites: [number, string][] = [];
      for (const m of g.removals) {
        const k = known.get(m.email);
        if (!k || k.user_id === company.owner_id) {
          out.diverged = true;
          continue;
        }
        if (k.m_role && k.user_id !== null) delMembers.push([cid, k.user_id]);
        else if (k.i_role) delInvites.push([cid, m.email]);
        else continue;
        const role = k.m_role ?? k.i_role;
        const status = k.m_role ? k.m_status : 'PENDING';
        audit.push([cid, name, 'member.remove', m.email, { role, status, run: runId, via }]);
        if (role !== m.role) out.diverged = true;
        out.removedEmails.push([cid, m.email, role!]);
        tally.removed++;
        out.removed++;
        out.applied++;
      }
      if (delMembers.length) {
        await r.bulkDeleteMemberships(delMembers);
        await r.bulkClearCurrentCompany(
          cid,
          delMembers.map(([, u]) => u),
        );
      }
      if (delInvites.length) await r.bulkDeleteInvitations(delInvites);

      let free =
        plan.max_users === null
          ? Infinity
          : plan.max_users - (seatsBefore ?? (await r.seatsUsedIfCapped(cid, plan.id)) ?? 0);
      const freeBefore = free;
      const insMembers: [number, number, string][] = [];
      const insInvites: [number, string, string][] = [];
      const setMembers: [string, string, number, number][] = [];
      const setInvites: [string, string, number, string][] = [];
      for (const row of g.rows) {
        const k = known.get(row.email);
        try {
          const d = decide(company, row.email, row.role, k?.user_id ?? null, k?.m_role ?? k?.i_role ?? null);
          if (d.action === 'same') {
            out.outcomes.push({ line: row.line, outcome: 'unchanged' });
            out.unchanged++;
            tally.unchanged++;
            continue;
          }
          // Recorded where it differs from the plan: another action, or a role change from
          // another role than planned (someone re-roled the member since), so a report of
          // what was applied names what it found.
          if (d.action !== row.planned || (d.action === 'update' && d.from !== row.plannedFrom))
            out.outcomes.push({ line: row.line, outcome: d.action, from: d.from });
          if (d.action === 'update') {
            if (k?.m_role && k.user_id !== null) setMembers.push([row.role, ts, cid, k.user_id]);
            else setInvites.push([row.role, ts, cid, row.email]);
            audit.push([cid, name, 'member.set_role', row.email, { from: d.from, to: row.role, run: runId, via }]);
            out.updated++;
            tally.updated++;
          } else {
            if (free < 1) {
              // The company's members before this transaction, and the invitations of
              // earlier lines in it: those are rolled back with it when the run stops here,
              // so they are not counted as members.
              throw new PlatformError(
                'SEAT_LIMIT',
                seatsTakenMessage(company, plan, plan.max_users! - freeBefore, freeBefore - free, this.strict()),
                { plan: plan.name, maxUsers: plan.max_users, users: plan.max_users! - freeBefore, adding: 1 },
              );
            }
            free--;
            const status = k?.user_id ? 'INVITED' : 'PENDING';
            if (k?.user_id) insMembers.push([cid, k.user_id, row.role]);
            else insInvites.push([cid, row.email, row.role]);
            audit.push([cid, name, 'member.invite', row.email, { role: row.role, status, run: runId, via }]);
            out.invited++;
            tally.invited++;
          }
          out.applied++;
        } catch (e) {
          out.failures.push({ line: row.line, email: row.email, ...failure(e) });
          tally.failed++;
        }
      }
      if (insMembers.length) await r.bulkInsertMemberships(insMembers, ctx.actor.user.id, ts);
      if (insInvites.length) await r.bulkInsertInvitations(insInvites, ctx.actor.user.id, ts);
      if (setMembers.length) await r.bulkSetMembershipRoles(setMembers);
      if (setInvites.length) await r.bulkSetInvitationRoles(setInvites);
    }
    if (audit.length) await r.bulkRunAudit(runId, actorRef(ctx.actor), ts, audit);
  }

  /** Writes what a committed transaction did into the work file (for the report). */
  private record(o: PageOutcome): void {
    if (o.diverged || o.outcomes.length > 0) this.diverged = true;
    this.work.setOutcomes([
      ...o.outcomes,
      ...o.failures.map((f) => ({ line: f.line, code: f.code, message: f.message })),
    ]);
    this.work.markRemoved(o.removedEmails);
  }
}

/**
 * A sync larger than one transaction, refused before its plan is printed or anything
 * changes, with advice that fits what most of it is: additions and re-roles can go
 * first through `member import` (which chunks); removals have no chunked path (a removal
 * could free a seat that someone else takes before the rest applies), so they go in steps.
 */
export function syncTooLarge(t: Totals, limit: number): PlatformError {
  const n = (x: number) => x.toLocaleString('en');
  const changes = t.invited + t.updated + t.removed;
  const head =
    `This sync would make ${n(changes)} changes ` +
    `(${n(t.invited)} to invite, ${n(t.updated)} to re-role, ${n(t.removed)} to remove); ` +
    `a sync applies at most ${n(limit)} on this store, in one transaction. Nothing was changed.`;
  const additions = t.invited + t.updated;
  const advice =
    t.removed <= limit && additions > 0
      ? `Import the additions and re-roles first with \`member import\` on the same file ` +
        `(it commits large files in chunks), then run this sync again: it will only remove.`
      : additions > limit
        ? `Import the additions and re-roles first with \`member import\` on the same file ` +
          `(it commits in chunks); then remove in steps of at most ${n(limit)}: ` +
          `sync with --prune a file that still lists the members to remove later.`
        : `Remove in steps of at most ${n(limit)}: ` +
          `run the sync with --prune on a file that still lists the members to remove in a later step ` +
          `(\`member sync FILE --prune --dry-run --json\` lists the removals), or remove them with \`member remove\`.`;
  return invalid(`${head} ${advice}`, { invite: t.invited, update: t.updated, remove: t.removed, limit });
}

/** A store error caused by the interruption itself (a request cut short): the transaction rolled back. */
function isInterruptedStoreError(e: unknown): boolean {
  return e instanceof PlatformError && e.exitCode === 7;
}

/**
 * A store error's own "Nothing was changed." speaks of the transaction that failed; inside
 * a chunked run earlier chunks did change the store, so the run's message says that instead.
 */
function stripNothingChanged(message: string): string {
  return message.replace(/\s*Nothing (?:was|has been) changed(?:[;,][^.]*)?\./gi, '').trim();
}

/** What one row means against a member's current state; throws for rows that may not apply. */
function decide(
  company: CompanyRow,
  email: string,
  role: string,
  userId: number | null,
  current: string | null,
): { action: 'invite' | 'update' | 'same'; from: string | null } {
  if (userId !== null && userId === company.owner_id) {
    if (role !== 'OWNER')
      throw new PlatformError(
        'CONFLICT',
        `${email} is the OWNER of "${printable(company.name)}"; the OWNER's membership cannot be changed.`,
      );
    return { action: 'same', from: null };
  }
  if (role === 'OWNER')
    throw invalid('Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.');
  if (current === role) return { action: 'same', from: null };
  if (current !== null) return { action: 'update', from: current };
  return { action: 'invite', from: null };
}

interface Tally {
  invited: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
}

interface PageOutcome {
  invited: number;
  updated: number;
  removed: number;
  unchanged: number;
  applied: number;
  /**
   * Planned changes applied otherwise than planned: the member was already so
   * ('unchanged'), or someone changed them meanwhile (a planned role change that became an
   * invitation, or the reverse). The others went as planned.
   */
  outcomes: { line: number; outcome: 'unchanged' | 'invite' | 'update'; from?: string | null }[];
  failures: RowFailure[];
  /** Removals committed: [company, e-mail, the role the member had]. */
  removedEmails: [number, string, string][];
  /** Something was applied otherwise than planned (besides `outcomes`): a removal. */
  diverged: boolean;
  byCompany: Map<number, Tally>;
  company(cid: number): Tally;
}

function newOutcome(): PageOutcome {
  const byCompany = new Map<number, Tally>();
  return {
    invited: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    applied: 0,
    outcomes: [],
    failures: [],
    removedEmails: [],
    diverged: false,
    byCompany,
    company(cid) {
      let t = byCompany.get(cid);
      if (!t) byCompany.set(cid, (t = { invited: 0, updated: 0, removed: 0, unchanged: 0, failed: 0 }));
      return t;
    },
  };
}

/** into = a + b for the counters (lists are not carried). */
function addOutcome(into: PageOutcome, a: PageOutcome, b: PageOutcome): PageOutcome {
  for (const k of ['invited', 'updated', 'removed', 'unchanged', 'applied'] as const) into[k] = a[k] + b[k];
  const ids = new Set([...a.byCompany.keys(), ...b.byCompany.keys()]);
  for (const cid of ids) {
    const x = a.byCompany.get(cid);
    const y = b.byCompany.get(cid);
    const t = into.company(cid);
    for (const k of ['invited', 'updated', 'removed', 'unchanged', 'failed'] as const)
      t[k] = (x?.[k] ?? 0) + (y?.[k] ?? 0);
  }
  return into;
}

/**
 * Why a row gets no seat: the company's `used` members, and `earlier` invitations of
 * earlier lines of the same input that take what room is left.
 */
function seatsTakenMessage(
  company: CompanyRow,
  plan: PlanRow,
  used: number,
  earlier: number,
  rolledBack = false,
): string {
  if (earlier === 0) return seatLimitError(company, plan, used, 1).message;
  const n = (x: number) => x.toLocaleString('en');
  // Without --continue-on-error the row stops the run and its transaction, with the
  // invitations before it in that transaction: said, since the store does not hold them.
  if (rolledBack)
    return (
      `Plan ${plan.name} of "${printable(company.name)}" allows ${n(plan.max_users!)} users; it has ${n(used)}, ` +
      `and the ${earlier === 1 ? 'invitation' : `${n(earlier)} invitations`} before this line in the same ` +
      `transaction would take the rest (${earlier === 1 ? 'it was' : 'they were'} not applied either). ` +
      `Ask support to change the plan.`
    );
  const taking =
    earlier === 1
      ? 'invitation on an earlier line of the file takes'
      : `${n(earlier)} invitations on earlier lines of the file take`;
  return (
    `Plan ${plan.name} of "${printable(company.name)}" allows ${n(plan.max_users!)} users; ` +
    `it has ${n(used)}, and the ${taking} the rest. Ask support to change the plan.`
  );
}
