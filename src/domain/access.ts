import type { CompanyRow, MembershipRow, Repo } from '../store/repo.js';
import { PlatformError, denied, notFound } from '../errors.js';
import { printable } from '../text.js';
import { canManageMembers, type Role } from './roles.js';
import { type Actor, type Credential, decideActor, loadActor, tokenHashOf } from './auth.js';

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
export type CompanyRef = string | CompanyId | undefined;
/** A company already resolved: what a confirmed action gets from its preview, never text to look up again. */
export type CompanyId = { id: number };

/**
 * The one rule for a typed company reference: all digits is always an id (so a company
 * named "1" is reached by its own id, and no name can shadow an id); anything else is an
 * exact name.
 */
function parseCompanyRef(ref: string): { id: number } | { name: string } {
  // Ids are safe integers; a longer run of digits is still an id, one no company has.
  if (/^[0-9]+$/.test(ref)) return { id: ref.length <= 15 ? Number(ref) : Number.MAX_SAFE_INTEGER };
  // Names are stored in NFC: a name typed in another normal form is the same name.
  return { name: ref.normalize('NFC') };
}

/** The same answer for a company that does not exist and one the actor may not see. */
const noSuchCompany = (what: string) => notFound(`No company ${what} among yours. See \`platformctl company list\`.`);

/** The current company, which is gone once the user was removed from it or it was deleted. */
export const noCurrentCompany = (o: { orCompanyFlag?: boolean } = {}) =>
  notFound(
    'You have no current company: you were removed from it, or it was deleted. ' +
      'Choose one with `platformctl company switch COMPANY` (see `platformctl company list`)' +
      (o.orCompanyFlag === false ? '.' : ', or pass --company.'),
  );

/**
 * What the store holds about a company reference, read before any rule is applied:
 * the candidates (the company by id or the current one: at most one; by name: every
 * company of that name, with its owner's e-mail) and the user's memberships among them.
 */
interface CompanyFacts {
  candidates: (CompanyRow & { owner_email?: string })[];
  memberships: MembershipRow[];
}

/** The facts for an actor already known (one request: the statements go together). */
async function factsForActor(r: Repo, actor: Actor, ref: CompanyRef): Promise<CompanyFacts> {
  const id = idOf(ref, actor.user.current_company_id);
  if (id !== 'name') {
    if (id === null || id === undefined) return { candidates: [], memberships: [] };
    const [company, m] = await Promise.all([r.companyById(id), r.membership(id, actor.user.id)]);
    return { candidates: company ? [company] : [], memberships: m ? [m] : [] };
  }
  const [named, mine] = await Promise.all([
    r.companiesByName((parseCompanyRef(ref as string) as { name: string }).name),
    r.companiesOfUser(actor.user.id),
  ]);
  return {
    candidates: named,
    memberships: mine.map((c) => ({ company_id: c.id, user_id: actor.user.id, role: c.role, status: c.status })),
  };
}

/**
 * The facts for a token not yet checked, by its hash: every statement depends only on
 * what the command was given, so they go with the token's own (one request).
 */
function factsForToken(r: Repo, hash: string, ref: CompanyRef): Promise<CompanyFacts> {
  const id = idOf(ref, undefined);
  if (id === undefined) {
    return Promise.all([r.currentCompanyByTokenHash(hash), r.membershipByTokenHash(hash, null)]).then(
      ([company, m]) => ({ candidates: company ? [company] : [], memberships: m ? [m] : [] }),
    );
  }
  if (id !== 'name' && id !== null) {
    return Promise.all([r.companyById(id), r.membershipByTokenHash(hash, id)]).then(([company, m]) => ({
      candidates: company ? [company] : [],
      memberships: m ? [m] : [],
    }));
  }
  return Promise.all([
    r.companiesByName((parseCompanyRef(ref as string) as { name: string }).name),
    r.membershipsByTokenHash(hash),
  ]).then(([candidates, memberships]) => ({ candidates, memberships }));
}

/** The id a reference names, the current company's (passed in: undefined = not known yet), or 'name'. */
function idOf(ref: CompanyRef, current: number | null | undefined): number | null | undefined | 'name' {
  if (ref === undefined) return current;
  if (typeof ref === 'object') return ref.id;
  const parsed = parseCompanyRef(ref);
  return 'id' in parsed ? parsed.id : 'name';
}

function findCompany(
  actor: Actor,
  ref: CompanyRef,
  facts: CompanyFacts,
  opts: { invited?: 'accept-or-leave' } = {},
): CompanyRow {
  if (ref === undefined) {
    const company = facts.candidates[0];
    if (!company) throw noCurrentCompany();
    return company;
  }
  if (typeof ref === 'object') {
    const company = facts.candidates[0];
    if (!company) throw noSuchCompany(`with id ${ref.id}`);
    return company;
  }
  const parsed = parseCompanyRef(ref);
  if ('id' in parsed) {
    const company = facts.candidates[0];
    if (!company) throw noSuchCompany(`with id ${printable(ref)}`);
    return company;
  }
  let found = facts.candidates as (CompanyRow & { owner_email: string })[];
  if (!actor.isSupport) {
    const mine = new Map(facts.memberships.map((m) => [m.company_id, m.status]));
    found = found.filter((c) => mine.has(c.id));
    // An invitation grants nothing, names included: a stranger who renames their company
    // like yours and invites you must not make your name references ambiguous (found from
    // outside: a CI drift check turned into exit 2). Only switch and leave, which act on
    // invitations, see invited companies among same-named ones.
    if (opts.invited !== 'accept-or-leave' && found.length > 1) {
      const accepted = found.filter((c) => mine.get(c.id) !== 'INVITED');
      if (accepted.length > 0) found = accepted;
    }
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
  return decideCompany(actor, ref, await factsForActor(r, actor, ref), opts);
}

/** The rules of resolveCompany, on facts already read. */
function decideCompany(
  actor: Actor,
  ref: CompanyRef,
  facts: CompanyFacts,
  opts: { invited?: 'accept-or-leave' },
): CompanyAccess {
  const company = findCompany(actor, ref, facts, opts);
  const m = facts.memberships.find((x) => x.company_id === company.id && x.user_id === actor.user.id);
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
/** For an actor already known: the company a reference names, which they must manage (or be staff). */
export async function companyToManage(r: Repo, actor: Actor, ref: CompanyRef, what: string): Promise<CompanyAccess> {
  const access = await resolveCompany(r, actor, ref);
  requireManager(access, actor, what);
  return access;
}

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
 * "Only an OWNER or ADMINISTRATOR … can <toManage>"). Everything it reads is keyed by
 * the token's hash and the reference as typed, so it is read at once: one request to
 * a remote store (one snapshot), the rules applied afterwards in the same order.
 */
export async function enterCompany(
  r: Repo,
  cred: Credential,
  now: Date,
  ref: CompanyRef,
  opts: { toManage?: string; invited?: 'accept-or-leave' } = {},
): Promise<CompanySession> {
  const key = tokenHashOf(cred);
  const [actorFacts, companyFacts] = await Promise.all([loadActor(r, key), factsForToken(r, key.hash, ref)]);
  const actor = decideActor(actorFacts, now);
  const access = decideCompany(actor, ref, companyFacts, { invited: opts.invited });
  if (opts.toManage !== undefined) requireManager(access, actor, opts.toManage);
  return { actor, ...access };
}
