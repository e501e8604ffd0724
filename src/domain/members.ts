import type { BulkRow, CompanyRow, MemberRow, PlanRow, Repo } from '../store/repo.js';
import { PlatformError, conflict, invalid, notFound } from '../errors.js';
import {
  type MemberStatus,
  type Role,
  canManageMembers,
  parseAssignableRole,
  parseRole,
  parseStatus,
} from './roles.js';
import { type Credential, actorRef } from './auth.js';
import { type PageReader, type Services, iso, read, readPages, write } from './services.js';
import { audit, auditMany } from './audit-trail.js';
import { type CompanyId, type CompanyRef, enterCompany } from './access.js';
import * as v from './validation.js';
import { printable } from '../text.js';
import { checkPageMovesOn, type Listing, MEMBER_PAGE, parseLimit } from './paging.js';

export interface MemberView {
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string;
  status: string;
}

export interface MemberListOptions {
  company?: CompanyRef;
  role?: string | undefined;
  status?: string | undefined;
  /** Continue after this member: the rows listed after it (the OWNER comes first, then e-mail order). */
  after?: string | undefined;
  /** At most this many rows; undefined lists everything. */
  limit?: number | undefined;
  /** When the limit leaves rows out, count them (Listing.more). */
  countMore?: boolean | undefined;
  /** Leave the names out (null): member export does not need them, and it spares a lookup per member. */
  withoutNames?: boolean | undefined;
  /** Receives each page as it is read; the next page is read once it resolves. */
  onPage: (rows: MemberView[], company: { id: number; name: string }) => void | Promise<void>;
}

const view = (m: MemberRow): MemberView => ({
  email: m.email,
  firstName: m.first_name,
  lastName: m.last_name,
  role: m.role,
  status: m.status,
});

/**
 * A company's members (ACTIVE, INVITED) and pending invitations (PENDING), streamed:
 * the OWNER first, then everyone in e-mail order, filtered by role and status in SQL,
 * read a page at a time (MEMBER_PAGE) and handed to onPage as read. Who may list, and
 * which company, is settled in the first read, together with the first page; every
 * later page is its own read (one request on sqld), keyed on the last e-mail seen.
 */
export async function streamMembers(svc: Services, cred: Credential, opts: MemberListOptions) {
  // Every page from one snapshot where the engine allows it (readPages).
  return readPages(svc, (read) => streamMemberPages(svc, read, cred, opts));
}

async function streamMemberPages(svc: Services, read: PageReader, cred: Credential, opts: MemberListOptions) {
  const role = opts.role === undefined ? undefined : parseRole(opts.role);
  const status: MemberStatus | undefined = opts.status === undefined ? undefined : parseStatus(opts.status);
  const limit = parseLimit(opts.limit);
  const filter = { role, status };
  const names = { names: !opts.withoutNames };
  let left = limit ?? Number.POSITIVE_INFINITY;
  let last: string | undefined;
  let shown = 0;
  // E-mails are stored trimmed and lower-case; a cursor typed differently still continues.
  const requested = opts.after?.trim().normalize('NFC').toLowerCase();

  const first = await read(async (r) => {
    const { company } = await enterCompany(r, cred, svc.now(), opts.company);
    // The OWNER and the first page together: one request to a remote store. The page is
    // asked for as if the OWNER were not shown and cut to size once it is known.
    const most = Math.min(MEMBER_PAGE, left);
    const [owner, read0] = await Promise.all([
      r.memberOwner(company.id),
      r.membersPage(company.id, requested ?? '', filter, most, names),
    ]);
    // --after the OWNER (the first row) continues with everyone else from the start (one
    // more request, for that rare cursor only).
    const after = requested === undefined || requested === owner?.email ? '' : requested;
    const fromStart = requested !== undefined && after === '';
    const read1 = fromStart ? await r.membersPage(company.id, '', filter, most, names) : read0;
    const head =
      requested === undefined && owner && (!role || role === owner.role) && (!status || status === owner.status)
        ? [owner]
        : [];
    const asked = Math.min(MEMBER_PAGE, left - head.length);
    const page = asked > 0 ? read1.slice(0, asked) : [];
    return { company: { id: company.id, name: company.name }, after, head, page, asked };
  });
  const { company } = first;
  const emit = async (rows: MemberRow[]) => {
    if (rows.length === 0) return;
    shown += rows.length;
    left -= rows.length;
    last = rows[rows.length - 1]!.email;
    await opts.onPage(rows.map(view), company);
  };
  await emit([...first.head, ...first.page]);
  let after = first.page.length ? first.page[first.page.length - 1]!.email : first.after;
  let full = first.page.length === first.asked;
  while (full && left > 0) {
    const asked = Math.min(MEMBER_PAGE, left);
    const page = await read((r) => r.membersPage(company.id, after, filter, asked, names));
    checkPageMovesOn(
      page.map((m) => m.email),
      after,
    );
    full = page.length === asked;
    if (page.length) after = page[page.length - 1]!.email;
    await emit(page);
  }
  let more = 0;
  if (left === 0 && opts.countMore) {
    more = await read((r) => r.countMembersAfter(company.id, after, filter));
  }
  const listing: Listing = { shown, more, last };
  return { company, ...listing };
}

/** A company's members as one array (small lists: completion, tests); see streamMembers. */
export async function listMembers(
  svc: Services,
  cred: Credential,
  opts: Omit<MemberListOptions, 'onPage' | 'countMore'>,
): Promise<{ company: { id: number; name: string }; members: MemberView[] }> {
  const members: MemberView[] = [];
  const { company } = await streamMembers(svc, cred, { ...opts, onPage: (rows) => void members.push(...rows) });
  return { company, members };
}

/** The error for a company whose plan has no room for `adding` more members. */
export function seatLimitError(company: CompanyRow, plan: PlanRow, used: number, adding: number) {
  return new PlatformError(
    'SEAT_LIMIT',
    `Plan ${plan.name} of "${printable(company.name)}" allows ${plan.max_users} users; ` +
      `it has ${used}, so ${adding} more would exceed it. Ask support to change the plan.`,
    { plan: plan.name, maxUsers: plan.max_users, users: used, adding },
  );
}

/** Invites e-mails into a company with one role; all of them or none. */
export async function invite(
  svc: Services,
  cred: Credential,
  opts: { emails: string[]; role: string; company?: string | undefined },
) {
  if (opts.emails.length === 0) throw invalid('Name at least one e-mail to invite.');
  const role = parseAssignableRole(opts.role);
  const emails = [...new Set(opts.emails.map(v.email))];
  const now = svc.now();
  return write(svc, async (r) => {
    const { actor, company } = await enterCompany(r, cred, now, opts.company, { toManage: 'invite members' });
    const ref = { id: company.id, name: company.name };
    // One lookup for all the e-mails, then one insert per table: a few round trips on
    // sqld however many people are invited.
    // The look-ups go out together (one request on sqld, while this transaction holds
    // the write lock); seats are counted only where the plan caps them: counting a
    // million members of an unlimited company would hold every other writer up.
    const [found, plan, used] = await Promise.all([
      r.bulkLookup(company.id, emails),
      r.planById(company.plan_id).then((p) => p!),
      r.seatsUsedIfCapped(company.id, company.plan_id),
    ]);
    const known = new Map(found.map((k) => [k.email, k]));
    const memberships: BulkRow<number>[] = [];
    const invitations: BulkRow<string>[] = [];
    const invited: { email: string; status: 'INVITED' | 'PENDING' }[] = [];
    for (const email of emails) {
      const k = known.get(email);
      if (k?.user_id === company.owner_id)
        throw conflict(
          `${email} is the OWNER of "${printable(company.name)}"; the OWNER's membership cannot be changed.`,
        );
      if (k?.m_role)
        throw new PlatformError(
          'ALREADY_EXISTS',
          `${email} is already a member of "${printable(company.name)}" (${k.m_role}, ${k.m_status}).`,
        );
      if (k?.i_role)
        throw new PlatformError(
          'ALREADY_EXISTS',
          `${email} is already invited to "${printable(company.name)}" (${k.i_role}, PENDING).`,
        );
      if (k?.user_id) memberships.push([company.id, k.user_id, role]);
      else invitations.push([company.id, email, role]);
      invited.push({ email, status: k?.user_id ? 'INVITED' : 'PENDING' });
    }
    // E-mails that are already members were reported above (ALREADY_EXISTS) rather
    // than counted as seats; any failure rolls back the whole invite.
    if (used !== null && plan.max_users !== null && used + emails.length > plan.max_users)
      throw seatLimitError(company, plan, used, emails.length);
    if (memberships.length) await r.bulkInsertMemberships(memberships, actor.user.id, iso(now));
    if (invitations.length) await r.bulkInsertInvitations(invitations, actor.user.id, iso(now));
    await auditMany(
      r,
      now,
      actorRef(actor),
      'member.invite',
      invited.map((i) => ({ company: ref, target: i.email, details: { role, status: i.status } })),
    );
    return {
      company: ref,
      role,
      invited,
      users: used === null ? null : used + emails.length,
      maxUsers: plan.max_users,
    };
  });
}

async function findTarget(r: Repo, company: CompanyRow, email: string) {
  // Asked together: one request on sqld, where a write transaction holds the lock meanwhile.
  const [user, m, inv] = await Promise.all([
    r.userByEmail(email),
    r.membershipOfEmail(company.id, email),
    r.invitation(company.id, email),
  ]);
  if (user) {
    if (m) return { kind: 'member' as const, user, role: m.role, status: m.status };
  } else {
    if (inv) return { kind: 'invitation' as const, user: undefined, role: inv.role, status: 'PENDING' };
  }
  throw notFound(`${email} is not a member of "${printable(company.name)}".`);
}

/**
 * Checks a role change without making it, for the confirmation: `losesManagement` when
 * the actors would take away their own right to manage the company's members (an
 * ADMINISTRATOR demoting themselves), which they cannot undo. Staff keep it anyway.
 */
export async function describeSetRole(
  svc: Services,
  cred: Credential,
  opts: { email: string; role: string; company?: CompanyRef },
) {
  const role = parseAssignableRole(opts.role);
  const email = v.email(opts.email);
  return read(svc, async (r) => {
    const { actor, company } = await enterCompany(r, cred, svc.now(), opts.company, { toManage: 'change roles' });
    const t = await findTarget(r, company, email);
    if (t.role === 'OWNER')
      throw conflict(`${email} is the OWNER of "${printable(company.name)}"; the OWNER's role cannot be changed.`);
    const self = t.user !== undefined && t.user.id === actor.user.id;
    return {
      company: { id: company.id, name: company.name },
      email,
      role,
      previousRole: t.role,
      self,
      losesManagement: self && !actor.isSupport && canManageMembers(t.role as Role) && !canManageMembers(role),
    };
  });
}

/** Changes the role of a non-owner member or pending invitation. */
export async function setRole(
  svc: Services,
  cred: Credential,
  opts: { email: string; role: string; company?: CompanyId },
) {
  const role = parseAssignableRole(opts.role);
  const email = v.email(opts.email);
  const now = svc.now();
  return write(svc, async (r) => {
    const { actor, company } = await enterCompany(r, cred, now, opts.company, { toManage: 'change roles' });
    const t = await findTarget(r, company, email);
    if (t.role === 'OWNER')
      throw conflict(`${email} is the OWNER of "${printable(company.name)}"; the OWNER's role cannot be changed.`);
    if (t.role !== role) {
      if (t.kind === 'member') await r.setMembershipRole(company.id, t.user.id, role, iso(now));
      else await r.setInvitationRole(company.id, email, role, iso(now));
      await audit(r, now, actorRef(actor), 'member.set_role', {
        company: { id: company.id, name: company.name },
        target: email,
        details: { from: t.role, to: role },
      });
    }
    return {
      company: { id: company.id, name: company.name },
      email,
      role,
      previousRole: t.role,
      status: t.status,
      changed: t.role !== role,
    };
  });
}

async function checkRemove(r: Repo, cred: Credential, now: Date, ref: CompanyRef, email: string) {
  const { actor, company } = await enterCompany(r, cred, now, ref, { toManage: 'remove members' });
  const t = await findTarget(r, company, email);
  if (t.role === 'OWNER')
    throw conflict(`${email} is the OWNER of "${printable(company.name)}" and cannot be removed.`);
  return { actor, company, target: t };
}

/** Validates a removal without changing anything, for the confirmation prompt. */
export async function describeRemove(svc: Services, cred: Credential, opts: { email: string; company?: CompanyRef }) {
  const email = v.email(opts.email);
  return read(svc, async (r) => {
    const { actor, company, target } = await checkRemove(r, cred, svc.now(), opts.company, email);
    // Removing oneself cannot be undone by oneself (staff keep their access anyway).
    const self = target.user !== undefined && target.user.id === actor.user.id && !actor.isSupport;
    return {
      company: { id: company.id, name: company.name },
      email,
      role: target.role,
      status: target.status,
      self,
    };
  });
}

/** Denies a member access: removes the membership or the pending invitation. */
export async function removeMember(svc: Services, cred: Credential, opts: { email: string; company?: CompanyId }) {
  const email = v.email(opts.email);
  const now = svc.now();
  return write(svc, async (r) => {
    const { actor, company, target } = await checkRemove(r, cred, now, opts.company, email);
    if (target.kind === 'member') {
      await r.deleteMembership(company.id, target.user.id);
      // Their current company is gone for them: no other one is chosen behind their back.
      await r.clearCurrentCompany(company.id, target.user.id);
    } else {
      await r.deleteInvitation(company.id, email);
    }
    await audit(r, now, actorRef(actor), 'member.remove', {
      company: { id: company.id, name: company.name },
      target: email,
      details: { role: target.role, status: target.status },
    });
    return {
      removed: true,
      company: { id: company.id, name: company.name },
      email,
      role: target.role,
      status: target.status,
    };
  });
}
