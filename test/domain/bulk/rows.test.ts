import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatFor, readRows, type RawRow } from '../../../src/domain/bulk/rows.js';
import { PlatformError } from '../../../src/errors.js';

/** Feeds the text in small pieces, so rows and line ends straddle chunk boundaries. */
async function rows(text: string, format: 'csv' | 'jsonl', piece = 7): Promise<RawRow[]> {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += piece) parts.push(buf.subarray(i, i + piece));
  const out: RawRow[] = [];
  for await (const batch of readRows(Readable.from(parts), format)) out.push(...batch);
  return out;
}

describe('readRows (CSV)', () => {
  it('numbers rows by the line they start on: header = 1, quoted newlines (CRLF too) and blank lines counted', async () => {
    const text =
      '\ufeffEmail , ROLE,company,note\r\n' + // 1
      'a@example.com,MANAGER,,"two\r\nlines"\r\n' + // 2-3
      '\r\n' + // 4
      '"b@example.com","DESIGNER","Müller, ""Söhne"" GmbH",x\r\n' + // 5
      'c@example.com,ADMINISTRATOR,,"three\n\nlines"\r\n' + // 6-8
      'd@example.com,manager\r\n'; // 9 (short row: missing columns are absent)
    const got = await rows(text, 'csv');
    expect(got).toEqual([
      { line: 2, email: 'a@example.com', role: 'MANAGER', company: '' },
      { line: 5, email: 'b@example.com', role: 'DESIGNER', company: 'Müller, "Söhne" GmbH' },
      { line: 6, email: 'c@example.com', role: 'ADMINISTRATOR', company: '' },
      { line: 9, email: 'd@example.com', role: 'manager', company: undefined },
    ]);
    // The same file piece by piece or in one go gives the same numbers.
    expect(await rows(text, 'csv', 1 << 20)).toEqual(got);
  });

  it('refuses a header without email and role, and an empty file', async () => {
    await expect(rows('mail,role\nx@example.com,MANAGER\n', 'csv')).rejects.toThrow(
      /header must name the columns email and role/,
    );
    await expect(rows('', 'csv')).rejects.toThrow(/CSV is empty/);
  });

  it('refuses a header naming a column twice, whichever column and whatever its spelling', async () => {
    await expect(rows('email,role,EMAIL\na@example.com,MANAGER,b@example.com\n', 'csv')).rejects.toThrow(
      'Line 1: the CSV header names the column email twice (columns 1 and 3); keep one of them.',
    );
    await expect(rows('\n role ,email,Role\n', 'csv')).rejects.toThrow(
      'Line 2: the CSV header names the column role twice (columns 1 and 3); keep one of them.',
    );
    await expect(rows('email,role,company,company\n', 'csv')).rejects.toThrow(/column company twice/);
  });

  it('turns an unclosed quote into INVALID_INPUT for the whole file', async () => {
    const e = await rows('email,role\n"x@example.com,MANAGER\n', 'csv').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlatformError);
    expect((e as PlatformError).code).toBe('INVALID_INPUT');
  });
});

describe('readRows (JSON Lines)', () => {
  it('numbers lines from 1, skips blank ones and reports unreadable lines as row errors', async () => {
    const got = await rows(
      '\ufeff{"email":"a@example.com","role":"MANAGER"}\r\n\r\nnot json\n[1]\n{"email":"b@example.com","role":"DESIGNER","company":7}\n',
      'jsonl',
    );
    expect(got.map((r) => [r.line, r.email, r.role, r.company, r.error?.code])).toEqual([
      [1, 'a@example.com', 'MANAGER', undefined, undefined],
      [3, undefined, undefined, undefined, 'INVALID_INPUT'],
      [4, undefined, undefined, undefined, 'INVALID_INPUT'],
      [5, 'b@example.com', 'DESIGNER', 7, undefined],
    ]);
  });
});

describe('formatFor', () => {
  it('uses --format, else the extension, else CSV', () => {
    expect(formatFor('x.jsonl', undefined)).toBe('jsonl');
    expect(formatFor('x.NDJSON', undefined)).toBe('jsonl');
    expect(formatFor('x.csv', undefined)).toBe('csv');
    expect(formatFor(undefined, undefined)).toBe('csv');
    expect(formatFor('x.csv', 'JSONL')).toBe('jsonl');
    expect(() => formatFor(undefined, 'xml')).toThrow(/Unknown format "xml"/);
  });
});
