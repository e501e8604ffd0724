import fc from 'fast-check';

/**
 * Strings built to hurt: controls, ANSI escapes, bidi marks, emoji, huge, NUL. One
 * generator for the in-process properties (test/commands/fuzz.test.ts) and the ones that
 * go through the real process (test/e2e/fuzz.test.ts), so they cannot drift apart.
 */
export const hostile = fc.oneof(
  fc.constantFrom(
    '\x1b[31mred\x1b[0m',
    '\x1b]0;pwned\x07',
    '\x1b[2J\x1b[H',
    'evil\u202Egnp.exe',
    '\u200fRTL\u200e',
    '\u2066isolate\u2069',
    '👩‍👩‍👧‍👦 Family',
    '🦄',
    'x'.repeat(10_000),
    '\x00',
    'nul\x00inside',
    '\r\n',
    '\t',
    ' ',
    '',
    '\x7f\x9b31m',
    '\ufeffBOM',
    'Zoë Ångström',
    '-',
    '--help',
    '--json',
    "Robert'); DROP TABLE users;--",
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('\x1b', '[', '3', '1', 'm', '\u202e', '\x00', '\x07', 'a', '@', '.', ' ', '😀', '\u0301'),
    maxLength: 25,
  }),
);
