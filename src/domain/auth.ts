import type { Repo, UserRow } from '../store/repo.js';
import { PlatformError, authRequired } from '../errors.js';
import { hashToken } from './tokens.js';
import { iso } from './services.js';

/** The caller's credential: a session or personal API token, as given. */
export interface Credential {
  token: string | undefined;
}

/** The signed-in user, as seen inside one transaction. */
export interface Actor {
  user: UserRow;
  tokenId: number;
  tokenKind: 'session' | 'api';
  isSupport: boolean;
}

/** Resolves the credential to a live, unexpired, unrevoked token and its user. */
export async function authenticate(r: Repo, cred: Credential, now: Date): Promise<Actor> {
  if (!cred.token) throw authRequired();
  const t = await r.tokenByHash(hashToken(cred.token));
  if (!t)
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token is not valid for this store. Sign in with `platformctl account login`.',
    );
  if (t.revoked_at)
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token was revoked. Sign in again with `platformctl account login`.',
    );
  if (t.expires_at && t.expires_at <= iso(now))
    throw new PlatformError(
      'AUTH_REQUIRED',
      'Your session or token has expired. Sign in again with `platformctl account login`.',
    );
  const user = await r.userById(t.user_id);
  if (!user) throw authRequired('The account of this session no longer exists.');
  return { user, tokenId: t.id, tokenKind: t.kind, isSupport: user.is_support === 1 };
}

/** The actor as the audit log records it. */
export const actorRef = (a: Actor) => ({ id: a.user.id, email: a.user.email });
