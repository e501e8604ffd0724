import type { Repo } from '../store/repo.js';
import { iso } from './services.js';

/** Writes one audit entry in the current transaction. */
export function audit(
  r: Repo,
  now: Date,
  actor: { id: number; email: string } | null,
  action: string,
  opts: AuditTarget = {},
) {
  return r.audit(auditEntry(now, actor, action, opts));
}

/** Writes several audit entries of one action in a single statement. */
export function auditMany(
  r: Repo,
  now: Date,
  actor: { id: number; email: string } | null,
  action: string,
  entries: AuditTarget[],
) {
  if (entries.length === 0) return Promise.resolve();
  return r.auditMany(entries.map((e) => auditEntry(now, actor, action, e)));
}

export type AuditTarget = {
  company?: { id: number; name: string } | null;
  target?: string | null;
  details?: Record<string, unknown> | null;
};

/** One audit row: the actor and the company are copied, so the log outlives them. */
function auditEntry(now: Date, actor: { id: number; email: string } | null, action: string, e: AuditTarget) {
  return {
    at: iso(now),
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? null,
    companyId: e.company?.id ?? null,
    companyName: e.company?.name ?? null,
    action,
    target: e.target ?? null,
    details: e.details ?? null,
  };
}
