import { describe, expect, it } from 'vitest';
import { safeJson } from '../../src/output/json.js';

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
