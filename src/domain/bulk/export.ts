import type { Credential } from '../auth.js';
import { type Services, read } from '../services.js';
import { enterCompany } from '../access.js';

/** One exported row: exactly what `member import` reads. */
export interface ExportRow {
  email: string;
  role: string;
  company: number;
}

/** Rows per query when exporting (sqld refuses responses over 10 MB, so export pages). */
export const EXPORT_PAGE = 1000;

/**
 * Streams a company's members (the OWNER included) and pending invitations as import
 * rows, a page at a time, from one consistent read snapshot.
 */
export async function exportMembers(
  svc: Services,
  cred: Credential,
  opts: { company?: string | undefined; onPage: (rows: ExportRow[]) => void | Promise<void> },
) {
  return read(svc, async (r) => {
    const { company } = await enterCompany(r, cred, svc.now(), opts.company);
    let count = 0;
    let afterUser = 0;
    for (;;) {
      const page = await r.exportMembershipsPage(company.id, afterUser, EXPORT_PAGE);
      if (page.length === 0) break;
      afterUser = page[page.length - 1]!.user_id;
      count += page.length;
      await opts.onPage(page.map((m) => ({ email: m.email, role: m.role, company: company.id })));
      if (page.length < EXPORT_PAGE) break;
    }
    let afterEmail = '';
    for (;;) {
      const page = await r.exportInvitationsPage(company.id, afterEmail, EXPORT_PAGE);
      if (page.length === 0) break;
      afterEmail = page[page.length - 1]!.email;
      count += page.length;
      await opts.onPage(page.map((i) => ({ email: i.email, role: i.role, company: company.id })));
      if (page.length < EXPORT_PAGE) break;
    }
    return { company: { id: company.id, name: company.name }, rows: count };
  });
}
