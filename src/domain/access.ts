import type { CompanyRow, Repo } from '../store/repo.js';
import { PlatformError, denied, notFound } from '../errors.js';
import { printable } from '../text.js';
import { canManageMembers, type Role } from './roles.js';
import { type Actor, type Credential, authenticate } from './auth.js';

/** A company as resolved for an actor, with the actor's role there (null for staff who are not members). */
export interface CompanyAccess {
  company: CompanyRow;
  role: Role | null;
  status: string | null;
}

/**
 * A company as the user named it (id or exact name, as typed), or one already resolved
 * by an earlier step of the same command (its id travels, never the text again);
 * undefined means the current company.
 */
export type CompanyRef = string | { id: number } | undefined;

/**
 * Resolves a company reference (id or exact name; the current company when absent)
 * among the companies the actor may see: their own, or every company for SUPPORT.
 */
export async function resolveCompany(r: Repo, actor: Actor, ref: CompanyRef): Promise<CompanyAccess> {
  let company: CompanyRow | undefined;
  if (typeof ref === 'object') {
    company = await r.companyById(ref.id);
    if (!company) throw notFound(`Company ${ref.id} no longer exists.`);
  } else if (ref === undefined) {
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

/** Who is acting, in which company, and with what role there: the opening of every company command. */
export interface CompanySession extends CompanyAccess {
  actor: Actor;
}

/**
 * Authenticates the caller and resolves the company they name (or their current one);
 * with `toManage`, also requires them to manage its members (the words complete
 * "Only an OWNER or ADMINISTRATOR … can <toManage>").
 */
export async function enterCompany(
  r: Repo,
  cred: Credential,
  now: Date,
  ref: CompanyRef,
  opts: { toManage?: string } = {},
): Promise<CompanySession> {
  const actor = await authenticate(r, cred, now);
  const access = await resolveCompany(r, actor, ref);
  if (opts.toManage !== undefined) requireManager(access, actor, opts.toManage);
  return { actor, ...access };
}
