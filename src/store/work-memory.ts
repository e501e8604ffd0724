import { createRequire } from 'node:module';
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';
import {
  WorkFile,
  type ChangeRow,
  type CompanyCounts,
  type EmailGroup,
  type Outcome,
  type PlanEntry,
  type PlannedRow,
  type RangeCounts,
  type Removal,
  type RowError,
  type Work,
  type WorkRow,
} from './work-file.js';

/**
 * The work of a bulk run kept in plain arrays, for inputs that fit in memory: the same
 * answers as WorkFile's SQL (test/store/work-memory.test.ts runs random calls on both
 * and compares every answer), at a fraction of its cost: a 100,000-row import spent
 * ~0.5 s of CPU writing its rows into the file, indexing them and reading them back.
 * A run starts here and moves to a WorkFile (toFile) once its rows pass a memory budget,
 * which keeps a run's memory bounded however large its input.
 *
 * Rows are kept in line order (lines only grow: the reader numbers them as it goes).
 * Planning's e-mail order is SQLite's (the bytes of UTF-8, i.e. code points), which
 * JavaScript's string order (UTF-16 code units) is not for characters above U+D7FF.
 */

interface Row {
  line: number;
  email: string | null;
  role: string | null;
  ref: string;
  cid: number | null;
  code: string | null;
  message: string | null;
  action: string | null;
  from_role: string | null;
  outcome: string | null;
}

interface RemovalRow extends Removal {
  done: boolean;
}

/** UTF-16 code units from U+D800 up, where code-unit order and code-point order part. */
const HIGH = /[\uD800-\uFFFF]/;

/** Compares as SQLite's BINARY collation does: UTF-8 bytes, that is code points. */
function codePointOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (characters above U+FFFF) go after U+E000–U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * A full garbage collection, now: once the rows have moved to a file, their heap (tens of
 * MB) is garbage, but V8 had raised its collection threshold while they grew and left it
 * in place until the end of a large run: a 140,000-row import peaked at 190–205 MB RSS
 * against 150–180 MB with the work file from the start; collected at once, 152–159 MB.
 * Node exposes gc() only behind a flag, which V8 also takes at run time; the modules load
 * here, not at start-up. Without it the memory is collected in V8's own time.
 */
function collectNow(): void {
  try {
    const require = createRequire(import.meta.url);
    (require('node:v8') as typeof V8).setFlagsFromString('--expose-gc');
    ((require('node:vm') as typeof Vm).runInNewContext('gc') as () => void)();
  } catch {
    // No collection on demand: V8 collects in its own time.
  }
}

const unitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** What SQLite stores of a string: an unpaired surrogate is written to UTF-8 as U+FFFD. */
function stored<T extends string | null>(s: T): T {
  if (s === null) return s;
  const t = s as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return (t.isWellFormed() ? s : t.toWellFormed()) as T;
}

/** Rough bytes a row holds on the V8 heap: the object, its array slot, its strings. */
const rowBytes = (r: WorkRow): number =>
  120 + 2 * ((r.email?.length ?? 0) + r.ref.length + (r.message?.length ?? 0) + (r.role?.length ?? 0));

/**
 * The memory a run's rows may take before they move to a work file (PLATFORMCTL_BULK_MEMORY_MB
 * overrides it): ~130,000 rows of an e-mail and a role (~170 bytes each on the heap), which
 * keeps a run that holds every row to the end near the work file's peak (~185–200 MB at the
 * budget against ~185 MB); a larger budget raises it (300,000 rows: 217–331 MB).
 */
export const WORK_MEMORY_BYTES = 24 * 2 ** 20;

/**
 * The budget in bytes for PLATFORMCTL_BULK_MEMORY_MB (MiB; unset: the default). Multiplied,
 * not shifted: `4096 << 20` is 0 in JavaScript's 32-bit shifts, and 2048–4095 negative, which
 * turned the largest budgets into a work file from the first row.
 */
export const budgetBytes = (mb: number | undefined): number => (mb === undefined ? WORK_MEMORY_BYTES : mb * 2 ** 20);

export class MemoryWork implements Work {
  private readonly rows: Row[] = [];
  private readonly refMap = new Map<string, { cid: number | null; code: string | null; message: string | null }>();
  private readonly removals = new Map<number, Map<string, RemovalRow>>();
  /** Each company's removals in e-mail order, built on demand (removalsPage). */
  private readonly removalOrder = new Map<number, RemovalRow[]>();
  /** Each company's rows that have an e-mail, in (e-mail, line) order, built on demand. */
  private byEmail: Map<number, Row[]> | undefined;
  private order: (a: string, b: string) => number = unitOrder;
  private recorded = false;
  private copies = 0;
  private single: { cid: number | null } | undefined;
  private size = 0;

  constructor(private readonly budget = WORK_MEMORY_BYTES) {}

  /** Whether the rows take more memory than the budget (the run then moves them to a file: toFile). */
  get overBudget(): boolean {
    return this.size > this.budget;
  }

  /** A work file holding the same rows (only before planning: rows are all there is). */
  async toFile(): Promise<WorkFile> {
    const file = await WorkFile.open();
    try {
      const step = 10_000;
      for (let i = 0; i < this.rows.length; i += step)
        file.addRows(
          this.rows
            .slice(i, i + step)
            .map(({ line, email, role, ref, code, message }) => ({ line, email, role, ref, code, message })),
        );
    } catch (e) {
      file.close();
      throw e;
    }
    this.rows.length = 0;
    collectNow();
    return file;
  }

  close(): void {
    this.rows.length = 0;
    this.byEmail = undefined;
  }

  // ---- finding rows ----
  /** The index of the first row whose line is greater than `line`. */
  private after(line: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.line <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private row(line: number): Row | undefined {
    const i = this.after(line) - 1;
    const r = this.rows[i];
    return r !== undefined && r.line === line ? r : undefined;
  }

  /** A company's rows with an e-mail, in (e-mail, line) order. */
  private sorted(cid: number): Row[] {
    if (!this.byEmail) {
      const by = new Map<number, Row[]>();
      for (const r of this.rows) {
        if (r.cid === null || r.email === null) continue;
        let list = by.get(r.cid);
        if (!list) by.set(r.cid, (list = []));
        list.push(r);
      }
      const order = this.order;
      // Stable: rows of one e-mail stay in line order.
      for (const list of by.values()) list.sort((a, b) => order(a.email!, b.email!));
      this.byEmail = by;
    }
    return this.byEmail.get(cid) ?? [];
  }

  /** The index of the first of `list` (sorted) whose e-mail is greater than `email` (or, `orEqual`, not less). */
  private emailIndex(list: Row[], email: string, orEqual = false): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.order(list[mid]!.email!, email);
      if (c < 0 || (c === 0 && !orEqual)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A company's rows naming an e-mail, in line order. */
  private named(cid: number, email: string): Row[] {
    const list = this.sorted(cid);
    const out: Row[] = [];
    for (let i = this.emailIndex(list, email, true); i < list.length && list[i]!.email === email; i++)
      out.push(list[i]!);
    return out;
  }

  // ---- reading ----
  addRows(rows: WorkRow[]): void {
    let last = this.rows.length ? this.rows[this.rows.length - 1]!.line : -Infinity;
    for (const w of rows) {
      if (!(w.line > last)) throw new Error(`work rows out of order: line ${w.line} after ${last}`);
      last = w.line;
      const email = stored(w.email);
      if (this.order === unitOrder && email !== null && HIGH.test(email)) this.order = codePointOrder;
      this.rows.push({
        line: w.line,
        email,
        role: stored(w.role),
        ref: stored(w.ref),
        cid: null,
        code: stored(w.code),
        message: stored(w.message),
        action: w.code === null ? 'invite' : null,
        from_role: null,
        outcome: null,
      });
      this.size += rowBytes(w);
    }
    this.byEmail = undefined;
  }

  indexRows(): void {
    // Nothing to build: each company's e-mail order is made on first use (sorted).
  }

  rowCount(): number {
    return this.rows.length;
  }

  namedRefs(limit: number): { ref: string; line: number }[] {
    const out: { ref: string; line: number }[] = [];
    const seen = new Set<string>();
    for (const r of this.rows) {
      if (out.length >= limit) break;
      if (r.ref === '' || seen.has(r.ref)) continue;
      seen.add(r.ref);
      out.push({ ref: r.ref, line: r.line });
    }
    return out;
  }

  rebind(ref: string): void {
    const s = stored(ref);
    for (const r of this.rows) r.ref = s;
  }

  refs(): string[] {
    return [...new Set(this.rows.map((r) => r.ref))];
  }

  resolveRef(ref: string, cid: number | null, error?: { code: string; message: string }): void {
    this.refMap.set(stored(ref), { cid, code: stored(error?.code ?? null), message: stored(error?.message ?? null) });
  }

  bindCompanies(): void {
    this.byEmail = undefined;
    if (this.refMap.size === 1) {
      const r = this.refMap.values().next().value!;
      this.single = { cid: r.cid };
      for (const row of this.rows) {
        row.cid = r.cid;
        if (r.code && row.code === null) {
          row.code = r.code;
          row.message = r.message;
        }
      }
      return;
    }
    for (const row of this.rows) {
      const r = this.refMap.get(row.ref);
      row.cid = r?.cid ?? null;
      if (row.code === null && r?.code != null) {
        row.code = r.code;
        row.message = r.message;
      }
    }
  }

  rowsOf(cid: number, email: string): { line: number; role: string }[] {
    return this.named(cid, email)
      .filter((r) => r.code === null)
      .map((r) => ({ line: r.line, role: r.role! }));
  }

  failConflicting(
    email: string,
    rows: { line: number; role: string }[],
    message: (email: string, others: string) => string,
  ): void {
    const listed = rows.slice(0, 6).map((r) => `${r.line} (${r.role})`);
    const all = listed.join(', ') + (rows.length > 6 ? `, and ${rows.length - 6} more` : '');
    for (const { line } of rows) {
      const r = this.row(line);
      if (r) {
        r.code = 'INVALID_INPUT';
        r.message = stored(message(email, all));
      }
    }
  }

  companies(): { cid: number; first_line: number }[] {
    if (this.single) {
      const first = this.rows[0];
      return this.single.cid === null || first === undefined ? [] : [{ cid: this.single.cid, first_line: first.line }];
    }
    const seen = new Set<number>();
    const out: { cid: number; first_line: number }[] = [];
    for (const r of this.rows)
      if (r.cid !== null && !seen.has(r.cid)) {
        seen.add(r.cid);
        out.push({ cid: r.cid, first_line: r.line });
      }
    return out;
  }

  // ---- planning ----
  emailsPage(cid: number, after: string, limit: number): EmailGroup[] {
    const list = this.sorted(cid);
    const rows: Row[] = [];
    for (let i = this.emailIndex(list, after); i < list.length && rows.length < limit; i++)
      if (list[i]!.code === null) rows.push(list[i]!);
    const groups: EmailGroup[] = [];
    for (const { email, line, role } of rows) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last.email === email) last.rows++;
      else groups.push({ email: email!, line, role: role!, rows: 1 });
    }
    if (rows.length === limit && rows.length > 0) {
      if (groups.length > 1) groups.pop();
      else groups[0]!.rows = this.named(cid, groups[0]!.email).filter((r) => r.code === null).length;
    }
    return groups;
  }

  setPlan(cid: number, entries: PlanEntry[]): void {
    for (const e of entries) {
      const r = this.row(e.line);
      if (r) {
        if (e.code) {
          r.code = stored(e.code);
          r.message = stored(e.message ?? '');
        } else if (e.action !== 'invite') {
          r.action = e.action ?? null;
          r.from_role = stored(e.from ?? null);
        }
      }
      if (e.copies)
        for (const c of this.named(cid, stored(e.email)))
          if (c.code === null && c.line > e.line) {
            c.action = null;
            this.copies++;
          }
    }
  }

  markDuplicates(): void {
    if (this.copies === 0) return;
    // The first failed row of each (company, e-mail, role).
    const failed = new Map<string, Row>();
    const key = (r: Row) => JSON.stringify([r.cid, r.email, r.role]);
    for (const r of this.rows) {
      if (r.code === null || r.cid === null || r.email === null || r.role === null) continue;
      const k = key(r);
      if (!failed.has(k)) failed.set(k, r);
    }
    const codes = new Map([...failed].map(([k, r]) => [k, { line: r.line, code: r.code, message: r.message }]));
    for (const r of this.rows) {
      if (r.code !== null || r.action !== null || r.cid === null) continue;
      if (r.email !== null && r.role !== null) {
        const f = codes.get(key(r));
        if (f && f.line < r.line) {
          r.code = f.code;
          r.message = f.message;
          continue;
        }
      }
      r.action = 'dup';
    }
  }

  failInvitesAfter(cid: number, keep: number, code: string, message: string): number {
    code = stored(code);
    message = stored(message);
    let failed = 0;
    let kept = 0;
    for (const r of this.rows) {
      if (r.code !== null || r.cid !== cid || r.action !== 'invite') continue;
      if (kept < keep) kept++;
      else {
        r.code = code;
        r.message = message;
        failed++;
      }
    }
    if (failed === 0 || this.copies === 0) return failed;
    // The first line of each (e-mail, role) that now fails this way for lack of a seat.
    const noSeat = new Map<string, number>();
    const key = (r: Row) => JSON.stringify([r.email, r.role]);
    for (const r of this.rows)
      if (r.cid === cid && r.code === code && r.action === 'invite' && r.email !== null && r.role !== null) {
        const k = key(r);
        if (!noSeat.has(k)) noSeat.set(k, r.line);
      }
    for (const r of this.rows) {
      if (r.code !== null || r.action !== 'dup' || r.cid !== cid || r.email === null || r.role === null) continue;
      const first = noSeat.get(key(r));
      if (first !== undefined && first < r.line) {
        r.code = code;
        r.message = message;
        failed++;
      }
    }
    return failed;
  }

  counts(applied = false): CompanyCounts[] {
    const by = new Map<number, CompanyCounts>();
    for (const r of this.rows) {
      if (r.cid === null) continue;
      let c = by.get(r.cid);
      if (!c)
        by.set(r.cid, (c = { cid: r.cid, first_line: r.line, invite: 0, update_: 0, same: 0, failed: 0, remove: 0 }));
      if (r.code !== null) {
        c.failed++;
        continue;
      }
      const same = r.action === 'same' || r.action === 'dup';
      if (applied) {
        if ((r.action === 'invite' && r.outcome === null) || r.outcome === 'invite') c.invite++;
        if ((r.action === 'update' && r.outcome === null) || r.outcome === 'update') c.update_++;
        if (same || r.outcome === 'unchanged') c.same++;
      } else {
        if (r.action === 'invite') c.invite++;
        if (r.action === 'update') c.update_++;
        if (same) c.same++;
      }
    }
    for (const c of by.values())
      for (const m of this.removals.get(c.cid)?.values() ?? []) if (!applied || m.done) c.remove++;
    // One company (bindCompanies) gives every row its id: one entry, as the file's single aggregate.
    return [...by.values()];
  }

  appliedDiffers(): boolean {
    if (this.recorded) return true;
    for (const m of this.removals.values()) if (m.size > 0) return true;
    return false;
  }

  markRemoved(rows: [number, string, string][]): void {
    if (rows.length) this.recorded = true;
    for (const [cid, email, role] of rows) {
      const m = this.removals.get(cid)?.get(stored(email));
      if (m) {
        m.done = true;
        m.role = stored(role);
      }
    }
  }

  rangeCounts(after: number, upTo: number, unrecorded: readonly number[]): Map<number | null, RangeCounts> {
    const out = new Map<number | null, RangeCounts>();
    const at = (cid: number | null) => {
      let c = out.get(cid);
      if (!c) out.set(cid, (c = { unchanged: 0, failed: 0 }));
      return c;
    };
    const start = this.after(after);
    if (unrecorded.length === 0) {
      for (let i = start; i < this.rows.length && this.rows[i]!.line <= upTo; i++) {
        const r = this.rows[i]!;
        if (r.code !== null) at(r.cid).failed++;
        else if (r.action === 'same' || r.action === 'dup') at(r.cid).unchanged++;
      }
      return out;
    }
    const now = new Set(unrecorded);
    // Rows failing now, as (company, e-mail, role): their unchanged copies in the range fail too.
    const keys = new Set<string>();
    for (const line of now) {
      const f = this.row(line);
      if (f && f.cid !== null && f.email !== null && f.role !== null)
        keys.add(JSON.stringify([f.cid, f.email, f.role]));
    }
    for (let i = start; i < this.rows.length && this.rows[i]!.line <= upTo; i++) {
      const r = this.rows[i]!;
      const copy =
        r.code === null &&
        r.action === 'dup' &&
        r.cid !== null &&
        r.email !== null &&
        r.role !== null &&
        keys.has(JSON.stringify([r.cid, r.email, r.role]));
      const c = at(r.cid);
      if (r.code === null && (r.action === 'same' || r.action === 'dup') && !copy) c.unchanged++;
      if (r.code !== null || now.has(r.line) || copy) c.failed++;
    }
    return out;
  }

  lastLine(): number {
    return this.rows.length ? this.rows[this.rows.length - 1]!.line : 0;
  }

  failedCount(): number {
    let n = 0;
    for (const r of this.rows) if (r.code !== null) n++;
    return n;
  }

  errorsPage(afterLine: number, limit: number): RowError[] {
    const out: RowError[] = [];
    for (let i = this.after(afterLine); i < this.rows.length && out.length < limit; i++) {
      const r = this.rows[i]!;
      if (r.code !== null) out.push({ line: r.line, email: r.email, code: r.code, message: r.message! });
    }
    return out;
  }

  changesPage(afterLine: number, limit: number): ChangeRow[] {
    const out: ChangeRow[] = [];
    for (let i = this.after(afterLine); i < this.rows.length && out.length < limit; i++) {
      const r = this.rows[i]!;
      if (r.code === null && (r.action === 'invite' || r.action === 'update'))
        out.push({
          line: r.line,
          cid: r.cid!,
          email: r.email!,
          role: r.role!,
          planned: r.action,
          plannedFrom: r.from_role,
        });
    }
    return out;
  }

  hasChangesAfter(line: number): boolean {
    for (let i = this.after(line); i < this.rows.length; i++) {
      const r = this.rows[i]!;
      if (r.code === null && (r.action === 'invite' || r.action === 'update')) return true;
    }
    return false;
  }

  companyChangesPage(cid: number, after: string, limit: number, applied = false): PlannedRow[] {
    const list = this.sorted(cid);
    const out: PlannedRow[] = [];
    for (let i = this.emailIndex(list, after); i < list.length && out.length < limit; i++) {
      const r = list[i]!;
      if (r.code !== null) continue;
      const change = r.action === 'invite' || r.action === 'update';
      const made = r.outcome === 'invite' || r.outcome === 'update';
      if (applied ? (change && r.outcome === null) || made : change)
        out.push({
          line: r.line,
          cid,
          email: r.email!,
          role: r.role!,
          action: (applied ? (r.outcome ?? r.action) : r.action) as PlannedRow['action'],
          from_role: r.from_role,
        });
    }
    return out;
  }

  // ---- removals (member sync --prune) ----
  notInFile(cid: number, emails: string[]): Set<string> {
    const out = new Set<string>();
    for (const email of emails) {
      const e = stored(email);
      if (!this.named(cid, e).some((r) => r.code === null)) out.add(e);
    }
    return out;
  }

  addRemovals(rows: Removal[]): void {
    for (const r of rows) {
      let m = this.removals.get(r.cid);
      if (!m) this.removals.set(r.cid, (m = new Map<string, RemovalRow>()));
      const email = stored(r.email);
      m.set(email, { cid: r.cid, email, role: stored(r.role), user_id: r.user_id, done: false });
      this.removalOrder.delete(r.cid);
    }
  }

  removalsPage(cid: number, after: string, limit: number, done = false): Removal[] {
    let list = this.removalOrder.get(cid);
    if (!list) {
      list = [...(this.removals.get(cid)?.values() ?? [])].sort((a, b) => codePointOrder(a.email, b.email));
      this.removalOrder.set(cid, list);
    }
    const out: Removal[] = [];
    for (const m of list) {
      if (out.length >= limit) break;
      if (codePointOrder(m.email, after) <= 0 || (done && !m.done)) continue;
      out.push({ cid: m.cid, email: m.email, role: m.role, user_id: m.user_id });
    }
    return out;
  }

  // ---- outcomes ----
  setOutcomes(entries: Outcome[]): void {
    if (entries.length) this.recorded = true;
    for (const e of entries) {
      const r = this.row(e.line);
      if (!r) continue;
      if (e.code) {
        r.code = stored(e.code);
        r.message = stored(e.message ?? '');
        r.outcome = null;
        if (this.copies > 0 && r.cid !== null && r.email !== null && r.role !== null)
          for (const c of this.named(r.cid, r.email))
            if (c.code === null && c.action === 'dup' && c.line > r.line && c.role === r.role) {
              c.code = r.code;
              c.message = r.message;
            }
      } else {
        r.outcome = e.outcome ?? null;
        r.from_role = stored(e.from ?? null) ?? r.from_role;
      }
    }
  }
}
