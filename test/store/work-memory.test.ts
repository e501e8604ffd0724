import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkFile, type PlanEntry, type Work, type WorkRow } from '../../src/store/work-file.js';
import { MemoryWork, budgetBytes } from '../../src/store/work-memory.js';

/**
 * MemoryWork must answer every call as WorkFile does: random files, then random sequences
 * of the calls a run makes (in any order, repeated), applied to both; every answer is
 * compared. E-mails include characters whose UTF-16 order differs from SQLite's UTF-8
 * order (U+E000 against a character above U+FFFF), repeated rows, failed rows, rows
 * without an e-mail, several company cells and cells that fail to resolve.
 */
const EMAILS = ['a@x.org', 'b@x.org', 'B@x.org', 'é@x.org', '\uE000@x.org', '😀@x.org', 'z@x.org', 'a@y.org'];
const ROLES = ['DESIGNER', 'MANAGER', 'ADMINISTRATOR', 'OWNER'];
const REFS = ['', 'Acme', '7', 'Other'];
const CIDS = [1, 2, 3];

/** true with the probability p. */
const chance = (p: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < p * 100);

const rowArb = fc.record({
  gap: fc.integer({ min: 1, max: 3 }),
  email: fc.option(fc.constantFrom(...EMAILS), { freq: 12 }),
  // Mostly one role, so that repeated e-mails are often copies rather than conflicts.
  role: fc.constantFrom('DESIGNER', 'DESIGNER', 'DESIGNER', ...ROLES),
  ref: fc.constantFrom(...REFS),
  bad: chance(0.15),
});

const line = fc.integer({ min: 0, max: 90 });
const email = fc.constantFrom(...EMAILS, '', 'zz@x.org');
const cid = fc.constantFrom(...CIDS);
const limit = fc.integer({ min: 1, max: 7 });
const role = fc.constantFrom(...ROLES);

const opArb = fc.oneof(
  fc.record({ op: fc.constant('rowsOf' as const), cid, email }),
  fc.record({ op: fc.constant('failConflicting' as const), cid, email }),
  fc.record({ op: fc.constant('emailsPage' as const), cid, after: email, limit }),
  fc.record({ op: fc.constant('walkEmails' as const), cid, limit }),
  fc.record({
    op: fc.constant('setPlan' as const),
    cid,
    entries: fc.array(
      fc.record({
        line,
        email: fc.constantFrom(...EMAILS),
        copies: fc.boolean(),
        // A plan entry always has an action or a failure (planCompany).
        action: fc.constantFrom('invite' as const, 'update' as const, 'same' as const),
        from: fc.option(role, { nil: undefined }),
        fail: chance(0.2),
      }),
      { maxLength: 6 },
    ),
  }),
  fc.record({ op: fc.constant('markDuplicates' as const) }),
  fc.record({ op: fc.constant('failInvitesAfter' as const), cid, keep: fc.integer({ min: 0, max: 8 }) }),
  /* twice as likely: its copies' path needs a plan first */ fc.record({
    op: fc.constant('failInvitesAfter' as const),
    cid,
    keep: fc.integer({ min: 0, max: 8 }),
  }),
  fc.record({ op: fc.constant('counts' as const), applied: fc.boolean() }),
  fc.record({ op: fc.constant('companies' as const) }),
  fc.record({
    op: fc.constant('addRemovals' as const),
    rows: fc.array(
      fc.record({ cid, email: fc.constantFrom(...EMAILS, 'gone@x.org'), role, user_id: fc.option(fc.nat(5)) }),
      { maxLength: 5 },
    ),
  }),
  fc.record({ op: fc.constant('removalsPage' as const), cid, after: email, limit, done: fc.boolean() }),
  fc.record({
    op: fc.constant('markRemoved' as const),
    rows: fc.array(fc.tuple(cid, fc.constantFrom(...EMAILS), role), { maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('notInFile' as const), cid, emails: fc.array(email, { maxLength: 6 }) }),
  fc.record({ op: fc.constant('changesPage' as const), after: line, limit }),
  fc.record({ op: fc.constant('hasChangesAfter' as const), after: line }),
  fc.record({
    op: fc.constant('setOutcomes' as const),
    entries: fc.array(
      fc.record({
        line,
        outcome: fc.option(fc.constantFrom('unchanged' as const, 'invite' as const, 'update' as const), {
          nil: undefined,
        }),
        from: fc.option(role, { nil: undefined }),
        fail: chance(0.3),
      }),
      { maxLength: 5 },
    ),
  }),
  fc.record({
    op: fc.constant('rangeCounts' as const),
    after: line,
    upTo: line,
    unrecorded: fc.array(line, { maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('errorsPage' as const), after: line, limit }),
  fc.record({ op: fc.constant('companyChangesPage' as const), cid, after: email, limit, applied: fc.boolean() }),
  fc.record({ op: fc.constant('misc' as const) }),
);

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** Sets and maps as sorted arrays, so that answers compare by value. */
function plain(x: unknown): unknown {
  if (x instanceof Set) return [...x].sort();
  if (x instanceof Map) return [...x].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return x;
}

/** An op's line: most name a row of the file (`at` maps them), the others any line. */
function call(w: Work, o: Op, at: (n: number) => number): unknown {
  switch (o.op) {
    case 'rowsOf':
      return w.rowsOf(o.cid, o.email);
    case 'failConflicting': {
      const rows = w.rowsOf(o.cid, o.email);
      w.failConflicting(o.email, rows, (e, lines) => `${e} conflicts on ${lines}`);
      return rows;
    }
    case 'emailsPage':
      return w.emailsPage(o.cid, o.after, o.limit);
    case 'walkEmails': {
      const all = [];
      let after = '';
      for (;;) {
        const page = w.emailsPage(o.cid, after, o.limit);
        if (page.length === 0) return all;
        all.push(...page);
        after = page[page.length - 1]!.email;
      }
    }
    case 'setPlan':
      w.setPlan(
        o.cid,
        o.entries.map((e) =>
          e.fail
            ? { line: at(e.line), email: e.email, copies: e.copies, code: 'NOT_ALLOWED', message: `no ${e.line}` }
            : { line: at(e.line), email: e.email, copies: e.copies, action: e.action, from: e.from ?? null },
        ),
      );
      return null;
    case 'markDuplicates':
      w.markDuplicates();
      return null;
    case 'failInvitesAfter':
      return w.failInvitesAfter(o.cid, o.keep, 'SEAT_LIMIT', 'no seat left');
    case 'counts':
      return w.counts(o.applied);
    case 'companies':
      return w.companies();
    case 'addRemovals':
      w.addRemovals(o.rows);
      return null;
    case 'removalsPage':
      return w.removalsPage(o.cid, o.after, o.limit, o.done);
    case 'markRemoved':
      w.markRemoved(o.rows);
      return null;
    case 'notInFile':
      return plain(w.notInFile(o.cid, o.emails));
    case 'changesPage':
      return w.changesPage(at(o.after), o.limit);
    case 'hasChangesAfter':
      return w.hasChangesAfter(at(o.after));
    case 'setOutcomes':
      w.setOutcomes(
        o.entries.map((e) =>
          e.fail
            ? { line: at(e.line), code: 'SEAT_LIMIT', message: `taken ${e.line}` }
            : { line: at(e.line), outcome: e.outcome, from: e.from ?? null },
        ),
      );
      return null;
    case 'rangeCounts':
      return plain(w.rangeCounts(at(o.after), at(o.upTo), o.unrecorded.map(at)));
    case 'errorsPage':
      return w.errorsPage(at(o.after), o.limit);
    case 'companyChangesPage':
      return w.companyChangesPage(o.cid, o.after, o.limit, o.applied);
    case 'misc':
      return [w.lastLine(), w.failedCount(), w.rowCount(), w.appliedDiffers(), w.namedRefs(3), [...w.refs()].sort()];
  }
}

describe('MemoryWork answers as WorkFile does', () => {
  it('random files, company cells and call sequences: every answer equal', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { maxLength: 30 }),
        fc.option(fc.constantFrom(...REFS), { nil: undefined }),
        fc.array(fc.option(cid), { minLength: REFS.length, maxLength: REFS.length }),
        fc.array(opArb, { maxLength: 25 }),
        fc.option(
          fc.record({
            page: fc.integer({ min: 1, max: 5 }),
            decisions: fc.array(
              fc.constantFrom('invite' as const, 'update' as const, 'same' as const, 'fail' as const),
              {
                minLength: 1,
                maxLength: 9,
              },
            ),
          }),
          { nil: undefined, freq: 3 },
        ),
        async (input, rebind, resolved, ops, plan) => {
          let at = 1;
          const rows: WorkRow[] = input.map((r) => {
            at += r.gap;
            return {
              line: at,
              email: r.email,
              role: r.bad ? 'SUPREME' : r.role,
              ref: r.ref,
              code: r.bad || r.email === null ? 'INVALID_INPUT' : null,
              message: r.bad || r.email === null ? `bad line ${at}` : null,
            };
          });
          const file = await WorkFile.open();
          const mem = new MemoryWork();
          try {
            const both = (f: (w: Work) => unknown) => {
              const a = plain(f(file));
              const b = plain(f(mem));
              expect(b).toEqual(a);
            };
            // Read in two batches, as a run reads its input.
            both((w) => w.addRows(rows.slice(0, 11)));
            both((w) => w.addRows(rows.slice(11)));
            both((w) => [w.namedRefs(2), w.rowCount()]);
            if (rebind !== undefined) both((w) => w.rebind(rebind));
            const refs = file.refs();
            expect([...mem.refs()].sort()).toEqual([...refs].sort());
            refs.forEach((ref, i) => {
              const c = resolved[REFS.indexOf(ref)] ?? null;
              for (const w of [file, mem])
                if (c === null && i % 2 === 0) w.resolveRef(ref, null, { code: 'NOT_FOUND', message: `No "${ref}"` });
                else w.resolveRef(ref, c ?? CIDS[i % CIDS.length]!);
            });
            both((w) => w.bindCompanies());
            both((w) => w.indexRows());
            both((w) => w.companies());
            const at = (n: number) => (n < 60 && rows.length > 0 ? rows[n % rows.length]!.line : n);
            // As a run plans: each company's e-mails a page at a time, conflicting roles
            // failed, the first row of repeated ones planned with its copies, then the
            // copies marked; the random calls follow.
            if (plan !== undefined) {
              for (const { cid: c } of file.companies())
                for (let after = '', k = 0; ; k++) {
                  const page = file.emailsPage(c, after, plan.page);
                  expect(mem.emailsPage(c, after, plan.page)).toEqual(page);
                  if (page.length === 0) break;
                  after = page[page.length - 1]!.email;
                  const entries: PlanEntry[] = [];
                  for (const [j, g] of page.entries()) {
                    const rs = file.rowsOf(c, g.email);
                    expect(mem.rowsOf(c, g.email)).toEqual(rs);
                    const pick = plan.decisions[(k * 7 + j) % plan.decisions.length]!;
                    if (rs.some((r) => r.role !== rs[0]!.role)) {
                      both((w) => w.failConflicting(g.email, rs, (e, lines) => `${e}: ${lines}`));
                      continue;
                    }
                    const copies = g.rows > 1;
                    if (pick === 'fail')
                      entries.push({ line: g.line, email: g.email, copies, code: 'NOT_ALLOWED', message: 'no' });
                    else if (pick !== 'invite' || copies)
                      entries.push({
                        line: g.line,
                        email: g.email,
                        copies,
                        action: pick,
                        from: pick === 'update' ? 'DESIGNER' : null,
                      });
                  }
                  both((w) => w.setPlan(c, entries));
                }
              both((w) => w.markDuplicates());
            }
            for (const o of ops) both((w) => call(w, o, at));
            // Whatever happened, the final state reads the same.
            both((w) => [w.counts(false), w.counts(true), w.errorsPage(0, 1000), w.changesPage(0, 1000)]);
            for (const c of CIDS) both((w) => [w.companyChangesPage(c, '', 1000, true), w.removalsPage(c, '', 1000)]);
            both((w) => plain(w.rangeCounts(0, 1000, [])));
          } finally {
            file.close();
            mem.close();
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a budget in MiB is that many bytes up to the largest allowed (4096 MiB), never wrapped to 0 or below', () => {
    expect(budgetBytes(undefined)).toBe(24 * 1024 * 1024);
    expect(budgetBytes(1)).toBe(1024 * 1024);
    for (const mb of [2047, 2048, 3000, 4096]) expect(budgetBytes(mb)).toBe(mb * 1024 * 1024);
    const w = new MemoryWork(budgetBytes(4096));
    w.addRows([{ line: 2, email: 'a@x.org', role: 'MANAGER', ref: '', code: null, message: null }]);
    expect(w.overBudget).toBe(false);
  });

  it('moves its rows to a work file once they pass its budget, the file then answering for them', async () => {
    const mem = new MemoryWork(1_000);
    const rows: WorkRow[] = Array.from({ length: 12 }, (_, i) => ({
      line: i + 2,
      email: `p${i % 5}@x.org`,
      role: 'MANAGER',
      ref: '',
      code: null,
      message: null,
    }));
    mem.addRows(rows.slice(0, 6));
    expect(mem.overBudget).toBe(false);
    mem.addRows(rows.slice(6));
    expect(mem.overBudget).toBe(true);
    const file = await mem.toFile();
    try {
      file.resolveRef('', 1);
      file.bindCompanies();
      file.indexRows();
      expect(file.rowCount()).toBe(12);
      expect(file.emailsPage(1, '', 100).map((g) => [g.email, g.line, g.rows])).toEqual([
        ['p0@x.org', 2, 3],
        ['p1@x.org', 3, 3],
        ['p2@x.org', 4, 2],
        ['p3@x.org', 5, 2],
        ['p4@x.org', 6, 2],
      ]);
    } finally {
      file.close();
    }
  });
});
