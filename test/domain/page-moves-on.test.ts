import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { checkPageMovesOn, compareStored } from '../../src/domain/paging.js';

/**
 * Keyset pages must move on: a store (or a proxy in front of sqld) that answers the same
 * page again made `member list --all` and `member export` write the same 1,000 rows forever
 * (found from outside). Every later page of member list/export (e-mails rising) and of
 * audit list (ids falling) goes through this check.
 */
describe('checkPageMovesOn', () => {
  const refused = (f: () => void) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(PlatformError);
      expect((e as PlatformError).code).toBe('STORE_UNAVAILABLE');
      return true;
    }
    return false;
  };

  it('accepts a page past the previous key, in order', () => {
    expect(refused(() => checkPageMovesOn(['b@x', 'c@x'], 'a@x'))).toBe(false);
    expect(refused(() => checkPageMovesOn([9, 7, 3], 10, { descending: true }))).toBe(false);
    expect(refused(() => checkPageMovesOn([], 'z@x'))).toBe(false);
  });

  it('refuses the same page again, a page starting at or before the key, and rows out of order', () => {
    expect(refused(() => checkPageMovesOn(['a@x', 'b@x'], 'b@x'))).toBe(true);
    expect(refused(() => checkPageMovesOn(['c@x', 'b@x'], 'a@x'))).toBe(true);
    expect(refused(() => checkPageMovesOn(['c@x', 'c@x'], 'a@x'))).toBe(true);
    expect(refused(() => checkPageMovesOn([10, 9], 10, { descending: true }))).toBe(true);
    expect(refused(() => checkPageMovesOn([5, 6], 10, { descending: true }))).toBe(true);
  });

  it("compares e-mails in the store's order (UTF-8 bytes), not JavaScript's", () => {
    // U+FF21 sorts before U+1F600 in UTF-8 (EF… < F0…) but after it in UTF-16 (FF21 > D83D).
    expect(refused(() => checkPageMovesOn(['\uff21@x', '\u{1f600}@x'], 'a@x'))).toBe(false);
    expect(refused(() => checkPageMovesOn(['\u{1f600}@x', '\uff21@x'], 'a@x'))).toBe(true);
  });

  it('compares as UTF-8 bytes whatever the characters (its fast path included)', () => {
    const chars = [
      'a',
      'b',
      'Z',
      '@',
      '.',
      '\u00e9',
      '\u00ff',
      '\u0100',
      '\u4e2d',
      '\ud7ff',
      '\ue000',
      '\uff21',
      '\uffff',
    ];
    const astral = ['\u{10000}', '\u{1f600}', '\u{10ffff}', '\ud800', '\udfff'];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0), seed % n);
    const word = (withAstral: boolean) => {
      let w = '';
      for (let i = rnd(6); i >= 0; i--)
        w += withAstral && rnd(4) === 0 ? astral[rnd(astral.length)] : chars[rnd(chars.length)];
      return w;
    };
    const sign = (n: number) => Math.sign(n);
    for (let i = 0; i < 3000; i++) {
      const a = word(i % 2 === 0);
      const b = rnd(5) === 0 ? a : word(i % 3 === 0);
      expect(sign(compareStored(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(
        sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
      );
    }
  });
});
