import { describe, expect, it } from 'vitest';
import { PRINTABLE_ASCII, email } from '../../src/domain/validation.js';
import { refusedCodePoint } from '../../src/text.js';

describe('email', () => {
  it('refuses U+FFFD, what bytes that are not UTF-8 decode to (jürgen in Latin-1)', () => {
    expect(() => email('j\ufffdrgen@example.com')).toThrow(/Invalid e-mail address/);
    expect(email(' Jürgen@Example.com ')).toBe('jürgen@example.com');
  });

  it('takes printable ASCII without normalising it: what that short cut relies on holds', () => {
    // Every printable ASCII character is its own NFC and NFKC, and none is refused.
    for (let c = 0x20; c <= 0x7e; c++) {
      const ch = String.fromCharCode(c);
      expect(PRINTABLE_ASCII.test(ch)).toBe(true);
      expect([ch.normalize('NFC'), ch.normalize('NFKC'), refusedCodePoint(ch, 'email')]).toEqual([ch, ch, undefined]);
    }
    for (const c of [0x1f, 0x7f, 0xa0, 0xad, 0xe9]) expect(PRINTABLE_ASCII.test(String.fromCharCode(c))).toBe(false);
    expect(email(' Ann.Smith+x@Example.COM ')).toBe('ann.smith+x@example.com');
    expect(() => email('ann smith@example.com')).toThrow(/Invalid e-mail address/);
  });
});
