import { invalid } from '../errors.js';
import type { AuditFilter, AuditRow } from '../store/repo.js';
import { type Credential, authenticate } from './auth.js';
import { type PageReader, type Services, readPages } from './services.js';
import { type CompanyRef, companyToManage } from './access.js';
import { AUDIT_PAGE, checkPageMovesOn, type Listing, parseLimit } from './paging.js';
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
  /** The `member import` / `member sync` run the change belongs to, if any. */
  run: number | null;
}

export interface AuditListOptions {
  company?: CompanyRef;
  actor?: string | undefined;
  /** Entries at or after this ISO date or time. */
  since?: string | undefined;
  /** Entries before this ISO date or time. */
  until?: string | undefined;
  /** One action (member.invite), or every action of a group (member). */
  action?: string | undefined;
  run?: number | undefined;
  /** Continue with the entries older than this id. */
  before?: number | undefined;
  limit?: number | undefined;
  countMore?: boolean | undefined;
  onPage: (entries: AuditEntry[]) => void | Promise<void>;
}

function isoTime(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw invalid(`${flag} needs an ISO date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z.`);
  return d.toISOString();
}

function positiveId(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${flag} must be an id: a whole number of at least 1.`);
  return value;
}

/**
 * Every action the program writes to the audit log (test/domain/audit-actions.test.ts
 * checks this list against the source). `--action` accepts one of them, or a group: the
 * part before a dot (`member`, `member.import`), which selects the actions under it.
 */
export const AUDIT_ACTIONS = [
  'account.delete',
  'account.login',
  'account.login_failed',
  'account.logout',
  'account.register',
  'account.update',
  'company.leave',
  'company.rename',
  'company.switch',
  'member.import',
  'member.import.start',
  'member.import.stop',
  'member.invite',
  'member.remove',
  'member.set_role',
  'member.sync',
  'member.sync.start',
  'member.sync.stop',
  'password.change',
  'password.change_failed',
  'plan.create',
  'plan.set',
  'staff.contact',
  'staff.grant',
  'staff.revoke',
  'staff.signout',
  'staff.unlock',
  'token.create',
  'token.revoke',
] as const;

/** Groups: every proper prefix of an action at a dot (member, member.import, …). */
const AUDIT_GROUPS = [
  ...new Set(
    AUDIT_ACTIONS.flatMap((a) =>
      a
        .split('.')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('.')),
    ),
  ),
].sort();

/** Actions and groups that look like what was typed (same group, or one contains the other). */
function lookalikes(a: string): string[] {
  // member.import is a group and an action: named once.
  const all = [...new Set<string>([...AUDIT_GROUPS, ...AUDIT_ACTIONS])];
  const head = a.split('.')[0]!;
  const tail = a.split('.').pop()!;
  const close = all.filter((x) => x.includes(a) || a.includes(x) || (tail.length > 2 && x.endsWith(`.${tail}`)));
  return (close.length ? close : all.filter((x) => x.startsWith(`${head}.`))).slice(0, 8);
}

/**
 * --action: one action the program writes (member.invite), or a group of them (member,
 * member.import; also written member.*). Anything else is refused, with the closest
 * actions or the groups, rather than matching nothing.
 */
export function actionFilter(value: string | undefined): Pick<AuditFilter, 'action' | 'actionPrefix'> {
  if (value === undefined) return {};
  // Commands are spelled with hyphens (member set-role), actions with underscores
  // (member.set_role): either is taken.
  const typed = value.trim().toLowerCase().replace(/-/g, '_');
  // An action that is also a group (member.import) means the action; member.import.* the group.
  const wildcard = typed.endsWith('.*');
  const a = wildcard ? typed.slice(0, -2) : typed;
  if (!wildcard && (AUDIT_ACTIONS as readonly string[]).includes(a)) return { action: a };
  if (AUDIT_GROUPS.includes(a)) return { actionPrefix: `${a}.` };
  const near = lookalikes(a);
  throw invalid(
    `--action takes an action the log records, such as member.invite, or a group such as member; "${printable(value)}" is neither. ${
      near.length
        ? `Did you mean ${near.join(', ')}?`
        : `Groups: ${AUDIT_GROUPS.filter((g) => !g.includes('.')).join(', ')}.`
    } Every action is listed in \`platformctl audit list --help\`.`,
  );
}

const entry = (e: AuditRow): AuditEntry => ({
  id: e.id,
  at: e.at,
  actor: e.actor_email,
  company: e.company_id === null ? null : { id: e.company_id, name: e.company_name },
  action: e.action,
  target: e.target,
  details: e.details ? (JSON.parse(e.details) as Record<string, unknown>) : null,
  run: e.run_id ?? null,
});

/**
 * The audit log, newest first, streamed a page at a time (AUDIT_PAGE, keyed on the id).
 * OWNERs and ADMINISTRATORs see their company's entries (the current company unless
 * --company), and only those written since the company was created: a store migrated
 * from schema 1 may hold a deleted company's entries under a reused id, and nothing of
 * a deleted company is shown to a later one. SUPPORT sees every entry (a deleted
 * company's keep the name it had).
 */
export async function streamAudit(svc: Services, cred: Credential, opts: AuditListOptions) {
  // Every page from one snapshot where the engine allows it (readPages).
  return readPages(svc, (read) => streamAuditPages(svc, read, cred, opts));
}

async function streamAuditPages(svc: Services, read: PageReader, cred: Credential, opts: AuditListOptions) {
  const limit = parseLimit(opts.limit);
  const since = isoTime('--since', opts.since);
  const until = isoTime('--until', opts.until);
  const filter: AuditFilter = {
    actor: opts.actor === undefined ? undefined : v.email(opts.actor),
    since,
    until,
    runId: positiveId('--run', opts.run),
    beforeId: positiveId('--before', opts.before),
    ...actionFilter(opts.action),
  };
  let left = limit ?? Number.POSITIVE_INFINITY;
  let shown = 0;
  let last: string | undefined;
  let full = true;
  let first = true;
  /** The company read, when the list is one company's. */
  let company: { id: number; name: string } | undefined;
  while (full && left > 0) {
    const asked = Math.min(AUDIT_PAGE, left);
    const page = await read(async (r) => {
      if (first) {
        // Who may read which entries is settled once, in the first page's read.
        const actor = await authenticate(r, cred, svc.now());
        if (opts.company !== undefined || !actor.isSupport) {
          const access = await companyToManage(r, actor, opts.company, 'read its audit log');
          filter.companyId = access.company.id;
          company = { id: access.company.id, name: access.company.name };
          if (!actor.isSupport) filter.notBefore = access.company.created_at;
        }
        first = false;
      }
      return r.auditPage(filter, asked);
    });
    checkPageMovesOn(
      page.map((e) => e.id),
      filter.beforeId,
      { descending: true },
    );
    full = page.length === asked;
    if (page.length) {
      filter.beforeId = page[page.length - 1]!.id;
      shown += page.length;
      left -= page.length;
      last = String(filter.beforeId);
      await opts.onPage(page.map(entry));
    }
  }
  let more = 0;
  if (left === 0 && opts.countMore) more = await read((r) => r.countAudit(filter));
  const listing: Listing = { shown, more, last };
  return { ...listing, company };
}
