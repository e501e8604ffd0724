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
 * A company as the user named it (as typed), or one already resolved by an earlier step
 * of the same command (its id travels, never the text again); undefined means the
 * current company.
 */
export type CompanyRef = string | { id: number } | undefined;

/**
 * The one rule for a typed company reference: all digits is always an id (so a company
 * named "1" is reached by its own id, and no name can shadow an id); anything else is an
 * exact name.
 */
export function parseCompanyRef(ref: string): { id: number } | { name: string } {
  // Ids are safe integers; a longer run of digits is still an id, one no company has.
  if (/^[0-9]+$/.test(ref)) return { id: ref.length <= 15 ? Number(ref) : Number.MAX_SAFE_INTEGER };
  // Names are stored in NFC: a name typed in another normal form is the same name.
  return { name: ref.normalize('NFC') };
}

/** The same answer for a company that does not exist and one the actor may not see. */
const noSuchCompany = (what: string) => notFound(`No company ${what} among yours. See \`platformctl company list\`.`);

/** The current company, which is gone once the user was removed from it or it was deleted. */
export const noCurrentCompany = () =>
  notFound(
    'You have no current company: you were removed from it, or it was deleted. ' +
      'Choose one with `platformctl company switch COMPANY` (see `platformctl company list`), or pass --company.',
  );

async function findCompany(r: Repo, actor: Actor, ref: CompanyRef): Promise<CompanyRow> {
  if (ref === undefined) {
    const id = actor.user.current_company_id;
    const company = id == null ? undefined : await r.companyById(id);
    if (!company) throw noCurrentCompany();
    return company;
  }
  if (typeof ref === 'object') {
    const company = await r.companyById(ref.id);
    if (!company) throw noSuchCompany(`with id ${ref.id}`);
    return company;
  }
  const parsed = parseCompanyRef(ref);
  if ('id' in parsed) {
    const company = await r.companyById(parsed.id);
    if (!company) throw noSuchCompany(`with id ${printable(ref)}`);
    return company;
  }
  let found = await r.companiesByName(parsed.name);
  if (!actor.isSupport) {
    const mine = new Set((await r.companiesOfUser(actor.user.id)).map((c) => c.id));
    found = found.filter((c) => mine.has(c.id));
  }
  if (found.length === 0) throw noSuchCompany(`named "${printable(parsed.name)}"`);
  if (found.length > 1) {
    const list = found.map((c) => `${c.id} (owner ${printable(c.owner_email)})`).join(', ');
    throw new PlatformError(
      'AMBIGUOUS',
      `${found.length} companies are named "${printable(parsed.name)}"; name one by its id: ${list}.`,
      { candidates: found.map((c) => ({ id: c.id, name: c.name, owner: c.owner_email })) },
    );
  }
  return found[0]!;
}

/**
 * Resolves a company reference among the companies the actor may see: those they are
 * a member of, or every company for SUPPORT. A company they may not see is answered
 * exactly like one that does not exist. An invitation grants nothing until it is
 * accepted by switching to the company: only `company switch` and `company leave`
 * pass `invited: 'accept-or-leave'`.
 */
export async function resolveCompany(
  r: Repo,
  actor: Actor,
  ref: CompanyRef,
  opts: { invited?: 'accept-or-leave' } = {},
): Promise<CompanyAccess> {
  const company = await findCompany(r, actor, ref);
  const m = await r.membership(company.id, actor.user.id);
  if (!actor.isSupport) {
    if (!m) {
      if (ref === undefined) throw noCurrentCompany();
      throw noSuchCompany(typeof ref === 'object' ? `with id ${ref.id}` : describeRef(ref));
    }
    if (m.status === 'INVITED' && opts.invited !== 'accept-or-leave') {
      throw denied(
        `You are invited to "${printable(company.name)}" but have not accepted yet: ` +
          `switch to it first with \`platformctl company switch ${company.id}\` (or leave it).`,
      );
    }
  }
  return { company, role: (m?.role as Role) ?? null, status: m?.status ?? null };
}

function describeRef(ref: string): string {
  const parsed = parseCompanyRef(ref);
  return 'id' in parsed ? `with id ${printable(ref)}` : `named "${printable(parsed.name)}"`;
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
  opts: { toManage?: string; invited?: 'accept-or-leave' } = {},
): Promise<CompanySession> {
  const actor = await authenticate(r, cred, now);
  const access = await resolveCompany(r, actor, ref, { invited: opts.invited });
  if (opts.toManage !== undefined) requireManager(access, actor, opts.toManage);
  return { actor, ...access };
}
