import type { CompanyRow, PlanRow, Repo } from '../store/repo.js';
import { PlatformError, conflict, invalid, notFound } from './errors.js';
import { type AssignableRole, type MemberStatus, parseAssignableRole, parseRole, parseStatus } from './roles.js';
import { type Actor, type Credential, type Env, actorRef, audit, authenticate, iso, read, requireManager, resolveCompany, write } from './service.js';
import * as v from './validation.js';

export interface MemberView {
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string;
  status: string;
}

/** Members of a company (ACTIVE, INVITED, PENDING), optionally filtered by role and status. */
export async function listMembers(env: Env, cred: Credential, opts: { company?: string | undefined; role?: string | undefined; status?: string | undefined }) {
  const role = opts.role === undefined ? undefined : parseRole(opts.role);
  const status: MemberStatus | undefined = opts.status === undefined ? undefined : parseStatus(opts.status);
  return read(env, async (r) => {
    const actor = await authenticate(r, cred, env.now());
    const { company } = await resolveCompany(r, actor, opts.company);
    const rows = await r.members(company.id, { role, status });
    return {
      company: { id: company.id, name: company.name },
      members: rows.map((m): MemberView => ({ email: m.email, firstName: m.first_name, lastName: m.last_name, role: m.role, status: m.status })),
    };
  });
}

/** The error for a company whose plan has no room for `adding` more members. */
export function seatLimitError(company: CompanyRow, plan: PlanRow, used: number, adding: number) {
  return new PlatformError(
    'SEAT_LIMIT',
    `Plan ${plan.name} of "${v.printable(company.name)}" allows ${plan.max_users} users; it has ${used}, so ${adding} more would exceed it. Ask support to change the plan.`,
    { plan: plan.name, maxUsers: plan.max_users, users: used, adding },
  );
}

export type UpsertOutcome = 'invited' | 'updated' | 'unchanged';

/**
 * Brings one e-mail's membership of a company to a role: invites it (INVITED for a
 * registered user, PENDING otherwise), changes its role, or leaves it alone. The
 * OWNER is never touched. Seats are checked by the caller.
 */
export async function upsertMember(r: Repo, actor: Actor, company: CompanyRow, email: string, role: AssignableRole, now: Date, mode: 'invite' | 'upsert'): Promise<UpsertOutcome> {
  const user = await r.userByEmail(email);
  const ts = iso(now);
  if (user) {
    if (user.id === company.owner_id) throw conflict(`${email} is the OWNER of "${v.printable(company.name)}"; the OWNER's membership cannot be changed.`);
    const m = await r.membership(company.id, user.id);
    if (m) {
      if (mode === 'invite') throw new PlatformError('ALREADY_EXISTS', `${email} is already a member of "${v.printable(company.name)}" (${m.role}, ${m.status}).`);
      if (m.role === role) return 'unchanged';
      await r.setMembershipRole(company.id, user.id, role, ts);
      return 'updated';
    }
    await r.insertMembership({ companyId: company.id, userId: user.id, role, status: 'INVITED', invitedBy: actor.user.id, now: ts });
    return 'invited';
  }
  const inv = await r.invitation(company.id, email);
  if (inv) {
    if (mode === 'invite') throw new PlatformError('ALREADY_EXISTS', `${email} is already invited to "${v.printable(company.name)}" (${inv.role}, PENDING).`);
    if (inv.role === role) return 'unchanged';
    await r.setInvitationRole(company.id, email, role, ts);
    return 'updated';
  }
  await r.insertInvitation({ companyId: company.id, email, role, invitedBy: actor.user.id, now: ts });
  return 'invited';
}

/** Invites e-mails into a company with one role; all of them or none. */
export async function invite(env: Env, cred: Credential, opts: { emails: string[]; role: string; company?: string | undefined }) {
  if (opts.emails.length === 0) throw invalid('Name at least one e-mail to invite.');
  const role = parseAssignableRole(opts.role);
  const emails = [...new Set(opts.emails.map(v.email))];
  const now = env.now();
  return write(env, async (r) => {
    const actor = await authenticate(r, cred, now);
    const access = await resolveCompany(r, actor, opts.company);
    requireManager(access, actor, 'invite members');
    const { company } = access;
    const plan = (await r.planById(company.plan_id))!;
    const used = await r.seatsUsed(company.id);
    const invited: { email: string; status: 'INVITED' | 'PENDING' }[] = [];
    for (const email of emails) {
      // An e-mail that is already a member is reported as such (ALREADY_EXISTS), not
      // counted as a seat; the seat check follows, in the same transaction.
      await upsertMember(r, actor, company, email, role, now, 'invite');
      const status = (await r.userByEmail(email)) ? 'INVITED' : 'PENDING';
      invited.push({ email, status });
      await audit(r, now, actorRef(actor), 'member.invite', { company: { id: company.id, name: company.name }, target: email, details: { role, status } });
    }
    // Any failure here rolls back every invitation above: all of them or none.
    if (plan.max_users !== null && used + emails.length > plan.max_users) throw seatLimitError(company, plan, used, emails.length);
    return { company: { id: company.id, name: company.name }, role, invited, users: used + emails.length, maxUsers: plan.max_users };
  });
}

async function findTarget(r: Repo, company: CompanyRow, email: string) {
  const user = await r.userByEmail(email);
  if (user) {
    const m = await r.membership(company.id, user.id);
    if (m) return { kind: 'member' as const, user, role: m.role, status: m.status };
  } else {
    const inv = await r.invitation(company.id, email);
    if (inv) return { kind: 'invitation' as const, user: undefined, role: inv.role, status: 'PENDING' };
  }
  throw notFound(`${email} is not a member of "${v.printable(company.name)}".`);
}

/** Changes the role of a non-owner member or pending invitation. */
export async function setRole(env: Env, cred: Credential, opts: { email: string; role: string; company?: string | undefined }) {
  const role = parseAssignableRole(opts.role);
  const email = v.email(opts.email);
  const now = env.now();
  return write(env, async (r) => {
    const actor = await authenticate(r, cred, now);
    const access = await resolveCompany(r, actor, opts.company);
    requireManager(access, actor, 'change roles');
    const { company } = access;
    const t = await findTarget(r, company, email);
    if (t.role === 'OWNER') throw conflict(`${email} is the OWNER of "${v.printable(company.name)}"; the OWNER's role cannot be changed.`);
    if (t.role !== role) {
      if (t.kind === 'member') await r.setMembershipRole(company.id, t.user.id, role, iso(now));
      else await r.setInvitationRole(company.id, email, role, iso(now));
      await audit(r, now, actorRef(actor), 'member.set_role', { company: { id: company.id, name: company.name }, target: email, details: { from: t.role, to: role } });
    }
    return { company: { id: company.id, name: company.name }, email, role, previousRole: t.role, status: t.status, changed: t.role !== role };
  });
}

async function checkRemove(r: Repo, actor: Actor, companyRef: string | undefined, email: string) {
  const access = await resolveCompany(r, actor, companyRef);
  requireManager(access, actor, 'remove members');
  const t = await findTarget(r, access.company, email);
  if (t.role === 'OWNER') throw conflict(`${email} is the OWNER of "${v.printable(access.company.name)}" and cannot be removed.`);
  return { company: access.company, target: t };
}

/** Validates a removal without changing anything, for the confirmation prompt. */
export async function describeRemove(env: Env, cred: Credential, opts: { email: string; company?: string | undefined }) {
  const email = v.email(opts.email);
  return read(env, async (r) => {
    const actor = await authenticate(r, cred, env.now());
    const { company, target } = await checkRemove(r, actor, opts.company, email);
    return { company: { id: company.id, name: company.name }, email, role: target.role, status: target.status };
  });
}

/** Denies a member access: removes the membership or the pending invitation. */
export async function removeMember(env: Env, cred: Credential, opts: { email: string; company?: string | undefined }) {
  const email = v.email(opts.email);
  const now = env.now();
  return write(env, async (r) => {
    const actor = await authenticate(r, cred, now);
    const { company, target } = await checkRemove(r, actor, opts.company, email);
    if (target.kind === 'member') {
      await r.deleteMembership(company.id, target.user.id);
      if (target.user.current_company_id === company.id) {
        await r.setCurrentCompany(target.user.id, (await r.mainCompanyOf(target.user.id))!.id);
      }
    } else {
      await r.deleteInvitation(company.id, email);
    }
    await audit(r, now, actorRef(actor), 'member.remove', { company: { id: company.id, name: company.name }, target: email, details: { role: target.role, status: target.status } });
    return { removed: true, company: { id: company.id, name: company.name }, email, role: target.role, status: target.status };
  });
}
