import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The private scratch database of one `member import` / `member sync` run: every input
 * row, what the store said about it and what became of it. It lives in SQLite's own
 * temporary file (an empty file name): created 0600 in SQLITE_TMPDIR / TMPDIR / /var/tmp
 * and unlinked by SQLite as soon as it is opened, so nothing is left behind whatever
 * ends the process (error, Ctrl-C, SIGKILL). Pages beyond the cache spill to that file,
 * which bounds memory however large the input.
 */

/** One input row as validated on reading. */
export interface WorkRow {
  line: number;
  /** Normalised e-mail when valid; otherwise the text as given (trimmed), or null. */
  email: string | null;
  role: string | null;
  /** The company cell as written (trimmed); '' when the row names none. */
  ref: string;
  code: string | null;
  message: string | null;
}

/** What planning decided for a row: a change, or unchanged (`same`, or `dup` for a repeated row). */
export type RowAction = 'invite' | 'update' | 'same' | 'dup';

export interface PlannedRow {
  line: number;
  cid: number;
  email: string;
  role: string;
  action: RowAction;
  from_role: string | null;
}

/** A planned change as applying reads it: it decides the change again against the store. */
export interface ChangeRow {
  line: number;
  cid: number;
  email: string;
  role: string;
  /** What the plan decided; applying may decide otherwise (someone changed the member meanwhile). */
  planned: 'invite' | 'update';
  /** For a planned role change: the role it planned to change. */
  plannedFrom: string | null;
}

/** One e-mail of a company as the file lists it (emailsPage). */
export interface EmailGroup {
  email: string;
  /** Its first line. */
  line: number;
  /** The role of that line when it is the only one (otherwise see rowsOf). */
  role: string;
  /** How many valid rows name it. */
  rows: number;
}

/** A planning decision for the first row of an e-mail (setPlan): an action, or a failure. */
export interface PlanEntry {
  line: number;
  email: string;
  /** Later rows name the same e-mail (left for markDuplicates). */
  copies: boolean;
  action?: RowAction;
  from?: string | null;
  code?: string;
  message?: string;
}

export interface RowError {
  line: number;
  email: string | null;
  code: string;
  message: string;
}

export interface CompanyCounts {
  cid: number;
  first_line: number;
  invite: number;
  update_: number;
  same: number;
  failed: number;
  remove: number;
}

export interface Removal {
  cid: number;
  email: string;
  role: string;
  user_id: number | null;
}

const SCHEMA = `
CREATE TABLE rows (
  line      INTEGER PRIMARY KEY,
  email     TEXT,
  role      TEXT,
  ref       TEXT NOT NULL,
  cid       INTEGER,
  code      TEXT,
  message   TEXT,
  action    TEXT,
  from_role TEXT,
  outcome   TEXT           -- after apply, only where it differs from the plan: 'unchanged'
);
CREATE TABLE refs (ref TEXT PRIMARY KEY, cid INTEGER, code TEXT, message TEXT) WITHOUT ROWID;
CREATE TABLE removals (
  cid      INTEGER NOT NULL,
  email    TEXT    NOT NULL,
  role     TEXT    NOT NULL,
  user_id  INTEGER,
  done     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cid, email)
) WITHOUT ROWID;
`;

/**
 * What a bulk run keeps of its input while it plans and applies: every row, what the
 * store said about it and what became of it. Two kinds: WorkFile (below), a private
 * SQLite file whose memory stays bounded however large the input, and MemoryWork
 * (work-memory.ts), plain arrays for inputs that fit in a few tens of MB, which plan at
 * a fraction of the file's cost. Both answer every call alike (test/store/work-memory.test.ts).
 */
export interface Work {
  addRows(rows: WorkRow[]): void;
  indexRows(): void;
  rowCount(): number;
  namedRefs(limit: number): { ref: string; line: number }[];
  rebind(ref: string): void;
  refs(): string[];
  resolveRef(ref: string, cid: number | null, error?: { code: string; message: string }): void;
  bindCompanies(): void;
  rowsOf(cid: number, email: string): { line: number; role: string }[];
  failConflicting(
    email: string,
    rows: { line: number; role: string }[],
    message: (email: string, others: string) => string,
  ): void;
  companies(): { cid: number; first_line: number }[];
  emailsPage(cid: number, after: string, limit: number): EmailGroup[];
  setPlan(cid: number, entries: PlanEntry[]): void;
  markDuplicates(): void;
  failInvitesAfter(cid: number, keep: number, code: string, message: string): number;
  counts(applied?: boolean): CompanyCounts[];
  appliedDiffers(): boolean;
  markRemoved(rows: [number, string, string][]): void;
  rangeCounts(after: number, upTo: number, unrecorded: readonly number[]): Map<number | null, RangeCounts>;
  lastLine(): number;
  failedCount(): number;
  errorsPage(afterLine: number, limit: number): RowError[];
  changesPage(afterLine: number, limit: number): ChangeRow[];
  hasChangesAfter(line: number): boolean;
  companyChangesPage(cid: number, after: string, limit: number, applied?: boolean): PlannedRow[];
  notInFile(cid: number, emails: string[]): Set<string>;
  addRemovals(rows: Removal[]): void;
  removalsPage(cid: number, after: string, limit: number, done?: boolean): Removal[];
  setOutcomes(entries: Outcome[]): void;
  close(): void;
}

/** Where applying differed from the plan (Work.setOutcomes). */
export interface Outcome {
  line: number;
  outcome?: 'unchanged' | 'invite' | 'update';
  /** For a role change: the role applying found. */
  from?: string | null;
  code?: string;
  message?: string;
}

/** Rows per INSERT statement in addRows (7 parameters each, well under SQLite's limit). */
const ADD_BATCH = 20;

/** Rows of a range of lines that applying does not count itself (WorkFile.rangeCounts). */
export interface RangeCounts {
  unchanged: number;
  failed: number;
}

export class WorkFile implements Work {
  private readonly stmts = new Map<string, BetterSqlite3.Statement>();
  /** Set once applying recorded an outcome or a removal (counts(true) then differ from the plan's). */
  private recorded = false;
  /** Later copies of rows (same company and e-mail) that planning left to markDuplicates. */
  private copies = 0;
  /** The company of every row when the file names one company cell (bindCompanies). */
  private single: { cid: number | null } | undefined;
  private constructor(private readonly db: BetterSqlite3.Database) {}

  /** Opens a new, empty work file (see above). */
  static async open(): Promise<WorkFile> {
    // A CommonJS package: required, not imported (as LocalStore does): import() would
    // start the ES module loader and scan the package for its exports (~10 ms).
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database('');
    // Scratch data: no journal to sync, 8 MB of cache before pages spill to the file.
    // better-sqlite3's defensive mode refuses journal_mode OFF without a word unless unsafe
    // mode is on while it is set: the work file kept a rollback journal (~40 MB of writes
    // for 100,000 rows). Nothing here is ever rolled back: any error ends the whole run.
    db.unsafeMode(true);
    db.pragma('journal_mode = OFF');
    db.unsafeMode(false);
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -8000');
    db.exec(SCHEMA);
    return new WorkFile(db);
  }

  private q(sql: string): BetterSqlite3.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** A statement that returns rows as arrays: reading 100,000 rows as objects costs half as much again. */
  private qRaw(sql: string): BetterSqlite3.Statement {
    let s = this.stmts.get(`raw:${sql}`);
    if (!s) this.stmts.set(`raw:${sql}`, (s = this.db.prepare(sql).raw(true)));
    return s;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- reading ----
  /**
   * A valid row goes in planned as an invitation, what nearly every row of a large file
   * turns out to be: planning then writes only the other decisions (setPlan).
   */
  addRows(rows: WorkRow[]): void {
    // Rows go in ADD_BATCH at a time, one statement each, its values passed as arguments
    // (better-sqlite3 reads an array's elements one property lookup at a time): ~40% less
    // than one statement per row.
    const one = this.q(`INSERT INTO rows (line, email, role, ref, code, message, action) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const many = this.q(
      `INSERT INTO rows (line, email, role, ref, code, message, action) VALUES ${Array<string>(ADD_BATCH).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    const args = new Array<unknown>(ADD_BATCH * 7);
    this.db.transaction(() => {
      let i = 0;
      for (; i + ADD_BATCH <= rows.length; i += ADD_BATCH) {
        for (let j = 0; j < ADD_BATCH; j++) {
          const r = rows[i + j]!;
          const k = j * 7;
          args[k] = r.line;
          args[k + 1] = r.email;
          args[k + 2] = r.role;
          args[k + 3] = r.ref;
          args[k + 4] = r.code;
          args[k + 5] = r.message;
          args[k + 6] = r.code === null ? 'invite' : null;
        }
        many.run(...args);
      }
      for (; i < rows.length; i++) {
        const r = rows[i]!;
        one.run(r.line, r.email, r.role, r.ref, r.code, r.message, r.code === null ? 'invite' : null);
      }
    })();
  }

  /**
   * Once every row has its company (bindCompanies): the indexes planning reads by, built
   * at once (faster than row by row, and before binding every row's company would have
   * been written into the index too). The role makes the first one cover the e-mail pages.
   */
  indexRows(): void {
    this.db.exec(`
      CREATE INDEX IF NOT EXISTS rows_company_email ON rows (cid, email, line, role) WHERE code IS NULL;
      CREATE INDEX IF NOT EXISTS rows_failed ON rows (line) WHERE code IS NOT NULL;
      CREATE INDEX IF NOT EXISTS rows_unchanged ON rows (line) WHERE code IS NULL AND action IN ('same', 'dup');`);
  }

  rowCount(): number {
    return (this.q(`SELECT count(*) AS n FROM rows`).get() as { n: number }).n;
  }

  /** Up to `limit` different company cells the file names, with the first line naming each. */
  namedRefs(limit: number): { ref: string; line: number }[] {
    return this.q(
      `SELECT ref, min(line) AS line FROM rows WHERE ref <> '' GROUP BY ref ORDER BY line LIMIT :limit`,
    ).all({ limit }) as { ref: string; line: number }[];
  }

  /** Points every row at one company cell (`--company` rebinding the file). */
  rebind(ref: string): void {
    this.q(`UPDATE rows SET ref = :ref`).run({ ref });
  }

  /** The distinct company cells of the rows ('' = none). */
  refs(): string[] {
    return (this.q(`SELECT DISTINCT ref FROM rows`).all() as { ref: string }[]).map((r) => r.ref);
  }

  /** Records what a company cell resolved to: a company id, or an error for its rows. */
  resolveRef(ref: string, cid: number | null, error?: { code: string; message: string }): void {
    this.q(`INSERT OR REPLACE INTO refs (ref, cid, code, message) VALUES (:ref, :cid, :code, :message)`).run({
      ref,
      cid,
      code: error?.code ?? null,
      message: error?.message ?? null,
    });
  }

  /**
   * Gives each row its company id; rows whose cell did not resolve (or that the actor
   * may not manage) fail with that error, unless they already failed on reading.
   */
  bindCompanies(): void {
    const refs = this.q(`SELECT ref, cid, code, message FROM refs`).all() as {
      ref: string;
      cid: number | null;
      code: string | null;
      message: string | null;
    }[];
    if (refs.length === 1) {
      // One company for the whole file (the usual case): no lookup per row.
      const r = refs[0]!;
      this.single = { cid: r.cid };
      this.q(`UPDATE rows SET cid = ?`).run(r.cid);
      if (r.code) this.q(`UPDATE rows SET code = ?, message = ? WHERE code IS NULL`).run(r.code, r.message);
      return;
    }
    this.db.exec(`
      UPDATE rows SET cid = (SELECT cid FROM refs WHERE refs.ref = rows.ref);
      UPDATE rows SET code = (SELECT code FROM refs WHERE refs.ref = rows.ref),
                      message = (SELECT message FROM refs WHERE refs.ref = rows.ref)
       WHERE code IS NULL AND (SELECT code FROM refs WHERE refs.ref = rows.ref) IS NOT NULL;`);
  }

  /** The valid rows of a company naming an e-mail, in line order. */
  rowsOf(cid: number, email: string): { line: number; role: string }[] {
    return this.q(`SELECT line, role FROM rows WHERE code IS NULL AND cid = :cid AND email = :email ORDER BY line`).all(
      { cid, email },
    ) as { line: number; role: string }[];
  }

  /**
   * Fails the rows (rowsOf) of an e-mail listed for one company with different roles,
   * each row naming the others. The same row twice is harmless.
   */
  failConflicting(
    email: string,
    rows: { line: number; role: string }[],
    message: (email: string, others: string) => string,
  ): void {
    const fail = this.q(`UPDATE rows SET code = 'INVALID_INPUT', message = :message WHERE line = :line`);
    const listed = rows.slice(0, 6).map((r) => `${r.line} (${r.role})`);
    const all = listed.join(', ') + (rows.length > 6 ? `, and ${rows.length - 6} more` : '');
    this.db.transaction(() => {
      for (const r of rows) fail.run({ line: r.line, message: message(email, all) });
    })();
  }

  /** Companies the valid rows go to, in order of the first line naming each. */
  companies(): { cid: number; first_line: number }[] {
    if (this.single) {
      // Every row has the one company: the first line is the first row's.
      const first = this.q(`SELECT min(line) AS line FROM rows`).get() as { line: number | null };
      return this.single.cid === null || first.line === null ? [] : [{ cid: this.single.cid, first_line: first.line }];
    }
    return this.q(
      `SELECT cid, min(line) AS first_line FROM rows WHERE cid IS NOT NULL GROUP BY cid ORDER BY first_line`,
    ).all() as { cid: number; first_line: number }[];
  }

  // ---- planning ----
  /**
   * A page of a company's distinct valid e-mails (e-mail order) with the first row of each
   * and how many rows name it.
   */
  emailsPage(cid: number, after: string, limit: number): EmailGroup[] {
    // The rows themselves in index order (company, e-mail, line), grouped here: a GROUP BY
    // in SQLite costs half as much again, and nearly every e-mail is on one row.
    const rows = this.qRaw(
      `SELECT email, line, role FROM rows
        WHERE code IS NULL AND cid = :cid AND email > :after ORDER BY email, line LIMIT :limit`,
    ).all({ cid, after, limit }) as [string, number, string][];
    const groups: EmailGroup[] = [];
    for (const [email, line, role] of rows) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last.email === email) last.rows++;
      else groups.push({ email, line, role, rows: 1 });
    }
    // A full page may have cut the last e-mail's rows short: it starts the next page,
    // unless it fills this one, when its rows are counted here.
    if (rows.length === limit && rows.length > 0) {
      if (groups.length > 1) groups.pop();
      else
        groups[0]!.rows = (
          this.q(`SELECT count(*) AS n FROM rows WHERE code IS NULL AND cid = :cid AND email = :email`).get({
            cid,
            email: groups[0]!.email,
          }) as { n: number }
        ).n;
    }
    return groups;
  }

  /**
   * Records planning decisions for the first row of an e-mail of a company where it is
   * not the invitation the row was loaded as: a failure, or another action; and, for an
   * e-mail with later rows (`copies`), leaves those to markDuplicates.
   */
  setPlan(cid: number, entries: PlanEntry[]) {
    const act = this.q(`UPDATE rows SET action = ?, from_role = ? WHERE line = ?`);
    const fail = this.q(`UPDATE rows SET code = ?, message = ? WHERE line = ?`);
    const later = this.q(`UPDATE rows SET action = NULL WHERE code IS NULL AND cid = ? AND email = ? AND line > ?`);
    this.db.transaction(() => {
      for (const e of entries) {
        if (e.code) fail.run(e.code, e.message ?? '', e.line);
        else if (e.action !== 'invite') act.run(e.action ?? null, e.from ?? null, e.line);
        if (e.copies) this.copies += later.run(cid, e.email, e.line).changes;
      }
    })();
  }

  /**
   * Later copies of a row already planned (same company, e-mail and role) are unchanged
   * duplicates — or, when the first copy failed, fail the same way: a refused row repeated
   * further down must not count as unchanged (`bob,OWNER` twice under
   * --continue-on-error is two failures; test/commands/member/fuzz-import.test.ts).
   */
  markDuplicates(): void {
    // Later copies are the valid rows without an action (setPlan): without any, nothing to do.
    if (this.copies === 0) return;
    this.db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS failed_keys (cid INTEGER, email TEXT, role TEXT, line INTEGER, code TEXT, message TEXT,
        PRIMARY KEY (cid, email, role));
      DELETE FROM failed_keys;
      INSERT INTO failed_keys
        SELECT cid, email, role, min(line), code, message FROM rows
         WHERE code IS NOT NULL AND cid IS NOT NULL AND email IS NOT NULL AND role IS NOT NULL
         GROUP BY cid, email, role;
      UPDATE rows SET (code, message) = (SELECT f.code, f.message FROM failed_keys f
                                          WHERE f.cid = rows.cid AND f.email = rows.email AND f.role = rows.role)
       WHERE code IS NULL AND action IS NULL AND cid IS NOT NULL
         AND EXISTS (SELECT 1 FROM failed_keys f
                      WHERE f.cid = rows.cid AND f.email = rows.email AND f.role = rows.role AND f.line < rows.line);
      UPDATE rows SET action = 'dup' WHERE code IS NULL AND action IS NULL AND cid IS NOT NULL;`);
  }

  /**
   * Fails, with the error given, a company's planned invitations after the first `keep`
   * (file order), and the later copies of those rows (markDuplicates made them unchanged
   * duplicates of a row that now gets no seat: they must fail the same way, not count as
   * unchanged).
   */
  failInvitesAfter(cid: number, keep: number, code: string, message: string): number {
    const failed = this.q(
      `UPDATE rows SET code = :code, message = :message WHERE line IN (
         SELECT line FROM rows WHERE code IS NULL AND cid = :cid AND action = 'invite' ORDER BY line LIMIT -1 OFFSET :keep)`,
    ).run({ cid, keep, code, message }).changes;
    if (failed === 0 || this.copies === 0) return failed;
    this.db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS no_seat (email TEXT, role TEXT, line INTEGER, PRIMARY KEY (email, role)) WITHOUT ROWID;
      DELETE FROM no_seat;`);
    this.q(
      `INSERT INTO no_seat SELECT email, role, min(line) FROM rows
        WHERE cid = :cid AND code = :code AND action = 'invite' GROUP BY email, role`,
    ).run({ cid, code });
    return (
      failed +
      this.q(
        `UPDATE rows SET code = :code, message = :message
          WHERE code IS NULL AND action = 'dup' AND cid = :cid
            AND EXISTS (SELECT 1 FROM no_seat s WHERE s.email = rows.email AND s.role = rows.role AND s.line < rows.line)`,
      ).run({ cid, code, message }).changes
    );
  }

  /**
   * Rows and removals per company: as planned, or (applied) as the apply turned out —
   * planned changes that found the member already so count as unchanged.
   */
  counts(applied = false): CompanyCounts[] {
    // IS, not =: a row between setPlan and markDuplicates has no action, and counts 0, not NULL.
    // One company (bindCompanies): one aggregate, without sorting every row by company.
    const by = this.single ? 'HAVING count(*) > 0' : 'GROUP BY cid ORDER BY first_line';
    const sql = applied
      ? `SELECT cid, min(line) AS first_line,
                sum(code IS NULL AND ((action IS 'invite' AND outcome IS NULL) OR outcome IS 'invite')) AS invite,
                sum(code IS NULL AND ((action IS 'update' AND outcome IS NULL) OR outcome IS 'update')) AS update_,
                sum(code IS NULL AND ((action IS 'same' OR action IS 'dup') OR outcome IS 'unchanged')) AS same,
                sum(code IS NOT NULL) AS failed,
                (SELECT count(*) FROM removals m WHERE m.cid = rows.cid AND m.done = 1) AS remove
           FROM rows WHERE cid IS NOT NULL ${by}`
      : `SELECT cid, min(line) AS first_line,
                sum(code IS NULL AND action IS 'invite') AS invite,
                sum(code IS NULL AND action IS 'update') AS update_,
                sum(code IS NULL AND (action IS 'same' OR action IS 'dup')) AS same,
                sum(code IS NOT NULL) AS failed,
                (SELECT count(*) FROM removals m WHERE m.cid = rows.cid) AS remove
           FROM rows WHERE cid IS NOT NULL ${by}`;
    return this.q(sql).all() as CompanyCounts[];
  }

  /**
   * Whether counts(true) may differ from counts(): applying recorded an outcome that
   * differs from the plan, or there are removals (counted only once done).
   */
  appliedDiffers(): boolean {
    return this.recorded || this.q(`SELECT 1 FROM removals LIMIT 1`).get() !== undefined;
  }

  /** Marks removals as done once their transaction committed. */
  markRemoved(rows: [number, string, string][]): void {
    if (rows.length) this.recorded = true;
    // Done, with the role the member had when removed (someone may have re-roled them since the plan).
    const done = this.q(`UPDATE removals SET done = 1, role = :role WHERE cid = :cid AND email = :email`);
    this.db.transaction(() => {
      for (const [cid, email, role] of rows) done.run({ cid, email, role });
    })();
  }

  /**
   * What the rows in lines (after, upTo] that applying does not count came to, per
   * company (null: rows without one): unchanged (planned so, and their later copies) and
   * failed (on reading or planning, or recorded from applying). `unrecorded` are lines
   * that failed as they were applied but are not recorded yet (setOutcomes): they, and
   * the copies of them in the range, count as failed too. A run counts its rows a range
   * at a time, in line order, so that an interrupted run reports the lines it reached.
   */
  rangeCounts(after: number, upTo: number, unrecorded: readonly number[]): Map<number | null, RangeCounts> {
    if (unrecorded.length === 0) {
      // Nothing failed unrecorded (the usual case): only the unchanged and the failed rows
      // of the range are read, through their own indexes, not every row of it.
      const rows = this.q(
        `SELECT cid, sum(unchanged) AS unchanged, sum(failed) AS failed FROM (
           SELECT cid, 1 AS unchanged, 0 AS failed FROM rows
            WHERE code IS NULL AND action IN ('same', 'dup') AND line > :after AND line <= :upto
           UNION ALL
           SELECT cid, 0, 1 FROM rows WHERE code IS NOT NULL AND line > :after AND line <= :upto)
         GROUP BY cid`,
      ).all({ after, upto: upTo }) as ({ cid: number | null } & RangeCounts)[];
      return new Map(rows.map((r) => [r.cid, { unchanged: r.unchanged, failed: r.failed }]));
    }
    const rows = this.q(
      `WITH now(line) AS (SELECT value FROM json_each(:now)),
            copies(line) AS (
              SELECT line FROM rows
               WHERE line > :after AND line <= :upto AND code IS NULL AND action = 'dup'
                 AND (cid, email, role) IN (SELECT f.cid, f.email, f.role FROM now JOIN rows f ON f.line = now.line))
       SELECT cid,
              sum(code IS NULL AND (action IS 'same' OR action IS 'dup') AND line NOT IN (SELECT line FROM copies)) AS unchanged,
              sum(code IS NOT NULL OR line IN (SELECT line FROM now) OR line IN (SELECT line FROM copies)) AS failed
         FROM rows WHERE line > :after AND line <= :upto GROUP BY cid`,
    ).all({ after, upto: upTo, now: JSON.stringify(unrecorded) }) as ({ cid: number | null } & RangeCounts)[];
    return new Map(rows.map((r) => [r.cid, { unchanged: r.unchanged, failed: r.failed }]));
  }

  /** The line of the input's last row (0 without rows). */
  lastLine(): number {
    return (this.q(`SELECT coalesce(max(line), 0) AS n FROM rows`).get() as { n: number }).n;
  }

  failedCount(): number {
    return (this.q(`SELECT count(*) AS n FROM rows WHERE code IS NOT NULL`).get() as { n: number }).n;
  }

  /** A page of failed rows in line order. */
  errorsPage(afterLine: number, limit: number): RowError[] {
    return this.q(
      `SELECT line, email, code, message FROM rows WHERE code IS NOT NULL AND line > :after ORDER BY line LIMIT :limit`,
    ).all({ after: afterLine, limit }) as RowError[];
  }

  /** A page of planned changes (invitations and role changes) in line order. */
  changesPage(afterLine: number, limit: number): ChangeRow[] {
    const rows = this.qRaw(
      `SELECT line, cid, email, role, action, from_role FROM rows
        WHERE line > ? AND code IS NULL AND action IN ('invite', 'update') ORDER BY line LIMIT ?`,
    ).all(afterLine, limit) as [number, number, string, string, 'invite' | 'update', string | null][];
    return rows.map(([line, cid, email, role, planned, plannedFrom]) => ({
      line,
      cid,
      email,
      role,
      planned,
      plannedFrom,
    }));
  }

  /** Whether a planned change follows the line. */
  hasChangesAfter(line: number): boolean {
    return (
      this.q(`SELECT 1 FROM rows WHERE line > ? AND code IS NULL AND action IN ('invite', 'update') LIMIT 1`).get(
        line,
      ) !== undefined
    );
  }

  /**
   * A company's planned changes in e-mail order, for showing a plan; or (`applied`) the
   * changes applying made, as it decided them.
   */
  companyChangesPage(cid: number, after: string, limit: number, applied = false): PlannedRow[] {
    if (applied)
      return this.q(
        `SELECT line, cid, email, role, coalesce(outcome, action) AS action, from_role FROM rows
          WHERE cid = :cid AND email > :after AND code IS NULL
            AND ((action IN ('invite', 'update') AND outcome IS NULL) OR outcome IN ('invite', 'update'))
          ORDER BY email LIMIT :limit`,
      ).all({ cid, after, limit }) as PlannedRow[];
    return this.q(
      `SELECT line, cid, email, role, action, from_role FROM rows
        WHERE cid = :cid AND email > :after AND code IS NULL AND action IN ('invite', 'update')
        ORDER BY email LIMIT :limit`,
    ).all({ cid, after, limit }) as PlannedRow[];
  }

  // ---- removals (member sync --prune) ----
  /** Of a page of a company's members, those no valid row of the file names. */
  notInFile(cid: number, emails: string[]): Set<string> {
    const rows = this.q(
      `SELECT j.value AS email FROM json_each(:emails) j
        WHERE NOT EXISTS (SELECT 1 FROM rows r WHERE r.code IS NULL AND r.cid = :cid AND r.email = j.value)`,
    ).all({ cid, emails: JSON.stringify(emails) }) as { email: string }[];
    return new Set(rows.map((r) => r.email));
  }

  addRemovals(rows: Removal[]): void {
    const ins = this.q(
      `INSERT OR REPLACE INTO removals (cid, email, role, user_id) VALUES (:cid, :email, :role, :user_id)`,
    );
    this.db.transaction(() => {
      for (const r of rows) ins.run(r);
    })();
  }

  /** A company's removals in e-mail order; `done`: only those committed (markRemoved). */
  removalsPage(cid: number, after: string, limit: number, done = false): Removal[] {
    return this.q(
      `SELECT cid, email, role, user_id FROM removals
        WHERE cid = :cid AND email > :after AND (done = 1 OR NOT :done) ORDER BY email LIMIT :limit`,
    ).all({ cid, after, limit, done: done ? 1 : 0 }) as Removal[];
  }

  // ---- outcomes ----
  /**
   * Records where applying differed from the plan: a planned change that found the
   * member already so ('unchanged'), that became an invitation or a role change because
   * someone changed the member meanwhile ('invite', 'update'), or a row that failed at
   * apply time. A complete run's other planned changes were applied as planned.
   */
  setOutcomes(entries: Outcome[]): void {
    if (entries.length) this.recorded = true;
    const ok = this.q(`UPDATE rows SET outcome = ?, from_role = coalesce(?, from_role) WHERE line = ?`);
    const fail = this.q(`UPDATE rows SET code = ?, message = ?, outcome = NULL WHERE line = ?`);
    // A row that failed as it was applied (a seat taken meanwhile) fails on the lines that
    // repeat it too: they were planned as its unchanged copies ('dup') and are never applied.
    const copies = this.q(
      `UPDATE rows SET code = :code, message = :message
        WHERE code IS NULL AND action = 'dup' AND line > :line
          AND (cid, email, role) = (SELECT cid, email, role FROM rows WHERE line = :line)`,
    );
    this.db.transaction(() => {
      for (const e of entries) {
        if (e.code) {
          fail.run(e.code, e.message ?? '', e.line);
          if (this.copies > 0) copies.run({ code: e.code, message: e.message ?? '', line: e.line });
        } else ok.run(e.outcome ?? null, e.from ?? null, e.line);
      }
    })();
  }
}
