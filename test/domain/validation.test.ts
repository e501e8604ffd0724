import { describe, expect, it } from 'vitest';
import { companyName, email, personName, phone, planName } from '../../src/domain/validation.js';
import { printable, refusedCodePoint } from '../../src/text.js';
import { PlatformError } from '../../src/errors.js';

/** True when the text holds nothing a name may not hold. */
function isPrintable(text: string): boolean {
  return refusedCodePoint(text, 'name') === undefined;
}

function code(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return (e as PlatformError).code;
  }
}

const UNSAFE = [
  '\u0000',
  '\u0007',
  '\t',
  '\n',
  '\r',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u200b',
  '\u200e',
  '\u202e',
  '\u2066',
  '\u2069',
  '\ufeff',
];

describe('e-mail', () => {
  it('is trimmed and lower-cased', () => {
    expect(email('  Ann.Smith+tag@Example.COM ')).toBe('ann.smith+tag@example.com');
  });

  it.each([
    '',
    'ann',
    'ann@',
    '@example.com',
    'ann@example',
    'ann smith@example.com',
    'ann@exa mple.com',
    'a"b@example.com',
    'ann@-example.com',
    'ann@@example.com',
  ])('refuses %j', (v) => {
    expect(code(() => email(v))).toBe('INVALID_INPUT');
  });

  it('refuses control characters and over-long addresses', () => {
    for (const c of UNSAFE)
      expect(
        code(() => email(`ann${c}x@example.com`)),
        JSON.stringify(c),
      ).toBe('INVALID_INPUT');
    expect(code(() => email('a'.repeat(64) + '@example.com'))).toBeUndefined();
    expect(code(() => email('a'.repeat(65) + '@example.com'))).toBe('INVALID_INPUT');
    const domain = (n: number) => Array.from({ length: n }, () => 'b'.repeat(60)).join('.') + '.com';
    expect(code(() => email('abcdef@' + domain(4)))).toBeUndefined(); // 254 characters
    expect(code(() => email('abcdefg@' + domain(4)))).toBe('INVALID_INPUT'); // 255
  });

  it('echoes a refused address without its control characters', () => {
    try {
      email('evil\u001b[2J@example.com');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('\u001b');
      expect((e as Error).message).toContain('\\u{1b}');
    }
  });
});

describe('names', () => {
  it('are trimmed and NFC-normalised; letters, emoji and combining marks are fine', () => {
    expect(personName('First name', '  Zoe\u0308  ')).toBe('Zoë');
    expect(personName('First name', 'Ngọc Ánh 🌸')).toBe('Ngọc Ánh 🌸');
    expect(companyName(' Smith & Daughters ')).toBe('Smith & Daughters');
  });

  it('refuse control characters, ANSI escapes, bidi overrides and zero-width characters', () => {
    for (const c of UNSAFE) {
      expect(
        code(() => personName('First name', `Ann${c}Smith`)),
        JSON.stringify(c),
      ).toBe('INVALID_INPUT');
      expect(
        code(() => companyName(`Acme${c}Corp`)),
        JSON.stringify(c),
      ).toBe('INVALID_INPUT');
    }
    expect(() => personName('Last name', 'A\u202eB')).toThrow(
      'Last name must not contain control, invisible or unassigned characters (found U+202E): "A\\u{202e}B".',
    );
  });

  it('must not be empty and have length limits counted in code points', () => {
    expect(() => personName('First name', '   ')).toThrow('First name must not be empty.');
    expect(personName('First name', '😀'.repeat(100))).toHaveLength(200);
    expect(() => personName('First name', 'x'.repeat(101))).toThrow('First name must be at most 100 characters long.');
    expect(companyName('x'.repeat(120))).toHaveLength(120);
    expect(code(() => companyName('x'.repeat(121)))).toBe('INVALID_INPUT');
    expect(code(() => companyName(''))).toBe('INVALID_INPUT');
  });
});

describe('phone', () => {
  it('accepts digits with the usual separators; empty clears', () => {
    expect(phone(' +1 (555) 010-0100 ')).toBe('+1 (555) 010-0100');
    expect(phone('020.7946.0958')).toBe('020.7946.0958');
    expect(phone('')).toBeNull();
    expect(phone('   ')).toBeNull();
  });

  it.each(['abc', '12', '+', '555-CALL-NOW', '1\u001b[31m23', '++15550100', '1'.repeat(21), '555\n0100'])(
    'refuses %j',
    (v) => {
      expect(code(() => phone(v))).toBe('INVALID_INPUT');
    },
  );
});

describe('plan names and printable', () => {
  it('plan names are upper-cased identifiers', () => {
    expect(planName(' team ')).toBe('TEAM');
    expect(code(() => planName('two words'))).toBe('INVALID_INPUT');
  });

  it('printable escapes unsafe characters and shortens long text', () => {
    expect(isPrintable('Ann Smith 😀')).toBe(true);
    expect(isPrintable('a\u202eb')).toBe(false);
    expect(printable('a\u001bb')).toBe('a\\u{1b}b');
    expect(printable('x'.repeat(100), 10)).toBe('x'.repeat(10) + '…');
  });
});
