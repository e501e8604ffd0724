import { denied, invalid } from '../errors.js';
import { canManageMembers } from './roles.js';
import { type Credential, authenticate } from './auth.js';
import { type Services, read } from './services.js';
import { resolveCompany } from './access.js';
import * as v from './validation.js';
import { printable } from '../text.js';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  company: { id: number; name: string | null } | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

/**
 * The audit log, newest first. OWNERs and ADMINISTRATORs see their company's entries
 * (the current company unless --company); SUPPORT sees everything.
 */
export async function listAudit(
  svc: Services,
  cred: Credential,
  opts: {
    company?: string | undefined;
    actor?: string | undefined;
    since?: string | undefined;
    limit?: number | undefined;
  },
): Promise<AuditEntry[]> {
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw invalid('--limit must be a whole number from 1 to 100000.');
  let since: string | undefined;
  if (opts.since !== undefined) {
    const d = new Date(opts.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(opts.since) || Number.isNaN(d.getTime()))
      throw invalid(`--since needs an ISO date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z.`);
    since = d.toISOString();
  }
  const actorEmail = opts.actor === undefined ? undefined : v.email(opts.actor);
  return read(svc, async (r) => {
    const actor = await authenticate(r, cred, svc.now());
    let companyId: number | undefined;
    if (opts.company !== undefined || !actor.isSupport) {
      const access = await resolveCompany(r, actor, opts.company);
      if (!actor.isSupport && !canManageMembers(access.role)) {
        throw denied(`Only an OWNER or ADMINISTRATOR of "${printable(access.company.name)}" can read its audit log.`);
      }
      companyId = access.company.id;
    }
    const rows = await r.auditEntries({ companyId, actor: actorEmail, since, limit });
    return rows.map((e) => ({
      id: e.id,
      at: e.at,
      actor: e.actor_email,
      company: e.company_id === null ? null : { id: e.company_id, name: e.company_name },
      action: e.action,
      target: e.target,
      details: e.details ? (JSON.parse(e.details) as Record<string, unknown>) : null,
    }));
  });
}
