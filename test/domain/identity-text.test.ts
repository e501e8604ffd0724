import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEmail, checkPersonName, companyName, email, isRefusal, personName } from '../../src/domain/validation.js';
import { printable, refusedCodePoint } from '../../src/text.js';
import { PlatformError } from '../../src/errors.js';

// The identity-text rule over every code point U+0000..U+10FFFF (docs/identity.md),
// against an oracle written another way: src/text.ts tests each character against one
// union of Unicode properties; the oracle scans the whole range once per general
// category the policy table refuses, and once for default-ignorables, into tables.

const GENERAL_CATEGORIES = [
  'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
] as const; // prettier-ignore
type Gc = (typeof GENERAL_CATEGORIES)[number];

function chr(cp: number): string {
  // A lone surrogate is a string of one UTF-16 unit: the broken input a JSONL file can carry.
  return cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

/** The policy, category by category: true = refused in identity text. */
const REFUSED_CATEGORY: Record<Gc, boolean> = {
  Lu: false, Ll: false, Lt: false, Lm: false, Lo: false, Mn: false, Mc: false, Me: false,
  Nd: false, Nl: false, No: false, Pc: false, Pd: false, Ps: false, Pe: false, Pi: false, Pf: false, Po: false,
  Sm: false, Sc: false, Sk: false, So: false, Zs: false,
  Zl: true, Zp: true, // line and paragraph separators
  Cc: true, // C0, DEL, C1
  Cf: true, // format: bidi controls, zero-width characters, tags, U+061C …
  Cs: true, // surrogates: only a broken string holds one
  Co: true, // private use
  Cn: true, // unassigned (noncharacters included)
}; // prettier-ignore
/** Blank-looking characters that are not default-ignorable. */
const BLANKS = new Set([0x2800]);

/**
 * For each code point, whether its general category is refused, and whether it is
 * default-ignorable: one scan per property, for runs of code points, over a string of
 * every code point in order (one space between U+DBFF and U+DC00, so that those two lone
 * surrogates do not pair up).
 */
function propertyTables(): { refusedCategory: Uint8Array; ignorable: Uint8Array } {
  const parts: string[] = [];
  const cpAt = new Int32Array(0x110000 * 2 + 1).fill(-1);
  let at = 0;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp === 0xdc00) {
      parts.push(' ');
      at++;
    }
    const c = chr(cp);
    cpAt[at] = cp;
    at += c.length;
    parts.push(c);
  }
  const all = parts.join('');
  const scan = (property: string, table: Uint8Array) => {
    for (const m of all.matchAll(new RegExp(`\\p{${property}}+`, 'gu'))) {
      for (let i = m.index; i < m.index + m[0].length; i++) if (cpAt[i]! >= 0) table[cpAt[i]!] = 1;
    }
  };
  const refusedCategory = new Uint8Array(0x110000);
  for (const g of GENERAL_CATEGORIES) if (REFUSED_CATEGORY[g]) scan(`gc=${g}`, refusedCategory);
  const ignorable = new Uint8Array(0x110000);
  scan('Default_Ignorable_Code_Point', ignorable);
  return { refusedCategory, ignorable };
}

const tables = propertyTables();
function oracleRefused(cp: number): boolean {
  return tables.refusedCategory[cp] === 1 || tables.ignorable[cp] === 1 || BLANKS.has(cp);
}

/** Characters an e-mail address cannot hold by its syntax (RFC 5322 specials and blanks). */
const EMAIL_SYNTAX = /[\s@"(),:;<>[\\\]]/u;

// The validators throw, and over a million refusals capturing a stack trace each time
// would be most of this file's time; a failing assertion still has its own stack.
let stackTraceLimit: number;
beforeAll(() => {
  stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
});
afterAll(() => {
  Error.stackTraceLimit = stackTraceLimit;
});

function refuses(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    if (!(e instanceof PlatformError) || e.code !== 'INVALID_INPUT') throw e;
    return true;
  }
}

/** What the e-mail check would store differs from its NFKC form. */
function compatibility(local: string): boolean {
  const lower = local.normalize('NFC').toLowerCase().normalize('NFC');
  return lower.normalize('NFKC') !== lower;
}

function hex(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

describe('identity text over the whole Unicode range', () => {
  it(`names, e-mail local parts and display escaping agree with the oracle for U+0000..U+10FFFF (Unicode ${process.versions.unicode})`, () => {
    const wrong: string[] = [];
    let refusedCount = 0;
    for (let cp = 0; cp <= 0x10ffff && wrong.length < 20; cp++) {
      const c = chr(cp);
      const refused = oracleRefused(cp);
      if (refused) refusedCount++;
      // A name: the character between two letters (no context exception applies after "a").
      const name = 'a' + c + 'b';
      if (isRefusal(checkPersonName('First name', name)) !== refused) wrong.push(`${hex(cp)} in a name`);
      // Display: refused characters are escaped, everything else is shown as it is.
      if ((printable(name) === name) === refused) wrong.push(`${hex(cp)} display`);
      // An e-mail local part: also refused by syntax (after NFC: U+037E is ";"), as U+FFFD
      // (a misread byte), and as a compatibility form that NFKC would change (full-width,
      // ligatures, superscripts).
      const emailRefused = refused || EMAIL_SYNTAX.test(c.normalize('NFC')) || cp === 0xfffd || compatibility(name);
      if (isRefusal(checkEmail(name + '@example.com')) !== emailRefused) wrong.push(`${hex(cp)} in an e-mail`);
    }
    expect(wrong).toEqual([]);
    // Sanity of the oracle itself: most of the range is unassigned or private use.
    expect(refusedCount).toBeGreaterThan(0x10ffff / 2);
  });

  it('the validators that throw (person, company names, e-mails) decide as the checks do, on every 61st code point', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp += 61) {
      const c = chr(cp);
      const refused = oracleRefused(cp);
      if (refuses(() => personName('Last name', 'a' + c + 'b')) !== refused) wrong.push(`${hex(cp)} person`);
      if (refuses(() => companyName('Acme ' + c + ' Ltd')) !== refused) wrong.push(`${hex(cp)} company`);
      if (refuses(() => email('a' + c + 'b@example.com')) !== isRefusal(checkEmail('a' + c + 'b@example.com')))
        wrong.push(`${hex(cp)} e-mail`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the cases from the issue', () => {
  it.each([
    ['U+2060 WORD JOINER', 'victim\u2060@example.com'],
    ['U+E0041 TAG LATIN CAPITAL LETTER A', 'victim\u{e0041}@example.com'],
    ['U+061C ARABIC LETTER MARK', 'victim\u061c@example.com'],
    ['U+3164 HANGUL FILLER', 'victim\u3164@example.com'],
    ['U+200B ZERO WIDTH SPACE', 'victim\u200b@example.com'],
    ['U+200D ZERO WIDTH JOINER (no exception in e-mails)', 'क्\u200dष@example.com'],
    ['U+FF20 FULLWIDTH COMMERCIAL AT', 'victim\uff20example.com'],
    ['U+FF41 FULLWIDTH LATIN SMALL LETTER A', 'victim\uff41@example.com'],
    ['U+FB01 LATIN SMALL LIGATURE FI', 'of\ufb01ce@example.com'],
    ['a non-ASCII domain', 'ann@exämple.com'],
  ])('an e-mail holding %s is refused', (_what, address) => {
    expect(refuses(() => email(address))).toBe(true);
  });

  it('the refusal names the hidden character and shows where it was', () => {
    expect(() => email('victim\u2060@example.com')).toThrow(
      'Invalid e-mail address "victim\\u{2060}@example.com": it holds U+2060, a control, invisible or unassigned character.',
    );
    expect(() => personName('Last name', 'Kim\u3164')).toThrow(/^Last name must not contain .* \(found U\+3164\)/);
  });

  it.each([
    ['U+2060', 'Ann\u2060'],
    ['U+E0041', 'Ann\u{e0041}'],
    ['U+061C', 'Ann\u061cSmith'],
    ['U+3164', '\u3164'],
    ['U+115F', '\u115f\u1160'],
    ['U+2800', 'Ann\u2800'],
    ['U+FEFF inside', 'An\ufeffn'],
    ['U+180E', 'Ann\u180eSmith'],
    ['U+17B4', 'Ann\u17b4'],
    ['U+00AD', 'An\u00adn'],
    ['U+FE0F after a letter', 'Ann\ufe0f'],
    ['ZWJ at the start', '\u200dAnn'],
    ['ZWJ after a Latin letter', 'A\u200dnn'],
    ['ZWNJ between Latin letters', 'A\u200cnn'],
    ['ZWNJ after a non-joining Arabic letter (hamza)', 'ء\u200cب'],
    ['ZWNJ before a non-joining letter', 'ب\u200cA'],
    ['ZWNJ at the end', 'ب\u200c'],
    ['emoji ZWJ sequence', 'Dev \u{1f469}\u200d\u{1f4bb}'],
    ['private use', 'Ann\ue000'],
  ])('a name holding %s is refused', (_what, name) => {
    expect(refuses(() => personName('First name', name))).toBe(true);
  });

  it.each([
    ['Persian ZWNJ between joining letters', 'می\u200cخواهم'],
    ['Persian ZWNJ after a transparent mark', 'بَ\u200cب'],
    ['Hindi ZWJ after a virama', 'क्\u200dष'],
    ['Hindi ZWNJ after a virama', 'क्\u200cष'],
    ['Malayalam ZWJ after a virama (chillu)', 'ന്\u200d'],
    ['Syriac ZWNJ between dual-joining letters', 'ܒ\u200cܒ'],
    ['emoji presentation after a pictograph', 'I \u2764\ufe0f NY'],
    ['an ideographic variation sequence', '葛\u{e0100}飾'],
    ['a Mongolian free variation selector', 'ᠠ\u180b'],
    ['non-breaking and ideographic spaces', 'Ann\u00a0Smith\u3000'],
    ['combining marks and emoji', 'Zoë 🦄'],
  ])('a name with %s is accepted and shown as it is', (_what, name) => {
    expect(personName('First name', name)).toBe(name.normalize('NFC').trim());
    expect(printable(name)).toBe(name);
  });

  it('josé composed (NFC) and decomposed (NFD) are one e-mail address and one name', () => {
    const nfc = 'jos\u00e9@example.com';
    const nfd = 'jose\u0301@example.com';
    expect(email(nfd)).toBe(nfc);
    expect(email(' JOSE\u0301@Example.COM ')).toBe(nfc);
    expect(personName('First name', 'Jose\u0301')).toBe('Jos\u00e9');
  });

  it('e-mails: NFC, trimmed, lower-cased; non-ASCII local parts stay allowed', () => {
    expect(email(' Jürgen@Example.com ')).toBe('jürgen@example.com');
    expect(email('用户@example.com')).toBe('用户@example.com');
    expect(email('\u212a@example.com')).toBe('k@example.com'); // KELVIN SIGN is canonically K
  });
});

describe('RFC 5892 CONTEXTJ over the whole range', () => {
  // Canonical_Combining_Class=9 in UCD 15.0 (DerivedCombiningClass.txt), and the four
  // added by Unicode 16.0 (Tulu-Tigalari, Gurung Khema). A Node whose Unicode adds a
  // virama fails here on purpose: check it and add it.
  const VIRAMAS = new Set([
    0x094d, 0x09cd, 0x0a4d, 0x0acd, 0x0b4d, 0x0bcd, 0x0c4d, 0x0ccd, 0x0d3b, 0x0d3c, 0x0d4d, 0x0dca, 0x0e3a, 0x0eba,
    0x0f84, 0x1039, 0x103a, 0x1714, 0x1715, 0x1734, 0x17d2, 0x1a60, 0x1b44, 0x1baa, 0x1bab, 0x1bf2, 0x1bf3, 0x2d7f,
    0xa806, 0xa82c, 0xa8c4, 0xa953, 0xa9c0, 0xaaf6, 0xabed, 0x10a3f, 0x11046, 0x11070, 0x1107f, 0x110b9, 0x11133,
    0x11134, 0x111c0, 0x11235, 0x112ea, 0x1134d, 0x11442, 0x114c2, 0x115bf, 0x1163f, 0x116b6, 0x1172b, 0x11839, 0x1193d,
    0x1193e, 0x119e0, 0x11a34, 0x11a47, 0x11a99, 0x11c3f, 0x11d44, 0x11d45, 0x11d97, 0x11f41, 0x11f42,
    // Unicode 16.0
    0x113ce, 0x113cf, 0x113d0, 0x1612f,
  ]);
  // Scripts whose letters have a Joining_Type other than U and T (ArabicShaping.txt).
  const JOINING_SCRIPTS =
    /[\p{scx=Arabic}\p{scx=Syriac}\p{scx=Nko}\p{scx=Mandaic}\p{scx=Manichaean}\p{scx=Psalter_Pahlavi}\p{scx=Mongolian}\p{scx=Phags_Pa}\p{scx=Adlam}\p{scx=Hanifi_Rohingya}\p{scx=Sogdian}\p{scx=Old_Uyghur}\p{scx=Chorasmian}]/u;

  it('ZWJ is accepted in a name exactly after a virama (ccc 9)', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = chr(cp);
      if (oracleRefused(cp)) continue;
      const before = Array.from(('x' + c).normalize('NFC')).pop()!;
      const expected = VIRAMAS.has(before.codePointAt(0)!);
      if (isRefusal(checkPersonName('First name', 'x' + c + '\u200dx')) === expected) wrong.push(hex(cp));
      if (wrong.length > 20) break;
    }
    expect(wrong).toEqual([]);
  });

  it('ZWNJ is never accepted after a character outside the joining scripts unless it is a virama', () => {
    const wrong: string[] = [];
    let accepted = 0;
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = chr(cp);
      if (oracleRefused(cp)) continue;
      const text = 'x' + c + '\u200c\u0628'; // … ZWNJ BEH (dual-joining)
      if (refusedCodePoint(text.normalize('NFC'), 'name') !== undefined) continue;
      accepted++;
      const before = Array.from(('x' + c).normalize('NFC')).pop()!;
      if (!VIRAMAS.has(before.codePointAt(0)!) && !JOINING_SCRIPTS.test(before)) wrong.push(hex(cp));
    }
    expect(wrong).toEqual([]);
    // Every virama and a few hundred joining letters.
    expect(accepted).toBeGreaterThan(VIRAMAS.size + 300);
  });
});
