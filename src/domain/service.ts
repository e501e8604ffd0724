import type { Store } from '../store/types.js';
import { Repo, type CompanyRow, type UserRow } from '../store/repo.js';
import { PlatformError, authRequired, denied, notFound } from '../errors.js';
import { hashToken } from './tokens.js';
import { canManageMembers, type Role } from './roles.js';
import { printable } from '../text.js';

/** What every domain operation needs from outside: the store and the clock. */
export interface Env {
  store: Store;
  now(): Date;
}

/** The caller's credential: a session or personal API token, as given. */
export interface Credential {
  token: string | undefined;
}

/** The signed-in user, as seen inside one transaction. */
export interface Actor {
  user: UserRow;
  tokenId: number;
  tokenKind: 'session' | 'api';
  isSupport: boolean;
}

export const iso = (d: Date) => d.toISOString();

/** Runs fn in a write transaction with the data-access layer. */
export function write<T>(env: Env, fn: (r: Repo) => Promise<T>): Promise<T> {
  return env.store.write((tx) => fn(new Repo(tx)));
}

/** Runs fn in a read transaction (a consistent snapshot). */
export function read<T>(env: Env, fn: (r: Repo) => Promise<T>): Promise<T> {
  return env.store.read((tx) => fn(new Repo(tx)));
}

/** Resolves the credential to a live, unexpired, unrevoked token and its user. */
export async function authenticate(r: Repo, cred: Credential, now: Date): Promise<Actor> {
  if (!cred.token) throw authRequired();
  const t = await r.tokenByHash(hashToken(cred.token));
  if (!t)
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token is not valid for this store. Sign in with `platformctl account login`.',
    );
  if (t.revoked_at)
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token was revoked. Sign in again with `platformctl account login`.',
    );
  if (t.expires_at && t.expires_at <= iso(now))
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token has expired. Sign in again with `platformctl account login`.',
    );
  const user = await r.userById(t.user_id);
  if (!user) throw authRequired('The account of this session no longer exists.');
  return { user, tokenId: t.id, tokenKind: t.kind, isSupport: user.is_support === 1 };
}

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

type AuditTarget = {
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

export const actorRef = (a: Actor) => ({ id: a.user.id, email: a.user.email });

/** A company as resolved for an actor, with the actor's role there (null for staff who are not members). */
export interface CompanyAccess {
  company: CompanyRow;
  role: Role | null;
  status: string | null;
}

/**
 * Resolves a company reference (id or exact name; the current company when absent)
 * among the companies the actor may see: their own, or every company for SUPPORT.
 */
export async function resolveCompany(r: Repo, actor: Actor, ref: string | undefined): Promise<CompanyAccess> {
  let company: CompanyRow | undefined;
  if (ref === undefined) {
    if (actor.user.current_company_id == null) throw notFound('You have no current company.');
    company = await r.companyById(actor.user.current_company_id);
    if (!company) throw notFound('Your current company no longer exists.');
  } else {
    const all = await r.companiesByRef(ref);
    let visible = all;
    if (!actor.isSupport) {
      const mine = new Set((await r.companiesOfUser(actor.user.id)).map((c) => c.id));
      visible = all.filter((c) => mine.has(c.id));
      if (visible.length === 0 && all.length > 0) throw denied(`You are not a member of company "${printable(ref)}".`);
    }
    if (visible.length === 0) throw notFound(`No company "${printable(ref)}".`);
    if (visible.length > 1) {
      const list = visible.map((c) => `${c.id} (${printable(c.name)}, owner ${c.owner_email})`).join('; ');
      throw new PlatformError('AMBIGUOUS', `Company name "${printable(ref)}" is ambiguous; use an id: ${list}.`, {
        candidates: visible.map((c) => ({ id: c.id, name: c.name, owner: c.owner_email })),
      });
    }
    company = visible[0]!;
  }
  const m = await r.membership(company.id, actor.user.id);
  if (!m && !actor.isSupport) throw denied(`You are not a member of company "${printable(company.name)}".`);
  return { company, role: (m?.role as Role) ?? null, status: m?.status ?? null };
}

/** Requires the actor to manage members of the company: OWNER, ADMINISTRATOR, or SUPPORT. */
export function requireManager(access: CompanyAccess, actor: Actor, what: string): void {
  if (actor.isSupport || canManageMembers(access.role)) return;
  throw denied(
    `Only an OWNER or ADMINISTRATOR of "${printable(access.company.name)}" can ${what}; your role there is ${access.role ?? 'none'}.`,
  );
}

export function requireSupport(actor: Actor, what: string): void {
  if (!actor.isSupport)
    throw denied(`Only platform staff (SUPPORT) can ${what}. Contact support to change billing or plans.`);
}
