import { PlatformError, conflict, invalid } from '../errors.js';
import { checkPasswordChange, hashPassword, kdfOf, normalizePassword, verifyPassword } from './password.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
import {
  TOKEN_CHECK_LIMIT,
  afterFailure,
  afterSuccess,
  changeThrottled,
  checkSource,
  countersOf,
  forgetBefore,
  lockedUntil,
} from './throttle.js';

const WRONG = 'Current password is incorrect.';

/**
 * Changes the password. Checks in the order of docs/rules.md: length, match, then the
 * current password. A wrong current password counts toward the sign-in throttle of the
 * e-mail from `source` (this device) exactly as a failed sign-in does, and on the
 * session or token used: after TOKEN_CHECK_LIMIT of them that credential is revoked, so
 * a stolen session cannot guess without limit. Only this device's own lock refuses a
 * change, never strangers' failures (src/domain/throttle.ts). Then a new password equal
 * to the current one is refused (INVALID_INPUT). On success every other
 * session and token of the user is revoked.
 */
export async function changePassword(
  svc: Services,
  cred: Credential,
  current: string,
  next: string,
  confirm: string,
  source: string,
) {
  checkPasswordChange(next, confirm);
  const src = checkSource(source);
  const now = svc.now();
  const before = await read(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    const counters = countersOf(await r.throttleRows(actor.user.email, src), src);
    return { user: actor.user, locked: lockedUntil(counters, now, true) };
  });
  if (before.locked) throw changeThrottled(before.locked, now);
  const user = before.user;
  if (!(await verifyPassword(user.password_hash, current))) {
    const error = await write(svc, async (r) => {
      const actor = await authenticate(r, cred, now);
      const counters = countersOf(await r.throttleRows(actor.user.email, src), src);
      const locked = lockedUntil(counters, now, true);
      if (locked) return changeThrottled(locked, now);
      const failure = afterFailure(counters, actor.user.email, src, now);
      for (const row of failure.rows) await r.putThrottle(row, iso(now));
      await r.pruneThrottle(actor.user.email, forgetBefore(now), iso(now));
      const checks = await r.addFailedCheck(actor.tokenId);
      const revoked = checks >= TOKEN_CHECK_LIMIT;
      if (revoked) await r.revokeToken(actor.tokenId, iso(now));
      await audit(r, now, actorRef(actor), 'password.change_failed', {
        target: actor.user.email,
        details: { failedChecks: checks, credentialRevoked: revoked, lockedUntil: failure.lockedUntil },
      });
      if (revoked)
        return new PlatformError(
          'BAD_CREDENTIALS',
          `${WRONG} That was the ${TOKEN_CHECK_LIMIT}th wrong current password ` +
            `through this ${actor.tokenKind === 'api' ? 'token' : 'session'}, so it was revoked; ` +
            `sign in again with \`platformctl account login\`.`,
        );
      return failure.lockedUntil
        ? changeThrottled(failure.lockedUntil, now)
        : new PlatformError('BAD_CREDENTIALS', WRONG);
    });
    // The counts must be committed, so the error is thrown after the transaction.
    throw error;
  }
  // Only now, the current password being known to be right, may it be compared: a new
  // password equal to it would change nothing, yet revoke every other session.
  if (normalizePassword(next) === normalizePassword(current))
    throw invalid('The new password is the same as the current one; choose a different password.');
  const hash = await hashPassword(next, kdfOf(svc));
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    if (actor.user.password_hash !== user.password_hash)
      throw conflict('The password was changed by another command meanwhile; run password change again.');
    await r.setPasswordHash(actor.user.id, hash, iso(now));
    const revoked = await r.revokeTokensOf(actor.user.id, actor.tokenId, iso(now));
    await r.resetFailedChecks(actor.user.id, actor.tokenId);
    // Knowing the password is what a successful sign-in proves: this device is known now.
    await r.putThrottle(afterSuccess(actor.user.email, src, now), iso(now));
    await audit(r, now, actorRef(actor), 'password.change', {
      target: actor.user.email,
      details: { revokedTokens: revoked.changes },
    });
    return { changed: true, revokedSessions: revoked.changes };
  });
}
