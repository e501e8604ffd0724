import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../src/domain/tokens.js';

describe('tokens', () => {
  it('are random, at least 128 bits, prefixed by kind', () => {
    const s = newToken('session');
    const a = newToken('api');
    expect(s).toMatch(/^pcs_[A-Za-z0-9_-]+$/);
    expect(a).toMatch(/^pct_[A-Za-z0-9_-]+$/);
    expect(Buffer.from(s.slice(4), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(new Set(Array.from({ length: 100 }, () => newToken('api'))).size).toBe(100);
  });

  it('are stored as SHA-256 hex digests', () => {
    const t = newToken('api');
    expect(hashToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toBe(hashToken(newToken('api')));
  });
});
