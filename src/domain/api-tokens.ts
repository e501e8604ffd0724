import { conflict, denied, invalid, notFound } from '../errors.js';
import { printable } from '../text.js';
import { hashToken, newToken } from './tokens.js';
import { type Credential, actorRef, authenticate } from './auth.js';
import { type Services, iso, read, write } from './services.js';
import { audit } from './audit-trail.js';
import * as v from './validation.js';

const DAY = 86_400_000;
/**
 * Creates a personal API token; the secret is returned once and only its hash is stored.
 * Only a session may create one: a session is opened by proving the password, and the
 * password outranks every credential. A personal API token never creates tokens, so no
 * token can mint one that outlives its own expiry or survives its revocation
 * (docs/security.md, "Tokens").
 */
export async function createToken(svc: Services, cred: Credential, name: string, expiresInDays?: number) {
  const n = v.personName('Token name', name);
  if (expiresInDays !== undefined && (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)) {
    throw invalid('--expires-in must be a whole number of days from 1 to 3650.');
  }
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    if (actor.tokenKind !== 'session')
      throw denied(
        'A personal API token cannot create tokens. Sign in with `platformctl account login` and create it from that session.',
      );
    const token = newToken('api');
    const expiresAt = expiresInDays ? iso(new Date(now.getTime() + expiresInDays * DAY)) : null;
    const id = await r.insertToken({
      userId: actor.user.id,
      kind: 'api',
      name: n,
      hash: hashToken(token),
      now: iso(now),
      expiresAt,
    });
    await audit(r, now, actorRef(actor), 'token.create', { target: String(id), details: { name: n, expiresAt } });
    return { id, name: n, token, createdAt: iso(now), expiresAt };
  });
}

export interface TokenView {
  id: number;
  name: string | null;
  createdAt: string;
  expiresAt: string | null;
  status: 'ACTIVE' | 'REVOKED' | 'EXPIRED';
}

/** Lists the caller's personal API tokens (never their secrets). */
export async function listTokens(svc: Services, cred: Credential): Promise<TokenView[]> {
  const now = svc.now();
  return read(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    return (await r.apiTokens(actor.user.id)).map((t) => ({
      id: t.id,
      name: t.name,
      createdAt: t.created_at,
      expiresAt: t.expires_at,
      status: t.revoked_at ? 'REVOKED' : t.expires_at && t.expires_at <= iso(now) ? 'EXPIRED' : 'ACTIVE',
    }));
  });
}

/** Revokes one of the caller's personal API tokens. */
export async function revokeToken(svc: Services, cred: Credential, idText: string) {
  const id = Number(idText);
  if (!/^[0-9]{1,15}$/.test(idText.trim())) throw invalid(`Invalid token id "${printable(idText)}".`);
  const now = svc.now();
  return write(svc, async (r) => {
    const actor = await authenticate(r, cred, now);
    const t = await r.tokenOf(actor.user.id, id);
    if (!t || t.kind !== 'api') throw notFound(`No personal API token with id ${id}.`);
    if (t.revoked_at) throw conflict(`Token ${id} is already revoked.`);
    await r.revokeToken(id, iso(now));
    await audit(r, now, actorRef(actor), 'token.revoke', { target: String(id), details: { name: t.name } });
    return { id, name: t.name, revoked: true };
  });
}
