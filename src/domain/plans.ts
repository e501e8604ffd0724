import type { PlanRow } from '../store/repo.js';
import { PlatformError, conflict, invalid, notFound } from '../errors.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
import { SUPPORT_CONTACT } from './staff.js';
import { type CompanyRef, enterCompany, requireSupport, resolveCompany } from './access.js';
import * as v from './validation.js';
import { printable } from '../text.js';

export interface PlanView {
  name: string;
  maxUsers: number | null;
  custom: boolean;
}

export const planView = (p: PlanRow): PlanView => ({ name: p.name, maxUsers: p.max_users, custom: p.custom === 1 });

/** The plan catalogue. */
export async function listPlans(svc: Services, cred: Credential): Promise<(PlanView & { default: boolean })[]> {
  return read(svc, async (r) => {
    await authenticate(r, cred, svc.now());
    return (await r.plans()).map((p) => ({ ...planView(p), default: p.is_default === 1 }));
  });
}

/** Staff create a plan with a user cap or unlimited. */
export async function createPlan(
  svc: Services,
  cred: Credential,
  input: { name: string; maxUsers?: number | undefined; unlimited?: boolean | undefined; custom?: boolean | undefined },
) {
  const name = v.planName(input.name);
  if (input.unlimited && input.maxUsers !== undefined)
    throw invalid('Pass either --max-users N or --unlimited, not both.');
  if (!input.unlimited && input.maxUsers === undefined) throw invalid('Pass --max-users N or --unlimited.');
  if (
    input.maxUsers !== undefined &&
    (!Number.isInteger(input.maxUsers) || input.maxUsers < 1 || input.maxUsers > 10_000_000)
  ) {
    throw invalid('--max-users must be a whole number from 1 to 10000000.');
  }
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireSupport(actor, 'create plans');
    if (await r.planByName(name)) throw new PlatformError('ALREADY_EXISTS', `Plan ${name} already exists.`);
    const maxUsers = input.unlimited ? null : input.maxUsers!;
    await r.insertPlan({ name, maxUsers, custom: !!input.custom, now: iso(now) });
    const plan = { name, maxUsers, custom: !!input.custom };
    await audit(r, now, actorRef(actor), 'plan.create', { target: name, details: plan });
    return plan;
  });
}

/** Staff move a company to another plan; never below the members it already has. */
export async function setPlan(svc: Services, cred: Credential, companyRef: string, planName: string) {
  const name = v.planName(planName);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireSupport(actor, "change a company's plan");
    const { company } = await resolveCompany(r, actor, companyRef);
    const plan = await r.planByName(name);
    if (!plan) throw notFound(`No plan ${name}. See \`platformctl plan list\`.`);
    const used = await r.seatsUsed(company.id);
    if (plan.max_users !== null && used > plan.max_users) {
      throw new PlatformError(
        'SEAT_LIMIT',
        `Plan ${plan.name} allows ${plan.max_users} users but "${printable(company.name)}" has ${used}; remove members first.`,
      );
    }
    const old = (await r.planById(company.plan_id))!;
    if (old.id === plan.id) throw conflict(`"${printable(company.name)}" is already on plan ${plan.name}.`);
    await r.setCompanyPlan(company.id, plan.id, iso(now));
    await audit(r, now, actorRef(actor), 'plan.set', {
      company: { id: company.id, name: company.name },
      target: plan.name,
      details: { from: old.name, to: plan.name },
    });
    return { company: { id: company.id, name: company.name }, plan: planView(plan), previous: old.name, users: used };
  });
}

/**
 * Billing: the plan of a company, how many of its seats are used, and whom to contact to
 * change it (the support contact staff set with `staff contact set`; null until then).
 * Never a list of staff accounts: that would hand attackers their targets.
 */
export async function billing(svc: Services, cred: Credential, companyRef?: CompanyRef) {
  return read(svc, async (r) => {
    const { company } = await enterCompany(r, cred, svc.now(), companyRef);
    // Together: one request to a remote store.
    const [plan, users, supportContact] = await Promise.all([
      r.planById(company.plan_id),
      r.seatsUsed(company.id),
      r.setting(SUPPORT_CONTACT),
    ]);
    return {
      company: { id: company.id, name: company.name },
      plan: planView(plan!),
      users,
      supportContact: supportContact ?? null,
    };
  });
}
