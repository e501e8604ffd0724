import type { Repo, UserRow } from '../store/repo.js';
import { PlatformError } from '../errors.js';
import { planView } from './plans.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
import { type CompanyId, type CompanyRef, enterCompany } from './access.js';
import { printable } from '../text.js';

export interface CompanyListItem {
  id: number;
  name: string;
  role: string;
  status: string;
  current: boolean;
  main: boolean;
}

/** The user's companies: main first, then by name. */
export async function companyList(r: Repo, u: UserRow): Promise<CompanyListItem[]> {
  return (await r.companiesOfUser(u.id)).map((c) => ({
    id: c.id,
    name: c.name,
    role: c.role,
    status: c.status,
    current: c.id === u.current_company_id,
    main: c.owner_id === u.id,
  }));
}

export async function listCompanies(svc: Services, cred: Credential): Promise<CompanyListItem[]> {
  return read(svc, async (r) => companyList(r, (await authenticate(r, cred, svc.now())).user));
}

/** A company's name, owner, plan, seats and the caller's role there. */
export async function showCompany(svc: Services, cred: Credential, ref?: CompanyRef) {
  return read(svc, async (r) => {
    const { actor, company, role, status } = await enterCompany(r, cred, svc.now(), ref);
    // Together: one request to a remote store.
    const [owner, plan, users] = await Promise.all([
      r.userById(company.owner_id).then((u) => u!),
      r.planById(company.plan_id).then((p) => p!),
      r.seatsUsed(company.id),
    ]);
    return {
      id: company.id,
      name: company.name,
      owner: { email: owner.email, firstName: owner.first_name, lastName: owner.last_name },
      plan: planView(plan),
      users,
      maxUsers: plan.max_users,
      role,
      status,
      current: actor.user.current_company_id === company.id,
      createdAt: company.created_at,
    };
  });
}

/** Makes a company current; an INVITED membership becomes ACTIVE. */
export async function switchCompany(svc: Services, cred: Credential, ref: string) {
  const now = svc.now();
  return write(svc, async (r) => {
    const { actor, company, role, status } = await enterCompany(r, cred, now, ref, { invited: 'accept-or-leave' });
    if (!role)
      throw new PlatformError(
        'PERMISSION_DENIED',
        `You are not a member of "${printable(company.name)}"; staff can act on it with --company but cannot switch to it.`,
      );
    const activated = status === 'INVITED';
    if (activated) await r.activateMembership(company.id, actor.user.id, iso(now));
    await r.setCurrentCompany(actor.user.id, company.id);
    await audit(r, now, actorRef(actor), 'company.switch', {
      company: { id: company.id, name: company.name },
      target: actor.user.email,
      details: activated ? { activated } : null,
    });
    return { id: company.id, name: company.name, role, status: 'ACTIVE', activated };
  });
}

async function checkLeave(r: Repo, cred: Credential, ref: CompanyRef, now: Date) {
  const access = await enterCompany(r, cred, now, ref, { invited: 'accept-or-leave' });
  if (!access.role)
    throw new PlatformError('NOT_FOUND', `You are not a member of "${printable(access.company.name)}".`);
  if (access.company.owner_id === access.actor.user.id) {
    throw new PlatformError(
      'OWNER_CANNOT_LEAVE',
      `You are the OWNER of "${printable(access.company.name)}" and cannot leave it; delete your account to remove it.`,
    );
  }
  return access;
}

/** Validates a leave without changing anything, for the confirmation prompt. */
export async function describeLeave(svc: Services, cred: Credential, ref?: CompanyRef) {
  return read(svc, async (r) => {
    const { company, role } = await checkLeave(r, cred, ref, svc.now());
    return { id: company.id, name: company.name, role };
  });
}

/** Removes the caller's membership; if it was current, the main company becomes current. */
export async function leaveCompany(svc: Services, cred: Credential, ref?: CompanyId) {
  const now = svc.now();
  return write(svc, async (r) => {
    const { actor, company, role } = await checkLeave(r, cred, ref, now);
    await r.deleteMembership(company.id, actor.user.id);
    const wasCurrent = actor.user.current_company_id === company.id;
    if (wasCurrent) {
      const main = (await r.mainCompanyOf(actor.user.id))!;
      await r.setCurrentCompany(actor.user.id, main.id);
    }
    await audit(r, now, actorRef(actor), 'company.leave', {
      company: { id: company.id, name: company.name },
      target: actor.user.email,
      details: { role },
    });
    return { left: true, company: { id: company.id, name: company.name }, wasCurrent };
  });
}
