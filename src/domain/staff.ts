import type { Repo } from '../store/repo.js';
import { conflict, denied, invalid, notFound } from '../errors.js';
import { refusedCodePoint, codePointName, printable } from '../text.js';
import { type Actor, type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, write } from './services.js';
import { audit } from './audit-trail.js';
import * as v from './validation.js';

/**
 * Set in platformctl_meta by the first grant, and by migration 002 on stores that already
 * had staff: once a store has had a SUPPORT user, grants are never open to everyone again
 * (docs/security.md, "Staff bootstrap").
 */
const STAFF_BOOTSTRAPPED = 'staff_bootstrapped';

/** The settings key of the support contact that `billing show` prints. */
export const SUPPORT_CONTACT = 'support_contact';

function requireStaff(actor: Actor, what: string): void {
  if (!actor.isSupport) throw denied(`Only platform staff (SUPPORT) can ${what}.`);
}

async function accountOf(r: Repo, email: string) {
  const user = await r.userByEmail(email);
  if (!user) throw notFound(`No account for ${email}.`);
  return user;
}

/**
 * Grants the platform role SUPPORT. Only SUPPORT may grant, except the very first grant
 * on a store that has never had a SUPPORT user, which any signed-in user may make.
 */
export async function grantStaff(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    const bootstrap = !actor.isSupport && !(await r.meta(STAFF_BOOTSTRAPPED)) && (await r.countSupport()) === 0;
    if (!actor.isSupport && !bootstrap) requireStaff(actor, 'grant the SUPPORT role');
    const user = await accountOf(r, email);
    if (user.is_support) throw conflict(`${email} is already SUPPORT.`);
    await r.setSupport(user.id, true);
    await r.putMeta(STAFF_BOOTSTRAPPED, '1');
    await audit(r, now, actorRef(actor), 'staff.grant', { target: email, details: bootstrap ? { bootstrap } : null });
    return { email, support: true, bootstrap };
  });
}

/** The refusal when the last SUPPORT user would go: the store would have no staff left. */
export const lastSupport = (email: string, then?: string) =>
  conflict(
    then
      ? `${email} is the last SUPPORT user; grant SUPPORT to someone else first (\`platformctl staff grant EMAIL\`), then ${then}.`
      : `${email} is the last SUPPORT user; grant another first.`,
  );

/** Revokes SUPPORT; never from the last SUPPORT user, so a store always keeps its staff. */
export async function revokeStaff(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireStaff(actor, 'revoke the SUPPORT role');
    const user = await accountOf(r, email);
    if (!user.is_support) throw conflict(`${email} is not SUPPORT.`);
    if ((await r.countSupport()) === 1) throw lastSupport(email);
    await r.setSupport(user.id, false);
    await audit(r, now, actorRef(actor), 'staff.revoke', { target: email });
    return { email, support: false };
  });
}

/**
 * Lifts every sign-in lock and failure count of an account (all sources, and the count
 * for unknown sources), and the wrong-current-password counts of its live sessions and
 * tokens. Devices that signed in before stay known.
 */
export async function unlockAccount(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireStaff(actor, 'unlock accounts');
    const user = await accountOf(r, email);
    const wasLocked = await r.throttleLocked(email, iso(now));
    const cleared = (await r.unlockThrottle(email, iso(now))).changes;
    await r.resetFailedChecks(user.id);
    await audit(r, now, actorRef(actor), 'staff.unlock', { target: email, details: { wasLocked, counters: cleared } });
    return { email, unlocked: true, wasLocked };
  });
}

/** Signs a user out everywhere: revokes every session and personal API token they have. */
export async function signOutEverywhere(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireStaff(actor, 'sign users out');
    const user = await accountOf(r, email);
    const revoked = (await r.revokeTokensOf(user.id, null, iso(now))).changes;
    await audit(r, now, actorRef(actor), 'staff.signout', { target: email, details: { revoked } });
    return { email, revoked, self: user.id === actor.user.id };
  });
}

const CONTACT_MAX = 200;

/**
 * The support contact: an e-mail address, a URL (https://, http://, mailto:, tel:) or a
 * phone number, one line of at most CONTACT_MAX characters with nothing a terminal would
 * hide or act on. Returned as it will be stored.
 */
export function checkContact(input: string): string {
  const text = input.normalize('NFC').trim();
  const cp = refusedCodePoint(text, 'email');
  if (cp !== undefined)
    throw invalid(`The support contact must not contain control or invisible characters (found ${codePointName(cp)}).`);
  if (text === '') throw invalid('The support contact must not be empty.');
  if ([...text].length > CONTACT_MAX)
    throw invalid(`The support contact must be at most ${CONTACT_MAX} characters long.`);
  if (!v.isRefusal(v.checkEmail(text))) return v.email(text);
  if (/^(https?|mailto|tel):\S+$/i.test(text)) {
    try {
      const url = new URL(text);
      if (!/^https?:$/.test(url.protocol) || url.hostname !== '') return text;
    } catch {
      /* not a URL: refused below */
    }
  }
  try {
    const phone = v.phone(text);
    if (phone) return phone;
  } catch {
    /* not a phone number: refused below */
  }
  throw invalid(
    `"${printable(text)}" is not a support contact: give an e-mail address, a URL (https://…, mailto:…) or a phone number.`,
  );
}

/** Sets the support contact that `billing show` prints for changing plans. */
export async function setSupportContact(svc: Services, cred: Credential, input: string) {
  const contact = checkContact(input);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    requireStaff(actor, 'set the support contact');
    const previous = (await r.setting(SUPPORT_CONTACT)) ?? null;
    await r.putSetting(SUPPORT_CONTACT, contact, iso(now), actor.user.id);
    await audit(r, now, actorRef(actor), 'staff.contact', {
      target: SUPPORT_CONTACT,
      details: { from: previous, to: contact },
    });
    return { supportContact: contact, previous, changed: previous !== contact };
  });
}
