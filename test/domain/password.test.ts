import type * as ScryptKdfModule from 'scrypt-kdf';
import { describe, expect, it } from 'vitest';
import {
  MAX_PASSWORD_LENGTH,
  SCRYPT_PARAMS,
  checkNewPassword,
  checkPasswordChange,
  hashPassword,
  needsRehash,
  passwordLength,
  verifyPassword,
} from '../../src/domain/password.js';
import { PlatformError } from '../../src/errors.js';

const SHORT = 'New password must be at least 8 characters long.';
const MISMATCH = 'New password and confirmation do not match.';
/** Cheap parameters for tests that are about behaviour, not cost. */
const FAST = { logN: 10, r: 8, p: 1 };

function failure(f: () => void): { code: string; message: string } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return { code: (e as PlatformError).code, message: (e as PlatformError).message };
  }
}

type ScryptKdf = typeof ScryptKdfModule;
async function scrypt(): Promise<ScryptKdf> {
  const m = (await import('scrypt-kdf')) as ScryptKdf & { default?: ScryptKdf };
  return m.default ?? m;
}

describe('password length', () => {
  it('counts code points after NFKC, not UTF-16 units', () => {
    expect(passwordLength('😀'.repeat(7))).toBe(7);
    expect('😀'.repeat(7).length).toBe(14);
    // "ﬃ" is one code point that NFKC expands to "ffi".
    expect(passwordLength('ﬃ')).toBe(3);
    // e + combining acute composes to é.
    expect(passwordLength('e\u0301'.repeat(8))).toBe(8);
    // Hangul jamo pairs compose to one syllable each.
    expect(passwordLength('\u1100\u1161'.repeat(4))).toBe(4);
  });

  it('a new password needs at least 8 code points: 7 emoji are too short, 8 are fine', () => {
    expect(failure(() => checkNewPassword('😀'.repeat(7)))).toEqual({ code: 'INVALID_INPUT', message: SHORT });
    expect(failure(() => checkNewPassword('😀'.repeat(8)))).toBeUndefined();
    expect(failure(() => checkNewPassword('e\u0301'.repeat(7)))).toEqual({ code: 'INVALID_INPUT', message: SHORT });
    expect(failure(() => checkNewPassword('\u1100\u1161'.repeat(7)))).toEqual({
      code: 'INVALID_INPUT',
      message: SHORT,
    });
    expect(failure(() => checkNewPassword('1234567'))).toEqual({ code: 'INVALID_INPUT', message: SHORT });
    expect(failure(() => checkNewPassword('12345678'))).toBeUndefined();
  });

  it('accepts at least 1024 code points and refuses (never truncates) beyond its maximum', () => {
    expect(MAX_PASSWORD_LENGTH).toBeGreaterThanOrEqual(1024);
    expect(failure(() => checkNewPassword('🔑'.repeat(1024)))).toBeUndefined();
    expect(failure(() => checkNewPassword('a'.repeat(MAX_PASSWORD_LENGTH)))).toBeUndefined();
    expect(failure(() => checkNewPassword('a'.repeat(MAX_PASSWORD_LENGTH + 1)))?.code).toBe('INVALID_INPUT');
  });
});

describe('password change checks', () => {
  it('length first, then match', () => {
    expect(failure(() => checkPasswordChange('short', 'different'))?.message).toBe(SHORT);
    expect(failure(() => checkPasswordChange('😀'.repeat(7), '😀'.repeat(7)))?.message).toBe(SHORT);
    expect(failure(() => checkPasswordChange('long enough', 'long enough!'))).toEqual({
      code: 'INVALID_INPUT',
      message: MISMATCH,
    });
    expect(failure(() => checkPasswordChange('long enough', 'long enough'))).toBeUndefined();
  });

  it('compares new and confirmation after NFKC', () => {
    expect(failure(() => checkPasswordChange('caf\u00e9-au-lait', 'cafe\u0301-au-lait'))).toBeUndefined();
  });
});

describe('hashing', () => {
  it('new hashes use N=2^17, r=8, p=1 and verify; the wrong password does not', async () => {
    expect(SCRYPT_PARAMS).toEqual({ logN: 17, r: 8, p: 1 });
    const h = await hashPassword('correct horse battery');
    const s = await scrypt();
    expect(s.viewParams(Buffer.from(h, 'base64'))).toEqual({ logN: 17, r: 8, p: 1 });
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'correct horse batter')).toBe(false);
    expect(await needsRehash(h)).toBe(false);
  });

  it('normalises before hashing: NFC and NFD forms of the same password match', async () => {
    const h = await hashPassword('caf\u00e9 cr\u00e8me', FAST);
    expect(await verifyPassword(h, 'cafe\u0301 cre\u0300me')).toBe(true);
  });

  it('does not truncate long passwords: a 1023-code-point prefix of a 1024 one does not verify', async () => {
    const long = 'x'.repeat(1023) + 'y';
    const h = await hashPassword(long, FAST);
    expect(await verifyPassword(h, long)).toBe(true);
    expect(await verifyPassword(h, long.slice(0, 1023))).toBe(false);
  });

  it('a malformed hash never matches and needs a rehash; weaker parameters need a rehash', async () => {
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
    expect(await needsRehash('not a hash')).toBe(true);
    const s = await scrypt();
    const weak = Buffer.from(await s.kdf('pw', { logN: 14, r: 8, p: 1 })).toString('base64');
    expect(await needsRehash(weak)).toBe(true);
    expect(await needsRehash(await hashPassword('pw', { logN: 17, r: 4, p: 1 }))).toBe(true);
    expect(await verifyPassword(weak, 'pw')).toBe(true);
  });
});

describe('verifyPassword and the parameters a stored hash asks for', () => {
  /** A well-formed scrypt-kdf hash of `pw` at {logN 10, r 8, p 1}, relabelled with other parameters. */
  async function relabelled(pw: string, logN: number, r: number, p: number): Promise<string> {
    const { createHash } = await import('node:crypto');
    const b = Buffer.from(await hashPassword(pw, { logN: 10, r: 8, p: 1 }), 'base64');
    b.writeUInt8(logN, 7);
    b.writeUInt32BE(r, 8);
    b.writeUInt32BE(p, 12);
    createHash('sha256').update(b.subarray(0, 48)).digest().subarray(0, 16).copy(b, 48);
    return b.toString('base64');
  }

  it('a hash asking for far more work or memory than today never matches, and is not run (found from outside)', async () => {
    // p = 200,000 would run for hours; logN 20 takes 1 GiB. Both come back false at once
    // (were they run, this test would time out).
    expect(await verifyPassword(await relabelled('pw', 14, 8, 200_000), 'pw')).toBe(false);
    expect(await verifyPassword(await relabelled('pw', 20, 8, 1), 'pw')).toBe(false);
  });

  it('hashes within the bound still verify: weaker ones (upgraded at sign-in) and today', async () => {
    expect(await verifyPassword(await hashPassword('pw', { logN: 10, r: 8, p: 1 }), 'pw')).toBe(true);
    expect(await verifyPassword(await hashPassword('pw', { logN: 11, r: 8, p: 2 }), 'pw')).toBe(true);
  });
});
