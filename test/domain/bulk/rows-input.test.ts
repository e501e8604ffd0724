import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRows, type RawRow } from '../../../src/domain/bulk/rows.js';

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
