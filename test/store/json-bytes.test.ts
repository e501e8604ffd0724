/**
 * parseJsonBytes (src/store/json-bytes.ts): the same value as JSON.parse, or the same
 * error, without JSON.parse (and its large and internalized strings) for a large answer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIRECT_BYTES, parseJsonBytes } from '../../src/store/json-bytes.js';
import { Response } from '../../src/store/http-transport.js';

/** The outcome of a parse, comparable whether it returned or threw. */
function outcome(f: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** Spaces that make any text large enough for the byte parser (JSON.parse takes small ones). */
const PAD = ' '.repeat(DIRECT_BYTES);

function sameAsJsonParse(text: string): void {
  for (const t of [text, text + PAD, PAD + text]) {
    const expected = outcome(() => JSON.parse(t) as unknown);
    const got = outcome(() => parseJsonBytes(Buffer.from(t, 'utf8')));
    expect(got).toStrictEqual(expected);
    if ('value' in expected) {
      // Key order too (toStrictEqual does not look at it), and -0.
      expect(JSON.stringify(got.value)).toBe(JSON.stringify(expected.value));
      expect(Object.is(got.value, expected.value) || typeof expected.value === 'object').toBe(true);
    }
  }
}

/** A Hrana pipeline answer like sqld's for one page of `rows`. */
function hranaPage(rows: unknown[][]): string {
  const cell = (v: unknown) =>
    v === null
      ? { type: 'null' }
      : typeof v === 'number'
        ? { type: 'integer', value: String(v) }
        : { type: 'text', value: v };
  return JSON.stringify({
    baton: null,
    base_url: null,
    results: [
      {
        type: 'ok',
        response: {
          type: 'execute',
          result: {
            cols: [
              { name: 'email', decltype: 'TEXT' },
              { name: 'first_name', decltype: 'TEXT' },
              { name: 'n', decltype: 'INTEGER' },
            ],
            rows: rows.map((r) => r.map(cell)),
            affected_row_count: 0,
            last_insert_rowid: null,
            replication_index: '42',
            rows_read: rows.length,
            rows_written: 0,
            query_duration_ms: 1.5,
          },
        },
      },
      { type: 'ok', response: { type: 'close' } },
    ],
  });
}

/** Values that look like structure, escapes and multi-byte UTF-8 in strings. */
const AWKWARD = [
  'plain@example.com',
  'a],[b',
  '{"x":1},{',
  'quote " and backslash \\ and \\"',
  'tab\tnew\nline\u0001',
  'é ñ 漢字 😀 \u2028\u2029',
  '',
  ' ',
  '\\',
  '"',
  null,
  0,
  -12.5e3,
  2 ** 53 - 1,
];

function page(n: number, seed = 1): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const a = AWKWARD[(i * 7 + seed) % AWKWARD.length];
    rows.push([`m${String(i).padStart(7, '0')}@bench.example`, a, i % 3 === 0 ? null : i]);
  }
  return rows;
}

/** A small deterministic generator of arbitrary JSON values. */
function generator(seed: number) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const str = () => {
    const parts = ['a', 'Z', '"', '\\', ',', ']', '[', '{', '}', ':', ' ', 'é', '😀', '\n', '__proto__', '1'];
    let out = '';
    const len = Math.floor(rnd() * 12);
    for (let i = 0; i < len; i++) out += parts[Math.floor(rnd() * parts.length)];
    return out;
  };
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 4 || r < 0.35) {
      const k = Math.floor(rnd() * 5);
      return k === 0 ? null : k === 1 ? rnd() < 0.5 : k === 2 ? Math.floor(rnd() * 1e6) / 100 : str();
    }
    const n = Math.floor(rnd() * (depth === 0 ? 60 : 12));
    if (r < 0.65) return Array.from({ length: n }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) o[rnd() < 0.2 ? String(Math.floor(rnd() * 20)) : str()] = value(depth + 1);
    return o;
  };
  return { value, rnd };
}

describe('parseJsonBytes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives what JSON.parse gives for a Hrana page', () => {
    for (const n of [0, 1, 7, 300]) sameAsJsonParse(hranaPage(page(n, n)));
  });

  it('does not use JSON.parse for a large answer', () => {
    const text = hranaPage(page(3000).map((r) => [r[0], `Last${String(r[2])}`, r[2]]));
    expect(text.length).toBeGreaterThan(10 * DIRECT_BYTES);
    const parse = vi.spyOn(JSON, 'parse');
    const value = parseJsonBytes(Buffer.from(text));
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(value).toStrictEqual(JSON.parse(text));
  });

  it('keeps order, duplicate keys and __proto__ as JSON.parse does', () => {
    const members = Array.from({ length: 40 }, (_, i) => `"k${i % 7}": ${JSON.stringify('v'.repeat(i) + i)}`);
    const text = `{ "__proto__": {"polluted": true}, "10": 1, "b": 2, ${members.join(', ')}, "2": [${'1,'.repeat(50)}0], "__proto__": ["again"], "a": {"__proto__": 1}, "constructor": 3 }`;
    sameAsJsonParse(text);
    const o = parseJsonBytes(Buffer.from(text + PAD)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads numbers, literals, escapes and UTF-8 as JSON.parse does', () => {
    const numbers = [
      '0',
      '-0',
      '7',
      '-7',
      '123456789012345',
      '-12345678901234',
      '1234567890123456',
      '9007199254740993',
      '99999999999999999999',
      '1.5',
      '-0.0',
      '1e3',
      '1E+3',
      '1e-7',
      '2.5e-3',
      '1.7976931348623157e308',
      '1e400',
      '-1e-400',
      '0.1',
      '3.141592653589793238',
    ];
    sameAsJsonParse(`[${numbers.join(', ')}]`);
    sameAsJsonParse('[true, false, null, [], {}, [[]], {"": ""}, ""]');
    // JSON text as it is written, escapes and all.
    sameAsJsonParse(
      String.raw`["a\"b", "back\\slash", "\u0000\u001f", "tab\tnl\n\r\b\f", "\ud83d\ude00", "\ud800 lone", "\/",
        "é", "😀", "漢字", "\u2028", "\u00e9", "ASCII", "ASCIJ", "ASCIK", "", " ", "\\", "\"", "a\\\"b"]`,
    );
    const invalid = [
      String.raw`["\x"]`,
      String.raw`["\u12"]`,
      String.raw`["\ud83d\ude0"]`,
      '["a\u0001b"]',
      '["tab\tin"]',
      '[01]',
      '[1.]',
      '[.5]',
      '[-]',
      '[+1]',
      '[NaN]',
      '[Infinity]',
      '[tru]',
      '[nul]',
      '[1e]',
      '[1e+]',
      '[-01]',
      '[0x1]',
      '["a" "b"]',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '{a:1}',
      "{'a':1}",
      '[1,]',
      '{"a":1,}',
      '[1 2]',
      '[',
      '{',
      '"',
      '',
      '[]]',
      '{}}',
      'nulll',
    ];
    for (const text of invalid) sameAsJsonParse(text);
    // Bytes that are not UTF-8 become U+FFFD as the whole text's decoding makes them.
    for (const bad of [[0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf0, 0x9f, 0x98]]) {
      const bytes = Buffer.concat([
        Buffer.from('{"k":"a'),
        Buffer.from(bad),
        Buffer.from('","v":"'),
        Buffer.from(bad),
        Buffer.from('"}'),
        Buffer.from(PAD),
      ]);
      expect(parseJsonBytes(bytes)).toStrictEqual(JSON.parse(bytes.toString('utf8')));
    }
  });

  it('tells apart short strings that share a cache slot', () => {
    const words: string[] = [];
    for (let i = 0; i < 5000; i++)
      words.push(i.toString(36), `x${i % 97}y`, 'text', 'value', String.fromCharCode(33 + (i % 90)));
    sameAsJsonParse(JSON.stringify(words));
    sameAsJsonParse(JSON.stringify(Object.fromEntries(words.map((w, i) => [w, i]))));
  });

  it('handles long strings, deep nesting and whitespace', () => {
    const long = 'x'.repeat(500) + '"\\é😀' + ']'.repeat(100);
    const value = {
      s: long,
      list: [long, [long, { deep: [long, 1, 2, 3] }], [], {}, 0],
      more: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key ${i}`, [i, long.slice(0, i * 20)]])),
    };
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t')])
      sameAsJsonParse(`\n ${text} \r\n`);
    sameAsJsonParse(JSON.stringify('x'.repeat(100_000)));
    // Deeper than the parser's recursion can go: JSON.parse reads it (compared by walking
    // it: deep equality would overflow the stack itself).
    let v = parseJsonBytes(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000))) as unknown[];
    let depth = 1;
    for (; v.length === 1; depth++) v = v[0] as unknown[];
    expect([depth, v]).toStrictEqual([100_000, []]);
  });

  it('gives what JSON.parse gives for arbitrary JSON values', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const g = generator(seed);
      const value = g.value(0);
      sameAsJsonParse(g.rnd() < 0.5 ? JSON.stringify(value) : JSON.stringify(value, null, 1 + Math.floor(g.rnd() * 3)));
    }
  });

  it('fails as JSON.parse fails on what is not JSON', () => {
    const good = hranaPage(page(50));
    const bad = [
      good.slice(0, good.length - 1),
      good.slice(0, Math.floor(good.length / 2)),
      good + ']',
      good + ' x',
      good.replace('"rows":[', '"rows":[,'),
      good.replace(']]', '],]'),
      good.replace('],[', '],,['),
      good.replace('],[', ']}['),
      good.replace('"results":[', '"results":{'),
      good.replace(/"value":"m0000007/, '"value":m0000007'),
      good.replace('"baton"', 'baton'),
      `[${'1,'.repeat(100)}]`,
      `{${'"a":1,'.repeat(30)}}`,
      `[${'1,'.repeat(100)}1`,
      '\ufeff' + good,
      `<html><body>${'502 Bad Gateway '.repeat(40)}</body></html>`,
      ' '.repeat(500),
      `"${'x'.repeat(500)}`,
    ];
    for (const text of bad) sameAsJsonParse(text);
  });

  it('is what Response.json() answers', async () => {
    const text = hranaPage(page(2000));
    await expect(new Response(Buffer.from(text)).json()).resolves.toStrictEqual(JSON.parse(text));
    await expect(new Response('not json').json()).rejects.toThrow(SyntaxError);
  });
});
