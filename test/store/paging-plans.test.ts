import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { Repo, type AuditFilter, type MemberFilter } from '../../src/store/repo.js';
import type { Params, Store, Tx } from '../../src/store/types.js';

/**
 * The query plans of the paged list queries, for every combination of filters: each
 * page must be read in key order from an index range (members: a MERGE of the two
 * (company_id, email) ranges; audit: the rowid or an (…, id) index), never sorted in
 * a temporary B-tree, which would cost the whole company (or log) on every page.
 */
describe('paged list queries', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-plans-'));
    store = await openStore({ engine: 'local', path: join(dir, 'p.db'), key: 'k' });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The plans of the queries a Repo call runs (each run for real too). */
  async function plansOf(call: (r: Repo) => Promise<unknown>): Promise<string[][]> {
    return store.read(async (tx) => {
      const plans: string[][] = [];
      const explaining: Tx = {
        ...tx,
        all: async <T>(sql: string, p?: Params) => {
          const rows = await tx.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, p);
          plans.push(rows.map((r) => r.detail));
          return tx.all<T>(sql, p);
        },
      };
      await call(new Repo(explaining));
      return plans;
    });
  }

  const roles = [undefined, 'OWNER', 'MANAGER'];
  const statuses = [undefined, 'ACTIVE', 'PENDING'];
  const memberFilters: MemberFilter[] = roles.flatMap((role) => statuses.map((status) => ({ role, status })));

  it.each(memberFilters)('members page %o: index ranges in e-mail order, no sort', async (f) => {
    const plans = await plansOf((r) => r.membersPage(1, 'm@example.com', f, 1000));
    if (f.role === 'OWNER' && f.status === 'PENDING') return expect(plans).toEqual([]);
    expect(plans).toHaveLength(1);
    const plan = plans[0]!.join('\n');
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
    if (f.status !== 'PENDING')
      expect(plan).toMatch(/SEARCH m USING INDEX memberships_company_email \(company_id=\? AND email>\?\)/);
    if (f.status !== 'ACTIVE' && f.role !== 'OWNER')
      expect(plan).toMatch(/SEARCH i USING PRIMARY KEY \(company_id=\? AND email>\?\)/);
    if (f.status === undefined && f.role !== 'OWNER') expect(plan).toMatch(/MERGE \(UNION ALL\)/);
  });

  it('members page without names reads no users', async () => {
    const [plan] = await plansOf((r) => r.membersPage(1, '', {}, 1000, { names: false }));
    expect(plan!.join('\n')).not.toMatch(/users|TEMP B-TREE/);
    expect(plan!.join('\n')).toMatch(/MERGE \(UNION ALL\)/);
  });

  const auditFilters: AuditFilter[] = [
    {},
    { beforeId: 100 },
    { companyId: 1, notBefore: '2026-01-01' },
    { companyId: 1, actor: 'a@example.com', since: '2026-01-01', until: '2027-01-01', beforeId: 100 },
    { actor: 'a@example.com' },
    { actor: 'a@example.com', since: '2026-01-01' },
    { action: 'member.invite', beforeId: 5 },
    { actionPrefix: 'member.' },
    { runId: 7 },
    { runId: 7, companyId: 1, beforeId: 9 },
  ];

  it.each(auditFilters)('audit page %o: newest first by id, no sort', async (f) => {
    const plans = await plansOf((r) => r.auditPage(f, 500));
    expect(plans).toHaveLength(1);
    const plan = plans[0]!.join('\n');
    expect(plan).not.toMatch(/TEMP B-TREE/);
    if (f.runId !== undefined) expect(plan).toMatch(/USING INDEX audit_run \(run_id=\?/);
    else if (f.companyId !== undefined) expect(plan).toMatch(/USING INDEX audit_company_id \(company_id=\?/);
    else expect(plan).toMatch(/SEARCH audit_log USING INTEGER PRIMARY KEY|SCAN audit_log/);
  });
});
