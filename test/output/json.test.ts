import { describe, expect, it } from 'vitest';
import { JsonArrayWriter, safeJson } from '../../src/output/json.js';
import { bufferIO } from '../helpers/io.js';

describe('safeJson', () => {
  const hostile = { email: 'a\u202eb\u009b31m\ufeff\u200f\u2066x\u2028', ok: 'Zoë 🦄 \x1b[0m', n: 1 };

  it('writes characters that could act on a terminal as \\u escapes', () => {
    const text = safeJson(hostile, 2);

    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/);
    expect(text).toContain('a\\u202eb\\u009b31m\\ufeff\\u200f\\u2066x\\u2028');
    expect(text).toContain('Zoë 🦄 \\u001b[0m');
  });

  it('is the same JSON document', () => {
    expect(JSON.parse(safeJson(hostile))).toEqual(hostile);
    expect(JSON.parse(safeJson(hostile, 2))).toEqual(hostile);
  });
});

describe('JsonArrayWriter', () => {
  const page = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ n: from + i, s: 'a\u202eb' }));

  it.each([false, true])('writes exactly one JSON array, page by page (terminal: %s)', async (tty) => {
    for (const pages of [[], [page(0, 1)], [page(0, 3), page(3, 2), [], page(5, 1)]]) {
      const b = bufferIO({ tty });
      const w = new JsonArrayWriter(b.io);
      for (const p of pages) await w.write(p);
      await w.end();
      expect(JSON.parse(b.stdout())).toEqual(pages.flat());
      expect(b.stdout()).not.toContain('\u202e');
      expect(b.stdout().endsWith(']\n')).toBe(true);
    }
  });

  it('writes nothing before the first row or end(): a refused list leaves stdout empty', async () => {
    const b = bufferIO();
    const w = new JsonArrayWriter(b.io);
    await w.write([]);
    expect(b.stdout()).toBe('');
  });
});
