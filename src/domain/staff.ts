import { conflict, denied, notFound } from '../errors.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, write } from './services.js';
import { audit } from './audit-trail.js';
import * as v from './validation.js';

/**
 * Grants the platform role SUPPORT. Only SUPPORT may grant, except the very first
 * grant on a store with no SUPPORT user, which any signed-in user may make.
 */
export async function grantStaff(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    const bootstrap = (await r.countSupport()) === 0;
    if (!actor.isSupport && !bootstrap) throw denied('Only platform staff (SUPPORT) can grant the SUPPORT role.');
    const user = await r.userByEmail(email);
    if (!user) throw notFound(`No account for ${email}.`);
    if (user.is_support) throw conflict(`${email} is already SUPPORT.`);
    await r.setSupport(user.id, true);
    await audit(r, now, actorRef(actor), 'staff.grant', { target: email, details: bootstrap ? { bootstrap } : null });
    return { email, support: true, bootstrap };
  });
}

/** Revokes SUPPORT; the last SUPPORT user stays, so the store never falls back to bootstrap. */
export async function revokeStaff(svc: Services, cred: Credential, emailInput: string) {
  const email = v.email(emailInput);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    if (!actor.isSupport) throw denied('Only platform staff (SUPPORT) can revoke the SUPPORT role.');
    const user = await r.userByEmail(email);
    if (!user) throw notFound(`No account for ${email}.`);
    if (!user.is_support) throw conflict(`${email} is not SUPPORT.`);
    if ((await r.countSupport()) === 1) throw conflict(`${email} is the last SUPPORT user; grant another first.`);
    await r.setSupport(user.id, false);
    await audit(r, now, actorRef(actor), 'staff.revoke', { target: email });
    return { email, support: false };
  });
}
