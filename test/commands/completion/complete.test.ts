import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  complete,
  encodeValue,
  formatCompletion,
  type Completion,
  type DynamicSource,
} from '../../../src/commands/completion/shared/complete.js';
import { buildProgram } from '../../../src/main.js';

/** The inverse of encodeValue, as the scripts decode a value (printf %b, string unescape --style=url). */
function decodeValue(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const program = buildProgram(() => {
  throw new Error('completion must not build a context');
});

/** Reads `__complete` output as the scripts do: lines, the last one the directive, value<TAB>description. */
function parse(out: string): { values: string[]; descriptions: (string | undefined)[]; directive: string } {
  expect(out.endsWith('\n')).toBe(true);
  const lines = out.slice(0, -1).split('\n');
  const directive = lines.pop()!;
  const split = lines.map((l) => {
    const tab = l.indexOf('\t');
    return tab < 0 ? { value: l, description: undefined } : { value: l.slice(0, tab), description: l.slice(tab + 1) };
  });
  return {
    values: split.map((s) => decodeValue(s.value)),
    descriptions: split.map((s) => s.description),
    directive,
  };
}

// Characters that matter to a shell, a line-based protocol or its decoding.
const hostile = fc.string({
  unit: fc.constantFrom(
    ...'aZ \t\n\r\u001b\u007f%\\\'"`$(){}[]*?~!#;|&<>:=-,é😀\u00a0'.split(''),
    '%0A',
    '%%',
    '\\x41',
  ),
  maxLength: 30,
});

describe('the __complete protocol', () => {
  it('encodes %, backslash and control characters as %XX and nothing else', () => {
    expect(encodeValue('Acme $(touch x) `id` \'q\' "d" ~ ! * é')).toBe('Acme $(touch x) `id` \'q\' "d" ~ ! * é');
    expect(encodeValue('a\nb\tc\rd\u001be\u007f')).toBe('a%0Ab%09c%0Dd%1Be%7F');
    expect(encodeValue('100% \\x41 %0A')).toBe('100%25 %5Cx41 %250A');
    expect(decodeValue('100%25 %5Cx41 %250A')).toBe('100% \\x41 %0A');
  });

  it('an encoded value is one line without tabs or backslashes, and decodes to itself', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.string({ unit: 'binary' })), (v) => {
        const e = encodeValue(v);

        expect(e).not.toMatch(/[\u0000-\u001f\u007f\\]/);
        expect(e.replace(/%[0-9A-F]{2}/g, '')).not.toContain('%');
        expect(decodeValue(e)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('any values and descriptions come back one per line, whole, after the directive is split off', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: hostile.filter((v) => v !== ''), description: fc.option(hostile) }), {
          maxLength: 8,
        }),
        fc.constantFrom<Completion['directive']>('none', 'file', 'dir'),
        (candidates, directive) => {
          const out = formatCompletion({
            candidates: candidates.map((c) => ({ value: c.value, description: c.description ?? undefined })),
            directive,
          });
          const read = parse(out);
          expect(read.directive).toBe(`:${directive}`);
          expect(read.values).toEqual(candidates.map((c) => c.value));
          // Descriptions are only shown: one line, no control characters, blanks folded.
          for (const d of read.descriptions) {
            if (d !== undefined) expect(d).not.toMatch(/[\u0000-\u001f\u007f]|\s\s|^\s|\s$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a value with NUL cannot be an argument and is left out; a value that looks like the directive is still a value', () => {
    const out = formatCompletion({
      candidates: [{ value: 'a\0b' }, { value: ':file' }, { value: 'x', description: 'one\ntwo\t\u001b[31mred' }],
      directive: 'none',
    });
    expect(out).toBe(':file\nx\tone two [31mred\n:none\n');
    expect(parse(out).values).toEqual([':file', 'x']);
  });
});

describe('complete()', () => {
  const companies = ['Acme $(touch x) Co', "'Quoted' Co", '-rf --store=evil Co', '--', 'Smith\\ Co'];
  const members = ['-dash@example.com', 'ann@example.com'];
  const dynamic: DynamicSource = (kind) =>
    Promise.resolve(kind === 'companies' ? companies : kind === 'members' ? members : ['FREE']);
  const values = async (...words: string[]) => (await complete(program, words, dynamic)).candidates.map((c) => c.value);

  it('takes the words as values: the current word is matched as it is, quotes and backslashes included', async () => {
    expect(await values('company', 'switch', 'acme $(')).toEqual(['Acme $(touch x) Co']);
    expect(await values('company', 'switch', "'quo")).toEqual(["'Quoted' Co"]);
    expect(await values('company', 'switch', 'Smith\\')).toEqual(['Smith\\ Co']);
    // The company on the line is a value too (the scripts removed its quoting).
    const seen: (string | undefined)[] = [];
    await complete(program, ['member', 'remove', '--company', "'Quoted' Co", ''], (kind, line) => {
      seen.push(line.values.get('company'));
      return dynamic(kind, line);
    });
    expect(seen).toEqual(["'Quoted' Co"]);
  });

  it('never offers an operand that would be read as an option, unless after --', async () => {
    expect(await values('company', 'switch', '')).toEqual(['Acme $(touch x) Co', "'Quoted' Co", 'Smith\\ Co']);
    expect(await values('member', 'remove', '')).toEqual(['ann@example.com']);
    // A word that begins with "-" is a flag before "--" …
    expect(await values('company', 'switch', '-')).toEqual(expect.arrayContaining(['--help', '--store']));
    expect(await values('company', 'switch', '-r')).toEqual([]);
    // … and an operand after it.
    expect(await values('company', 'switch', '--', '')).toEqual(companies);
    expect(await values('company', 'switch', '--', '-r')).toEqual(['-rf --store=evil Co']);
    expect(await values('member', 'remove', '--', '-')).toEqual(['-dash@example.com']);
  });

  it('offers option values that begin with "-" (an option takes the next word whatever it is)', async () => {
    expect(await values('member', 'list', '--company', '-')).toEqual(['-rf --store=evil Co', '--']);
    expect(await values('member', 'list', '--company=-r')).toEqual(['--company=-rf --store=evil Co']);
    // "--" as the value of an option does not end the options.
    expect(await values('member', 'list', '--company', '--', '--ro')).toEqual(['--role']);
  });
});
