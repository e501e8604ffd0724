import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/member/export.js';
import { run as auditRun } from '../../../src/commands/audit/list.js';
import { openStore } from '../../../src/store/open.js';
import { useFixture, type TestUser } from '../../helpers/services.js';

/**
 * On a local file `member export` (and `member list`, `audit list`, which stream the same
 * way) reads every page in one read transaction: another process writing between two
 * pages changes nothing of what is printed. Here a second connection to the file (another
 * process, as far as SQLite is concerned) writes after the first page was printed.
 */
describe('member export on a local file is one snapshot', () => {
  const fx = useFixture();
  let zed: TestUser;
  let emails: string[];

  beforeAll(async () => {
    const f = fx();
    [zed] = await f.registerAll([['zed@example.com', 'Zed', 'Zed']]);
    await f.grantSupport(zed);
    await f.setPlan(zed.company.id, 'ENTERPRISE');
    emails = await f.fillCompany(zed.company.id, { pending: 2500 });
    // Three pages of audit entries (500 a page).
    await f.sql(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
       INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target)
       SELECT '2026-01-01T00:00:00.000Z', 'zed@example.com', :c, 'Zed Company', 'member.invite', 'x' || i || '@example.com' FROM n`,
      { c: zed.company.id },
    );
  });

  /** Runs `body` with stdout whose first drain (after the first page) lets another connection write. */
  async function withWriteAfterFirstPage(
    write: (sql: (text: string) => Promise<void>) => Promise<void>,
    body: (c: ReturnType<ReturnType<typeof fx>['call']>) => Promise<void>,
  ) {
    const other = await openStore({ engine: 'local', path: fx().path, key: `${fx().path}#2` });
    try {
      const c = fx().call(zed);
      let drains = 0;
      c.io.out.drain = async () => {
        if (drains++ === 0) await write((text) => other.write(async (tx) => void (await tx.run(text))));
      };
      await body(c);
      return c;
    } finally {
      await other.close();
    }
  }

  it('rows written or removed by someone else after the first page do not appear, nor disappear', async () => {
    const cid = zed.company.id;
    const c = await withWriteAfterFirstPage(
      async (sql) => {
        await sql(
          `INSERT INTO invitations (company_id, email, role, invited_by, created_at, updated_at) VALUES (${cid}, 'zzzz@example.com', 'DESIGNER', NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
        );
        await sql(`DELETE FROM invitations WHERE company_id = ${cid} AND email = '${emails[2400]}'`);
      },
      (c) => run({ ...c.deps, company: String(cid) }),
    );
    const rows: string[][] = parse(c.stdout(), {});
    const exported = rows.slice(2).map((r) => r[0]);
    expect(exported).toEqual(emails);
    expect(exported).not.toContain('zzzz@example.com');
  });

  it('audit list streams one snapshot too', async () => {
    const before = fx().call(zed, { json: true });
    await auditRun({ ...before.deps, all: true, company: String(zed.company.id) });
    const expected = (JSON.parse(before.stdout()) as unknown[]).length;
    expect(expected).toBeGreaterThan(1000);
    const c = await withWriteAfterFirstPage(
      async (sql) => {
        await sql(`DELETE FROM audit_log WHERE company_id = ${zed.company.id}`);
      },
      (c) => auditRun({ ...c.deps, all: true, company: String(zed.company.id), json: true }),
    );
    expect((JSON.parse(c.stdout()) as unknown[]).length).toBe(expected);
  });
});
