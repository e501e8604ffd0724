import { describe, expect, it } from 'vitest';
import { streamMembers, type MemberView } from '../../src/domain/members.js';
import { openStore } from '../../src/store/open.js';
import { ENGINES, useFixture } from '../helpers/services.js';

/**
 * A long member list while someone else writes between its pages (docs/output.md, "Paging
 * and consistency"): on a local file every page comes from one snapshot, so the list is the
 * company as it was when it began; on sqld each page is read on its own, so a member added
 * or removed after the list passed their place in e-mail order is missing or still there,
 * and one ahead of it is seen as it is then. On both: e-mail order, no row twice, and every
 * member there for the whole list is listed.
 */
describe.each(ENGINES)('member list paging while others write, on %s', (engine) => {
  const fx = useFixture(engine);

  it('pages stay in order without repeats; what changes is what the engine promises', async () => {
    const [owner, sue] = await fx().registerAll([
      [`paging-${engine}@example.com`, 'Pat', 'Pager'],
      [`staff-${engine}@example.com`, 'Sue', 'Staff'],
    ]);
    await fx().grantSupport(sue);
    await fx().setPlan(owner.company.id, 'ENTERPRISE', sue);
    const emails = await fx().fillCompany(owner.company.id, { pending: 3500 });
    const f = fx();
    const other = await openStore(
      f.engine === 'libsql'
        ? { engine: 'libsql', url: f.location, key: f.location, display: f.location }
        : { engine: 'local', path: f.path, key: f.path },
    );
    const seen: MemberView[] = [];
    let pages = 0;
    const c = owner.company.id;
    try {
      await streamMembers(f.services, owner.cred, {
        onPage: async (rows) => {
          seen.push(...rows);
          if (++pages !== 1) return;
          // After the first page (through m000998): changes behind the cursor and ahead of it.
          await other.write(async (tx) => {
            const now = new Date().toISOString();
            for (const e of ['m000500x@example.com', 'm003000x@example.com'])
              await tx.run(
                `INSERT INTO invitations (company_id, email, role, created_at, updated_at) VALUES (:c, :e, 'DESIGNER', :now, :now)`,
                { c, e, now },
              );
            await tx.run(
              `DELETE FROM invitations WHERE company_id = :c AND email IN ('m000100@example.com', 'm002000@example.com')`,
              { c },
            );
          });
        },
      });
    } finally {
      await other.close();
    }
    expect(pages).toBeGreaterThan(3);
    const listed = seen.map((m) => m.email);
    expect(listed[0]).toBe(owner.email);
    const rest = listed.slice(1);
    expect(rest, 'e-mail order, no row twice').toEqual([...new Set(rest)].sort());
    const throughout = emails.filter((e) => e !== 'm000100@example.com' && e !== 'm002000@example.com');
    expect(
      throughout.filter((e) => !rest.includes(e)),
      'members there all along',
    ).toEqual([]);
    const changed = ['m000100@example.com', 'm000500x@example.com', 'm002000@example.com', 'm003000x@example.com'];
    const shown = changed.filter((e) => rest.includes(e));
    if (engine === 'local')
      // One snapshot: the company as it was when the list began.
      expect(shown).toEqual(['m000100@example.com', 'm002000@example.com']);
    // Page by page: m000100 was listed before it went, m000500x came in behind the cursor,
    // m002000 went and m003000x came ahead of it.
    else expect(shown).toEqual(['m000100@example.com', 'm003000x@example.com']);
  });
});
