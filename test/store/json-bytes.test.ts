/**
 * parseJsonBytes (src/store/json-bytes.ts): the same value as JSON.parse, or the same
 * error, without ever handing JSON.parse more than a slice of a large answer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseJsonBytes, SLICE_BYTES } from '../../src/store/json-bytes.js';
import { Response } from '../../src/store/http-transport.js';

/** The outcome of a parse, comparable whether it returned or threw. */
function outcome(f: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

function sameAsJsonParse(text: string, sliceBytes: number): void {
  const bytes = Buffer.from(text, 'utf8');
  const expected = outcome(() => JSON.parse(text) as unknown);
  const got = outcome(() => parseJsonBytes(bytes, sliceBytes));
  expect(got).toStrictEqual(expected);
  if ('value' in expected) {
    // Key order too (toStrictEqual does not look at it).
    expect(JSON.stringify(got.value)).toBe(JSON.stringify(expected.value));
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

  it('gives what JSON.parse gives for a Hrana page, cut at any size', () => {
    const text = hranaPage(page(300));
    for (const slice of [16, 50, 64, 100, 333, 1000, 4096, text.length - 1, text.length, 10 * text.length])
      sameAsJsonParse(text, slice);
  });

  it('never hands JSON.parse a string longer than its slice for a large answer', () => {
    const text = hranaPage(page(3000));
    expect(text.length).toBeGreaterThan(4 * SLICE_BYTES);
    const parse = vi.spyOn(JSON, 'parse');
    const value = parseJsonBytes(Buffer.from(text));
    const longest = Math.max(...parse.mock.calls.map((c) => String(c[0]).length));
    parse.mockRestore();
    // Each slice is at most SLICE_BYTES of the answer, plus the brackets put around it.
    expect(longest).toBeLessThanOrEqual(SLICE_BYTES + 2);
    expect(value).toStrictEqual(JSON.parse(text));
  });

  it('keeps order, duplicate keys and __proto__ as JSON.parse does', () => {
    const members = Array.from({ length: 40 }, (_, i) => `"k${i % 7}": ${JSON.stringify('v'.repeat(i) + i)}`);
    const text = `{ "__proto__": {"polluted": true}, "10": 1, "b": 2, ${members.join(', ')}, "2": [${'1,'.repeat(50)}0], "__proto__": ["again"], "a": {"__proto__": 1} }`;
    for (const slice of [8, 30, 64, 200]) sameAsJsonParse(text, slice);
    const o = parseJsonBytes(Buffer.from(text), 30) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.hasOwn(o, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('handles members larger than a slice: long strings, nested big arrays and objects, whitespace', () => {
    const long = 'x'.repeat(500) + '"\\é😀' + ']'.repeat(100);
    const value = {
      s: long,
      list: [long, [long, { deep: [long, 1, 2, 3] }], [], {}, 0],
      more: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key ${i}`, [i, long.slice(0, i * 20)]])),
    };
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t')])
      for (const slice of [16, 100, 700, 5000]) sameAsJsonParse(`\n ${text} \r\n`, slice);
    for (const text of [
      JSON.stringify(long),
      `[${' '.repeat(300)}]`,
      `{${' '.repeat(300)}}`,
      `[[[[${'1,'.repeat(200)}1]]]]`,
    ])
      sameAsJsonParse(text, 64);
  });

  it('gives what JSON.parse gives for arbitrary JSON values', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const g = generator(seed);
      const value = g.value(0);
      const text = g.rnd() < 0.5 ? JSON.stringify(value) : JSON.stringify(value, null, 1 + Math.floor(g.rnd() * 3));
      for (const slice of [16, 64, 256]) sameAsJsonParse(text, slice);
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
    for (const text of bad) for (const slice of [16, 64, 1000]) sameAsJsonParse(text, slice);
  });

  it('is what Response.json() answers', async () => {
    const text = hranaPage(page(2000));
    await expect(new Response(Buffer.from(text)).json()).resolves.toStrictEqual(JSON.parse(text));
    await expect(new Response('not json').json()).rejects.toThrow(SyntaxError);
  });
});
