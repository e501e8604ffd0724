import type { Repo, TokenRow, UserRow } from '../store/repo.js';
import { PlatformError, authRequired } from '../errors.js';
import { hashToken } from './tokens.js';
import { type Services, iso, read } from './services.js';

/** The caller's credential: a session or personal API token, as given. */
export interface Credential {
  token: string | undefined;
  /**
   * True when the token came from PLATFORMCTL_TOKEN: it overrides the saved sessions, so
   * signing in again cannot help, and the messages say what can.
   */
  fromEnv?: boolean;
}

/** The signed-in user, as seen inside one transaction. */
export interface Actor {
  user: UserRow;
  tokenId: number;
  tokenKind: 'session' | 'api';
  isSupport: boolean;
}

/** What the store holds about a token, read in one go (see loadActor). */
export interface ActorFacts {
  /** False when the caller gave no token at all. */
  given: boolean;
  /** The token came from PLATFORMCTL_TOKEN (see Credential). */
  fromEnv?: boolean;
  token: TokenRow | undefined;
  user: UserRow | undefined;
}

/**
 * The hash the store is asked about. Without a token the store is still asked (about a
 * hash no token has): the first request of a command also checks the store itself, and
 * an empty or foreign store is said to be so before "not signed in".
 */
export function tokenHashOf(cred: Credential): { hash: string; given: boolean; fromEnv?: boolean } {
  const token = cred.token;
  return token ? { hash: hashToken(token), given: true, fromEnv: Boolean(cred.fromEnv) } : { hash: '-', given: false };
}

/**
 * The token and its user, by the token's hash: statements sent together (one request
 * to a remote store), which a caller may send together with more of its own.
 */
export function loadActor(r: Repo, key: { hash: string; given: boolean; fromEnv?: boolean }): Promise<ActorFacts> {
  return Promise.all([r.tokenByHash(key.hash), r.userByTokenHash(key.hash)]).then(([token, user]) => ({
    given: key.given,
    fromEnv: Boolean(key.fromEnv),
    token,
    user,
  }));
}

/** What to do about a saved session the store no longer accepts: sign in again. */
const SIGN_IN_AGAIN = 'Sign in again with `platformctl account login`.';
/**
 * What to do about a PLATFORMCTL_TOKEN the store no longer accepts: signing in cannot
 * help while it overrides the saved sessions.
 */
const ENV_TOKEN_HINT =
  'Unset PLATFORMCTL_TOKEN to use your saved sessions, or create a new token (`platformctl account token create`).';

/** The rules of a credential: a live, unexpired, unrevoked token whose user exists. */
export function decideActor(f: ActorFacts, now: Date): Actor {
  if (!f.given) throw authRequired();
  const what = f.fromEnv ? 'The token in PLATFORMCTL_TOKEN' : 'Your session or token';
  const hint = f.fromEnv ? ENV_TOKEN_HINT : SIGN_IN_AGAIN;
  const t = f.token;
  if (!t) throw new PlatformError('AUTH_REQUIRED', `${what} is not valid for this store. ${hint}`);
  if (t.revoked_at) throw new PlatformError('AUTH_REQUIRED', `${what} was revoked. ${hint}`);
  if (t.expires_at && t.expires_at <= iso(now))
    throw new PlatformError('AUTH_REQUIRED', `${what} has expired. ${hint}`);
  const user = f.user;
  if (!user)
    throw authRequired(
      f.fromEnv
        ? `The account of the token in PLATFORMCTL_TOKEN no longer exists. ${ENV_TOKEN_HINT}`
        : 'The account of this session no longer exists.',
    );
  return { user, tokenId: t.id, tokenKind: t.kind, isSupport: user.is_support === 1 };
}

/** Resolves the credential to a live, unexpired, unrevoked token and its user. */
export async function authenticate(r: Repo, cred: Credential, now: Date): Promise<Actor> {
  return decideActor(await loadActor(r, tokenHashOf(cred)), now);
}

/** The actor as the audit log records it. */
export const actorRef = (a: Actor) => ({ id: a.user.id, email: a.user.email });

/** The state of a saved session or token, as `account status` shows it. */
export interface TokenState {
  state: 'valid' | 'expired' | 'revoked' | 'unknown';
  email: string | null;
  kind: 'session' | 'api' | null;
}

/** What the store says of each of these tokens (one request whatever their number). */
export async function tokenStates(svc: Services, tokens: string[]): Promise<TokenState[]> {
  const now = iso(svc.now());
  return read(svc, (r) =>
    Promise.all(
      tokens.map(async (token): Promise<TokenState> => {
        const f = await loadActor(r, { hash: hashToken(token), given: true });
        if (!f.token || !f.user) return { state: 'unknown', email: null, kind: null };
        const state = f.token.revoked_at
          ? 'revoked'
          : f.token.expires_at && f.token.expires_at <= now
            ? 'expired'
            : 'valid';
        return { state, email: f.user.email, kind: f.token.kind };
      }),
    ),
  );
}
