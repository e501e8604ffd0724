import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkFile, type Work, type WorkRow } from '../../src/store/work-file.js';
import { MemoryWork } from '../../src/store/work-memory.js';

/**
 * The work file's pages and counts against a plain reading of its rows, over random
 * files: e-mails repeated across page boundaries, failed rows, unchanged rows.
 */
const rowArb = fc.record({
  email: fc.constantFrom('a@x.org', 'b@x.org', 'c@x.org', 'd@x.org', 'e@x.org'),
  role: fc.constantFrom('DESIGNER', 'MANAGER'),
  bad: fc.boolean(),
  same: fc.boolean(),
});

const kinds: [string, () => Promise<Work>][] = [
  ['WorkFile', () => WorkFile.open()],
  ['MemoryWork', () => Promise.resolve(new MemoryWork())],
];

async function workFileOf(
  open: () => Promise<Work>,
  input: { email: string; role: string; bad: boolean; same: boolean }[],
) {
  const w = await open();
  const rows: WorkRow[] = input.map((r, i) => ({
    line: i + 2,
    email: r.email,
    role: r.role,
    ref: '',
    code: r.bad ? 'INVALID_INPUT' : null,
    message: r.bad ? 'bad' : null,
  }));
  w.addRows(rows);
  w.resolveRef('', 1);
  w.bindCompanies();
  w.indexRows();
  return { w, rows };
}

describe.each(kinds)('%s', (_kind, open) => {
  it('emailsPage: every valid e-mail once, in e-mail order, with its first line and role and how many rows name it, whatever the page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (input, limit) => {
        const { w, rows } = await workFileOf(open, input);
        try {
          const expected = new Map<string, { email: string; line: number; role: string; rows: number }>();
          for (const r of rows) {
            if (r.code !== null) continue;
            const g = expected.get(r.email!);
            if (g) g.rows++;
            else expected.set(r.email!, { email: r.email!, line: r.line, role: r.role!, rows: 1 });
          }
          const got = [];
          let after = '';
          for (;;) {
            const page = w.emailsPage(1, after, limit);
            if (page.length === 0) break;
            expect(page.length).toBeLessThanOrEqual(limit);
            got.push(...page);
            after = page[page.length - 1]!.email;
          }
          expect(got).toEqual([...expected.values()].sort((a, b) => (a.email < b.email ? -1 : 1)));
        } finally {
          w.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rangeCounts: the unchanged and failed rows of a range of lines, per company', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(), async (input, a, b) => {
        const { w, rows } = await workFileOf(open, input);
        try {
          // Planning's decisions: some e-mails' first rows unchanged, their later rows
          // duplicates of them (markDuplicates), the other first rows invitations.
          const first = new Map<string, number>();
          for (const r of rows) if (r.code === null && !first.has(r.email!)) first.set(r.email!, r.line);
          const copies = new Set(
            rows.filter((r) => r.code === null && first.get(r.email!) !== r.line).map((r) => r.email),
          );
          w.setPlan(
            1,
            [...first].map(([email, line]) => ({
              line,
              email,
              copies: copies.has(email),
              action: input[line - 2]!.same ? ('same' as const) : ('invite' as const),
            })),
          );
          w.markDuplicates();
          // A later copy of a row that failed further up fails the same way (markDuplicates).
          const failsAsCopy = (r: WorkRow) =>
            r.code === null &&
            first.get(r.email!) !== r.line &&
            rows.some((f) => f.code !== null && f.line < r.line && f.email === r.email && f.role === r.role);
          const unchangedRow = (r: WorkRow) =>
            r.code === null && !failsAsCopy(r) && (first.get(r.email!) !== r.line || input[r.line - 2]!.same);
          const last = rows.length + 1;
          const after = Math.min(a, b) % (last + 1);
          const upTo = Math.max(a, b) % (last + 1);
          const inRange = rows.filter((r) => r.line > after && r.line <= upTo);
          const unchanged = inRange.filter(unchangedRow).length;
          const failed = inRange.filter((r) => r.code !== null || failsAsCopy(r)).length;
          const got = w.rangeCounts(after, upTo, []).get(1) ?? { unchanged: 0, failed: 0 };
          expect(got).toEqual({ unchanged, failed });
        } finally {
          w.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
