import type { Repo, UserRow } from '../store/repo.js';
import { PlatformError, denied, invalid } from '../errors.js';
import {
  badCredentials,
  checkNewPassword,
  dummyHash,
  hashPassword,
  kdfOf,
  needsRehash,
  verifyPassword,
} from './password.js';
import { companyList, type CompanyListItem } from './companies.js';
import { planView, type PlanView } from './plans.js';
import { SESSION_TTL_DAYS, hashToken, newToken } from './tokens.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
import {
  afterFailure,
  afterSuccess,
  checkSource,
  countersOf,
  forgetBefore,
  isKnown,
  lockedUntil,
  throttled,
} from './throttle.js';
import { noCurrentCompany } from './access.js';
import { lastSupport } from './staff.js';
import * as v from './validation.js';
import { printable } from '../text.js';

const DAY = 86_400_000;

async function openSession(r: Repo, userId: number, now: Date) {
  const token = newToken('session');
  await r.insertToken({
    userId,
    kind: 'session',
    name: null,
    hash: hashToken(token),
    now: iso(now),
    expiresAt: iso(new Date(now.getTime() + SESSION_TTL_DAYS * DAY)),
  });
  return token;
}

export interface RegisterInput {
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | undefined;
  password: string;
}

export interface SessionResult {
  token: string;
  user: { id: number; email: string };
  company?: { id: number; name: string };
}

/** Validates registration fields before a password is asked for. */
export function validateRegistration(input: Omit<RegisterInput, 'password'>) {
  return {
    email: v.email(input.email),
    firstName: v.personName('First name', input.firstName),
    lastName: v.personName('Last name', input.lastName),
    phone: input.phone === undefined ? null : v.phone(input.phone),
  };
}

const alreadyRegistered = (email: string) =>
  new PlatformError(
    'ALREADY_EXISTS',
    `An account for ${email} already exists. Sign in with \`platformctl account login\`.`,
  );

/**
 * Refuses an e-mail that already has an account before anyone types a password for it;
 * returns it normalised. A read only: createAccount checks again inside its write, so
 * two registrations racing for one e-mail still end in one account and ALREADY_EXISTS.
 */
export async function checkEmailAvailable(svc: Services, emailInput: string): Promise<string> {
  const email = v.email(emailInput);
  if (await read(svc, (r) => r.userByEmail(email))) throw alreadyRegistered(email);
  return email;
}

/**
 * Creates the user and their main company "<last name> Company" with the user as
 * OWNER; turns pending invitations for the e-mail into INVITED memberships; opens a session.
 * Registering proves the password as a sign-in does, so `source` (this config directory's
 * id, src/device-id.ts) is known to the e-mail from then on, exactly as after a login.
 */
export async function register(svc: Services, input: RegisterInput, source: string): Promise<RegisteredAccount> {
  const src = checkSource(source);
  const fields = validateRegistration(input);
  checkNewPassword(input.password, 'Password');
  const hash = await hashPassword(input.password, kdfOf(svc));
  const now = svc.now();
  return write(svc, (r) => createAccount(r, fields, hash, now, src));
}

export type RegisteredAccount = SessionResult & { company: { id: number; name: string }; invitations: number };

/**
 * The registration itself, inside the caller's write transaction, for a password that is
 * already hashed (the hash is slow, so it is made before the transaction). `source`, the
 * sign-in source it was made from, becomes known to the e-mail as after a successful
 * login (src/domain/throttle.ts); set-up without a device (tests, tools) gives none.
 */
export async function createAccount(
  r: Repo,
  fields: ReturnType<typeof validateRegistration>,
  passwordHash: string,
  now: Date,
  source?: string,
): Promise<RegisteredAccount> {
  if (await r.userByEmail(fields.email)) throw alreadyRegistered(fields.email);
  const plan = await r.defaultPlan();
  if (!plan) throw new PlatformError('STORE_CORRUPT', 'The store has no default plan.');
  const userId = await r.insertUser({ ...fields, passwordHash, now: iso(now) });
  const companyName = v.companyName(`${fields.lastName} Company`);
  const companyId = await r.insertCompany({ name: companyName, ownerId: userId, planId: plan.id, now: iso(now) });
  await r.insertMembership({ companyId, userId, role: 'OWNER', status: 'ACTIVE', invitedBy: null, now: iso(now) });
  await r.setCurrentCompany(userId, companyId);
  const pending = await r.invitationsFor(fields.email);
  for (const inv of pending) {
    await r.insertMembership({
      companyId: inv.company_id,
      userId,
      role: inv.role,
      status: 'INVITED',
      invitedBy: inv.invited_by,
      now: iso(now),
    });
  }
  await r.deleteInvitationsFor(fields.email);
  const token = await openSession(r, userId, now);
  // This device's counter reset and known from now on; other sources' counters untouched.
  if (source !== undefined) await r.putThrottle(afterSuccess(fields.email, checkSource(source), now), iso(now));
  const actor = { id: userId, email: fields.email };
  await audit(r, now, actor, 'account.register', {
    company: { id: companyId, name: companyName },
    target: fields.email,
    details: pending.length ? { invitations: pending.map((p) => p.company_id) } : null,
  });
  return { token, user: actor, company: { id: companyId, name: companyName }, invitations: pending.length };
}

/**
 * Opens a session for e-mail + password, signing in from `source` (this config
 * directory's id, src/device-id.ts). Every attempt costs exactly one scrypt verification,
 * whether the e-mail has an account or not, is throttled or not; failures are counted and
 * locks decided by the throttle policy (src/domain/throttle.ts), by e-mail whether or not
 * it has an account, so neither the answer nor the throttling tells who has one. Hashes
 * made with weaker scrypt parameters are redone.
 */
export async function login(
  svc: Services,
  emailInput: string,
  password: string,
  source: string,
): Promise<SessionResult> {
  const kdf = kdfOf(svc);
  const src = checkSource(source);
  const email = v.checkEmail(emailInput);
  if (v.isRefusal(email)) {
    await verifyPassword(await dummyHash(kdf), password);
    throw badCredentials();
  }
  const now = svc.now();
  const user = await read(svc, (r) => r.userByEmail(email));
  const verified = await verifyPassword(user ? user.password_hash : await dummyHash(kdf), password);
  const ok = Boolean(user) && verified;
  const upgraded = ok && (await needsRehash(user!.password_hash, kdf)) ? await hashPassword(password, kdf) : null;
  const result = await write(svc, async (r) => {
    const counters = countersOf(await r.throttleRows(email, src), src);
    const locked = lockedUntil(counters, now);
    // A locked attempt changes nothing, so a right password then tells nothing either.
    if (locked) return { failed: true as const, error: throttled(locked, now) };
    // The account may be gone, or its password changed, since it was verified.
    const fresh = user ? await r.userById(user.id) : undefined;
    if (!ok || !fresh || fresh.password_hash !== user!.password_hash) {
      const failure = afterFailure(counters, email, src, now);
      for (const row of failure.rows) await r.putThrottle(row, iso(now));
      await r.pruneThrottle(email, forgetBefore(now), iso(now));
      await audit(r, now, null, 'account.login_failed', {
        target: email,
        details: {
          failures: failure.rows[0]!.failures,
          knownSource: isKnown(counters),
          lockedUntil: failure.lockedUntil,
        },
      });
      return {
        failed: true as const,
        error: failure.lockedUntil ? throttled(failure.lockedUntil, now) : badCredentials(),
      };
    }
    await r.putThrottle(afterSuccess(email, src, now), iso(now));
    if (upgraded) await r.setPasswordHash(fresh.id, upgraded, iso(now));
    const token = await openSession(r, fresh.id, now);
    await audit(r, now, { id: fresh.id, email: fresh.email }, 'account.login', {
      target: fresh.email,
      details: upgraded ? { passwordHashUpgraded: true } : null,
    });
    return { failed: false as const, session: { token, user: { id: fresh.id, email: fresh.email } } };
  });
  // The failure count must be committed, so the error is thrown after the transaction.
  if (result.failed) throw result.error;
  return result.session;
}

/** Revokes the session used by the caller. */
export async function logout(svc: Services, cred: Credential): Promise<{ email: string; revoked: boolean }> {
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    if (actor.tokenKind === 'api')
      throw invalid(
        'This is a personal API token, not a session; revoke it with `platformctl account token revoke ID`.',
      );
    await r.revokeToken(actor.tokenId, iso(now));
    await audit(r, now, actorRef(actor), 'account.logout', { target: actor.user.email });
    return { email: actor.user.email, revoked: true };
  });
}

export interface AccountView {
  user: { id: number; email: string; firstName: string; lastName: string; phone: string | null; support: boolean };
  currentCompany: { id: number; name: string; role: string; plan: PlanView | null } | null;
  companies: CompanyListItem[];
}

/** The account panel: personal data, current company with role and plan, all companies. */
export async function show(svc: Services, cred: Credential): Promise<AccountView> {
  return read(svc, async (r) => {
    const actor = await authenticate(r, cred, svc.now());
    return accountView(r, actor.user);
  });
}

async function accountView(r: Repo, u: UserRow): Promise<AccountView> {
  // Together: one request to a remote store.
  const [companies, currentPlan] = await Promise.all([
    companyList(r, u),
    u.current_company_id == null ? undefined : r.planOfCompany(u.current_company_id),
  ]);
  const cur = companies.find((c) => c.current);
  let currentCompany: AccountView['currentCompany'] = null;
  if (cur && currentPlan) {
    const plan = currentPlan;
    // The panel shows the plan except for unlimited custom plans (docs/rules.md).
    const shown = plan.custom === 1 && plan.max_users === null ? null : planView(plan);
    currentCompany = { id: cur.id, name: cur.name, role: cur.role, plan: shown };
  }
  return {
    user: {
      id: u.id,
      email: u.email,
      firstName: u.first_name,
      lastName: u.last_name,
      phone: u.phone,
      support: u.is_support === 1,
    },
    currentCompany,
    companies,
  };
}

export interface UpdateInput {
  firstName?: string | undefined;
  lastName?: string | undefined;
  phone?: string | undefined;
  companyName?: string | undefined;
}

/** Edits personal data; the company name only by the OWNER of the current company. */
export async function update(
  svc: Services,
  cred: Credential,
  input: UpdateInput,
): Promise<AccountView & { changed: string[] }> {
  if (Object.values(input).every((x) => x === undefined))
    throw invalid('Nothing to update: pass --first-name, --last-name, --phone or --company-name.');
  const firstName = input.firstName === undefined ? undefined : v.personName('First name', input.firstName);
  const lastName = input.lastName === undefined ? undefined : v.personName('Last name', input.lastName);
  const phone = input.phone === undefined ? undefined : v.phone(input.phone);
  const companyName = input.companyName === undefined ? undefined : v.companyName(input.companyName);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    const u = actor.user;
    const changed: string[] = [];
    const next = {
      firstName: firstName ?? u.first_name,
      lastName: lastName ?? u.last_name,
      phone: phone === undefined ? u.phone : phone,
    };
    if (next.firstName !== u.first_name) changed.push('firstName');
    if (next.lastName !== u.last_name) changed.push('lastName');
    if (next.phone !== u.phone) changed.push('phone');
    if (companyName !== undefined) {
      const company = u.current_company_id == null ? undefined : await r.companyById(u.current_company_id);
      // account update renames the current company only: it has no --company to offer.
      if (!company) throw noCurrentCompany({ orCompanyFlag: false });
      if (company.owner_id !== u.id) throw denied(`Only the OWNER of "${printable(company.name)}" can rename it.`);
      if (company.name !== companyName) {
        await r.renameCompany(company.id, companyName, iso(now));
        await audit(r, now, actorRef(actor), 'company.rename', {
          company: { id: company.id, name: companyName },
          target: String(company.id),
          details: { from: company.name, to: companyName },
        });
        changed.push('companyName');
      }
    }
    if (changed.some((c) => c !== 'companyName')) {
      await r.updateUserProfile(u.id, { ...next, now: iso(now) });
      await audit(r, now, actorRef(actor), 'account.update', {
        target: u.email,
        details: { fields: changed.filter((c) => c !== 'companyName') },
      });
    }
    const fresh = (await r.userById(u.id))!;
    return { ...(await accountView(r, fresh)), changed };
  });
}

/**
 * The last SUPPORT user cannot delete their account until someone else is granted: a
 * store that has had staff keeps staff, and never reopens the first grant to anyone.
 */
async function refuseLastSupport(r: Repo, u: UserRow) {
  if (u.is_support === 1 && (await r.countSupport()) === 1) throw lastSupport(u.email, 'delete your account');
}

/** Checks the caller is signed in and says what account delete would remove. */
/**
 * Deleting an account takes its company and every membership in it, for good: a personal
 * API token (a CI credential, perhaps leaked from a build log) may not do it, only a
 * session someone signed in to with the password.
 */
function refuseApiToken(actor: { tokenKind: string }) {
  if (actor.tokenKind !== 'session')
    throw denied(
      'A personal API token cannot delete the account. Sign in with `platformctl account login` and delete it from that session.',
    );
}

export async function describeDelete(svc: Services, cred: Credential) {
  return read(svc, async (r) => {
    const actor = await authenticate(r, cred, svc.now());
    refuseApiToken(actor);
    await refuseLastSupport(r, actor.user);
    const company = await r.mainCompanyOf(actor.user.id);
    const members = company ? (await r.seatsUsed(company.id)) - 1 : 0;
    return {
      email: actor.user.email,
      company: company ? { id: company.id, name: company.name } : null,
      otherMembers: members,
    };
  });
}

/**
 * Deletes the user, their main company (every membership and invitation in it), their
 * other memberships and their sessions; members whose current company it was have no
 * current company until they switch to one (docs/rules.md).
 */
export async function deleteAccount(svc: Services, cred: Credential) {
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    refuseApiToken(actor);
    const u = actor.user;
    await refuseLastSupport(r, u);
    const company = await r.mainCompanyOf(u.id);
    let removedMembers = 0;
    if (company) {
      removedMembers = (await r.seatsUsed(company.id)) - 1;
      // Members whose current company it was have none until they switch (docs/rules.md).
      await r.clearCurrentCompany(company.id);
      await r.deleteCompany(company.id);
    }
    await r.deleteUser(u.id);
    // Whoever registers this e-mail next has none of these devices (src/domain/throttle.ts).
    await r.forgetKnownSources(u.email);
    await audit(r, now, { id: u.id, email: u.email }, 'account.delete', {
      company: company ? { id: company.id, name: company.name } : null,
      target: u.email,
      details: { removedMembers },
    });
    return {
      deleted: true,
      email: u.email,
      company: company ? { id: company.id, name: company.name } : null,
      removedMembers,
    };
  });
}
