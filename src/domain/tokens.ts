import { createHash, randomBytes } from 'node:crypto';

/** Session tokens start with pcs_, personal API tokens with pct_; 32 random bytes each. */
export function newToken(kind: 'session' | 'api'): string {
  return (kind === 'session' ? 'pcs_' : 'pct_') + randomBytes(32).toString('base64url');
}

/** Tokens are kept in the store only as SHA-256 hashes (they are random, so no KDF is needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const SESSION_TTL_DAYS = 30;
