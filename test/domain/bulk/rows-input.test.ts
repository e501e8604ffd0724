import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_ROW_BYTES, readRows, type RawRow } from '../../../src/domain/bulk/rows.js';

/** Feeds the text in pieces of `piece` bytes, so line ends straddle chunk boundaries. */
async function rows(text: string, piece: number): Promise<RawRow[]> {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += piece) parts.push(buf.subarray(i, i + piece));
  const out: RawRow[] = [];
  for await (const batch of readRows(Readable.from(parts), 'csv')) out.push(...batch);
  return out;
}

describe('readRows (CSV) with mixed line endings', () => {
  // csv-parse took the first line ending it saw as the only one: after a CRLF header,
  // LF rows ran together into one record ("DESIGNER\nb@example.com" as a role).
  it.each([1, 2, 3, 7, 1000])(
    'reads CRLF, LF and CR lines alike, numbered as in the file (pieces of %i bytes)',
    async (piece) => {
      const text =
        'email,role\r\n' + // 1
        'a@example.com,DESIGNER\n' + // 2
        'b@example.com,MANAGER\r\n' + // 3
        '"c@example.com","two\r\nlines"\n' + // 4-5
        '\n' + // 6
        'd@example.com,MANAGER\r' + // 7 (a lone CR ends a line too)
        'e@example.com,manager\r\n'; // 8
      expect(await rows(text, piece)).toEqual([
        { line: 2, email: 'a@example.com', role: 'DESIGNER', company: undefined },
        { line: 3, email: 'b@example.com', role: 'MANAGER', company: undefined },
        { line: 4, email: 'c@example.com', role: 'two\r\nlines', company: undefined },
        { line: 7, email: 'd@example.com', role: 'MANAGER', company: undefined },
        { line: 8, email: 'e@example.com', role: 'manager', company: undefined },
      ]);
    },
  );

  it('an LF header followed by CRLF rows keeps the CR out of the last field', async () => {
    expect(await rows('role,email\na,x@example.com\r\nb,y@example.com\r\n', 4)).toEqual([
      { line: 2, email: 'x@example.com', role: 'a', company: undefined },
      { line: 3, email: 'y@example.com', role: 'b', company: undefined },
    ]);
  });
});

describe('readRows (JSON Lines) with unpaired surrogate escapes', () => {
  it('makes such a line a bad line (SQLite would store U+FFFD, sqld refuses the statement); pairs are fine', async () => {
    const text = [
      '{"email":"a\\ud800@example.com","role":"MANAGER"}',
      '{"email":"b@example.com","role":"MANAGER","company":"\\udc00"}',
      '{"email":"c@example.com","role":"\\ud83e\\udd84"}',
    ].join('\n');
    const out: RawRow[] = [];
    for await (const batch of readRows(Readable.from([text]), 'jsonl')) out.push(...batch);
    expect(out.map((r) => [r.line, r.error?.code ?? null, r.role ?? null])).toEqual([
      [1, 'INVALID_INPUT', null],
      [2, 'INVALID_INPUT', null],
      [3, null, '🦄'],
    ]);
    expect(out[0]!.error!.message).toMatch(/unpaired surrogate/);
  });
});

describe('readRows limits (docs/bulk.md)', () => {
  const read = async (parts: (string | Buffer)[], format: 'csv' | 'jsonl') => {
    const out: RawRow[] = [];
    for await (const batch of readRows(
      Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
      format,
    ))
      out.push(...batch);
    return out;
  };
  const mib = (n: number, c = 'a') => Buffer.alloc(Math.round(n * MAX_ROW_BYTES), c);

  it.each(['csv', 'jsonl'] as const)(
    'refuses a %s row longer than the limit with the line it starts on, reading no more than needed',
    async (format) => {
      const head =
        format === 'csv' ? 'email,role\na@example.com,MANAGER\n' : '{"email":"a@example.com","role":"MANAGER"}\n\n';
      // A source that would never end: the reader must stop once the row is over the limit.
      let served = 0;
      async function* endless() {
        yield Buffer.from(head);
        for (;;) {
          served += 1 << 16;
          yield Buffer.alloc(1 << 16, 'x');
        }
      }
      const out: RawRow[] = [];
      const err = await (async () => {
        try {
          for await (const batch of readRows(Readable.from(endless()), format)) out.push(...batch);
        } catch (e) {
          return e as Error & { code?: string };
        }
      })();
      expect(err?.message).toMatch(new RegExp(`^Line 3: a row longer than 1 MiB`));
      // Rows before it may have been handed out (they are refused with the file all the same).
      expect(out.map((r) => r.line)).toEqual(out.length ? [format === 'csv' ? 2 : 1] : []);
      expect(served).toBeLessThan(3 * MAX_ROW_BYTES);
    },
  );

  it('takes JSON lines up to the limit, split anywhere, ended by LF, CRLF or CR', async () => {
    const row = (e: string) => `{"email":"${e}","role":"MANAGER","pad":"${'p'.repeat(1000)}"}`;
    const text = Buffer.from(`${row('a@x.org')}\r\n${row('b@x.org')}\r${row('c@x.org')}\n\r\n${row('d@x.org')}`);
    const pieces: Buffer[] = [];
    for (let i = 0; i < text.length; i += 333) pieces.push(text.subarray(i, i + 333));
    expect((await read(pieces, 'jsonl')).map((r) => [r.line, r.email])).toEqual([
      [1, 'a@x.org'],
      [2, 'b@x.org'],
      [3, 'c@x.org'],
      [5, 'd@x.org'],
    ]);
    const big = `{"email":"e@x.org","role":"MANAGER","pad":"${'p'.repeat(MAX_ROW_BYTES - 60)}"}\n`;
    expect((await read([big], 'jsonl')).map((r) => r.email)).toEqual(['e@x.org']);
    await expect(read([mib(1.01)], 'csv')).rejects.toThrow(/^Line 1: a row longer than 1 MiB/);
  });
});
