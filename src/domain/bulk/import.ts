import type { BulkRow, BulkUpdate, CompanyRow, PlanRow, Repo } from '../../store/repo.js';
import { type ErrorCode, PlatformError, invalid } from '../../errors.js';
import { printable } from '../../text.js';
import { type Role, parseRole } from '../roles.js';
import { seatLimitError } from '../members.js';
import { type Actor, type Credential, actorRef, authenticate } from '../auth.js';
import { type Services, iso, write } from '../services.js';
import { audit } from '../audit-trail.js';
import { requireManager, resolveCompany } from '../access.js';
import * as v from '../validation.js';
import { CHUNK_SIZE, type RawRow } from './rows.js';

export interface ImportError {
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
  unchanged: number;
  failed: number;
}

export interface ImportReport {
  invited: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ImportError[];
  /** True when the changes were written (false for a dry run or a rejected file). */
  applied: boolean;
  dryRun: boolean;
  companies: CompanySummary[];
}

export interface ImportOptions {
  /** Batches of rows, in file order (any batch size). */
  rows: AsyncIterable<RawRow[]>;
  /** Company for rows without a company column (default: the actor's current company). */
  company?: string | undefined;
  dryRun?: boolean | undefined;
  continueOnError?: boolean | undefined;
  /** Called after each chunk with the number of rows read so far. */
  onProgress?: ((rows: number) => void) | undefined;
}

/** How many changed e-mails an import's audit entry lists before just counting. */
const AUDIT_SAMPLE = 100;

interface CompanyState {
  company: CompanyRow;
  plan: PlanRow;
  used: number | undefined;
  summary: CompanySummary;
  changes: { email: string; role: string; from?: string }[];
  moreChanges: number;
}

/** The current state of one (company, e-mail) pair as the import sees it. */
interface Target {
  userId: number | null;
  role: string | null; // membership or invitation role; null when not a member
}

interface ValidRow {
  line: number;
  email: string;
  role: Role;
  state: CompanyState;
}

/** Thrown to roll the transaction back while keeping the report of what was checked. */
class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super('rolled back');
  }
}

/** A row's failure; a store failure (exit 7) is the whole import's, never one row's. */
const errorOf = (line: number, email: string | null, e: unknown): ImportError => {
  if (e instanceof PlatformError && e.exitCode !== 7) return { line, email, code: e.code, message: e.message };
  throw e;
};

/**
 * Upserts memberships from rows, in one write transaction, a chunk of rows at a time:
 * a new e-mail is invited (INVITED if registered, PENDING otherwise), a different role
 * is updated, the same role is left unchanged. Each row's company must be managed by
 * the actor and have a free seat. Rows touching an OWNER fail, except a row giving
 * the actual OWNER the role OWNER, which is unchanged (so an export re-imports cleanly).
 * Without continueOnError any bad row rolls everything back; dryRun always does.
 */
export async function importMembers(svc: Services, cred: Credential, opts: ImportOptions): Promise<ImportReport> {
  const now = svc.now();
  const ts = iso(now);
  // The rows are a stream read once. A store may run the transaction again (sqld ends a
  // transaction that kept another writer waiting, and the remote engine retries it): a
  // second run after rows were read would import only the rest of them, or nothing, and
  // report success. Nothing was written by the ended run, so say so and stop instead.
  let rowsRead = false;
  try {
    return await write(svc, async (r) => {
      if (rowsRead) {
        throw new PlatformError(
          'STORE_BUSY',
          "The store ended this import's transaction because another writer was waiting too long. Nothing was imported; run the import again.",
          { retry: false },
        );
      }
      const actor = await authenticate(r, cred, now);
      const report: ImportReport = {
        invited: 0,
        updated: 0,
        unchanged: 0,
        failed: 0,
        errors: [],
        applied: false,
        dryRun: Boolean(opts.dryRun),
        companies: [],
      };
      const companies = new Map<string, CompanyState | PlatformError>();
      const byId = new Map<number, CompanyState>();

      const companyFor = async (ref: string | undefined): Promise<CompanyState> => {
        const key = ref ?? '';
        let s = companies.get(key);
        if (s === undefined) {
          try {
            const access = await resolveCompany(r, actor, ref);
            requireManager(access, actor, 'import members');
            const existing = byId.get(access.company.id);
            if (existing) s = existing;
            else {
              const plan = (await r.planById(access.company.plan_id))!;
              const summary: CompanySummary = {
                id: access.company.id,
                name: access.company.name,
                invited: 0,
                updated: 0,
                unchanged: 0,
                failed: 0,
              };
              s = { company: access.company, plan, used: undefined, summary, changes: [], moreChanges: 0 };
              byId.set(access.company.id, s);
              report.companies.push(summary);
            }
          } catch (e) {
            if (!(e instanceof PlatformError) || e.exitCode === 7) throw e;
            s = e;
          }
          companies.set(key, s);
        }
        if (s instanceof PlatformError) throw s;
        return s;
      };

      let chunk: RawRow[] = [];
      let read = 0;
      const flush = async () => {
        await applyChunk(r, actor, chunk, ts, companyFor, opts.company, report);
        read += chunk.length;
        chunk = [];
        opts.onProgress?.(read);
      };
      for await (const rows of opts.rows) {
        rowsRead = true;
        for (const row of rows) {
          chunk.push(row);
          if (chunk.length >= CHUNK_SIZE) await flush();
        }
      }
      if (chunk.length) await flush();

      const ok = report.failed === 0 || opts.continueOnError;
      if (!ok || opts.dryRun) {
        if (!ok) report.invited = report.updated = report.unchanged = 0;
        throw new Rollback(report);
      }
      for (const s of byId.values()) {
        const { summary } = s;
        // An import that changed nothing in a company (a re-run) leaves no entry there.
        if (summary.invited + summary.updated === 0) continue;
        await audit(r, now, actorRef(actor), 'member.import', {
          company: { id: s.company.id, name: s.company.name },
          details: {
            invited: summary.invited,
            updated: summary.updated,
            unchanged: summary.unchanged,
            failed: summary.failed,
            changes: s.changes,
            ...(s.moreChanges ? { moreChanges: s.moreChanges } : {}),
          },
        });
      }
      report.applied = true;
      return report;
    });
  } catch (e) {
    if (e instanceof Rollback) return e.report;
    throw e;
  }
}

const text = (x: unknown): string | undefined =>
  typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;

async function applyChunk(
  r: Repo,
  actor: Actor,
  rows: RawRow[],
  ts: string,
  companyFor: (ref: string | undefined) => Promise<CompanyState>,
  defaultCompany: string | undefined,
  report: ImportReport,
): Promise<void> {
  const errors: ImportError[] = [];
  const valid: ValidRow[] = [];
  const fail = (line: number, email: string | null, e: unknown, state?: CompanyState) => {
    errors.push(errorOf(line, email, e));
    if (state) state.summary.failed++;
  };
  // A row with a bad e-mail or role still counts as failed in its company, if that resolves.
  const failIn = async (row: RawRow, email: string | null, e: unknown) =>
    fail(
      row.line,
      email,
      e,
      await companyFor(text(row.company)?.trim() || defaultCompany).catch((err: unknown) => {
        if (err instanceof PlatformError && err.exitCode !== 7) return undefined;
        throw err;
      }),
    );

  // 1. Everything that needs no lookup: syntax of e-mail and role, the company and the actor's rights there.
  for (const row of rows) {
    if (row.error) {
      await failIn(row, null, row.error);
      continue;
    }
    const rawEmail = text(row.email);
    let email: string;
    try {
      if (rawEmail === undefined || rawEmail.trim() === '') throw invalid('Missing e-mail address.');
      email = v.email(rawEmail);
    } catch (e) {
      await failIn(row, rawEmail?.trim() || null, e);
      continue;
    }
    let role: Role;
    try {
      const rawRole = text(row.role);
      if (rawRole === undefined || rawRole.trim() === '') throw invalid('Missing role.');
      role = parseRole(rawRole);
    } catch (e) {
      await failIn(row, email, e);
      continue;
    }
    const ref = text(row.company)?.trim() || defaultCompany;
    let state: CompanyState;
    try {
      state = await companyFor(ref);
    } catch (e) {
      fail(row.line, email, e);
      continue;
    }
    valid.push({ line: row.line, email, role, state });
  }

  // 2. One query per company for the current state of the chunk's e-mails there.
  const keyOf = (c: number, e: string) => `${c}\u0000${e}`;
  const emailsBy = new Map<number, Set<string>>();
  for (const row of valid) {
    let set = emailsBy.get(row.state.company.id);
    if (!set) emailsBy.set(row.state.company.id, (set = new Set()));
    set.add(row.email);
  }
  const current = new Map<string, Target>();
  for (const [c, set] of emailsBy) {
    for (const x of await r.bulkLookup(c, [...set]))
      current.set(keyOf(c, x.email), { userId: x.user_id, role: x.m_role ?? x.i_role });
  }

  // 3. Decide each row in file order (later rows see earlier rows' effects), then write in batches.
  const insMembers: BulkRow<number>[] = [];
  const insInvites: BulkRow<string>[] = [];
  const setMembers: BulkUpdate<number>[] = [];
  const setInvites: BulkUpdate<string>[] = [];
  for (const row of valid) {
    const { state, email, role, line } = row;
    const { company, plan, summary } = state;
    const t = current.get(keyOf(company.id, email)) ?? { userId: null, role: null };
    try {
      if (t.userId !== null && t.userId === company.owner_id) {
        if (role !== 'OWNER')
          throw new PlatformError(
            'CONFLICT',
            `${email} is the OWNER of "${printable(company.name)}"; the OWNER's membership cannot be changed.`,
          );
        summary.unchanged++;
        report.unchanged++;
        continue;
      }
      if (role === 'OWNER')
        throw invalid('Nobody can be given the OWNER role: a company has exactly one OWNER, its creator.');
      if (t.role === role) {
        summary.unchanged++;
        report.unchanged++;
        continue;
      }
      if (t.role !== null) {
        if (t.userId !== null) setMembers.push([role, ts, company.id, t.userId]);
        else setInvites.push([role, ts, company.id, email]);
        note(state, { email, role, from: t.role });
        summary.updated++;
        report.updated++;
      } else {
        state.used ??= await r.seatsUsed(company.id);
        if (plan.max_users !== null && state.used + 1 > plan.max_users)
          throw seatLimitError(company, plan, state.used, 1);
        state.used++;
        if (t.userId !== null) insMembers.push([company.id, t.userId, role]);
        else insInvites.push([company.id, email, role]);
        note(state, { email, role });
        summary.invited++;
        report.invited++;
      }
      current.set(keyOf(company.id, email), { userId: t.userId, role });
    } catch (e) {
      fail(line, email, e, state);
    }
  }
  // Inserts before updates: a row may re-role an e-mail invited earlier in the same chunk.
  if (insMembers.length) await r.bulkInsertMemberships(insMembers, actor.user.id, ts);
  if (insInvites.length) await r.bulkInsertInvitations(insInvites, actor.user.id, ts);
  if (setMembers.length) await r.bulkSetMembershipRoles(setMembers);
  if (setInvites.length) await r.bulkSetInvitationRoles(setInvites);

  errors.sort((a, b) => a.line - b.line);
  for (const e of errors) report.errors.push(e);
  report.failed += errors.length;
}

function note(s: CompanyState, change: { email: string; role: string; from?: string }): void {
  if (s.changes.length < AUDIT_SAMPLE) s.changes.push(change);
  else s.moreChanges++;
}
