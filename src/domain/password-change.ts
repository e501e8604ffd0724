import { PlatformError, conflict } from '../errors.js';
import { checkPasswordChange, hashPassword, kdfOf, verifyPassword } from './password.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
/**
 * Changes the password. Checks in the order of docs/rules.md: length, match, then the
 * current password. Every other session and token of the user is revoked.
 */
export async function changePassword(svc: Services, cred: Credential, current: string, next: string, confirm: string) {
  checkPasswordChange(next, confirm);
  const now = svc.now();
  const before = await read(svc, async (r) => (await authenticate(r, cred, now)).user);
  if (!(await verifyPassword(before.password_hash, current))) {
    await write(svc, async (r) =>
      audit(r, now, { id: before.id, email: before.email }, 'password.change_failed', { target: before.email }),
    );
    throw new PlatformError('BAD_CREDENTIALS', 'Current password is incorrect.');
  }
  const hash = await hashPassword(next, kdfOf(svc));
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    if (actor.user.password_hash !== before.password_hash)
      throw conflict('The password was changed by another command meanwhile; run password change again.');
    await r.setPasswordHash(actor.user.id, hash, iso(now));
    const revoked = await r.revokeTokensOf(actor.user.id, actor.tokenId, iso(now));
    await audit(r, now, actorRef(actor), 'password.change', {
      target: actor.user.email,
      details: { revokedTokens: revoked.changes },
    });
    return { changed: true, revokedSessions: revoked.changes };
  });
}
