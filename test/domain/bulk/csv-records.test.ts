/**
 * The CSV reader splits lines without quotes itself (a fraction of csv-parse's cost) and
 * hands the rest of the file to csv-parse from the first line that holds a quote: the
 * records, and any error, must be exactly csv-parse's own, however the bytes are cut.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvParseRest, csvRecords } from '../../../src/domain/bulk/rows.js';

/** The records of a CSV byte stream through csv-parse alone (what csvRecords must equal). */
function parsedRecords(input: Readable): AsyncGenerator<string[][]> {
  return csvParseRest(Buffer.alloc(0), input[Symbol.asyncIterator]() as AsyncIterator<Buffer>, true);
}

/** The records, then the error that stopped reading (its code), if any. */
async function collect(read: AsyncGenerator<string[][]>): Promise<{ records: string[][]; error?: string }> {
  const records: string[][] = [];
  try {
    for await (const batch of read) records.push(...batch);
  } catch (e) {
    return { records, error: String((e as { code?: string }).code ?? e) };
  }
  return { records };
}

function pieces(bytes: Buffer, cuts: number[]): Readable {
  const parts: Buffer[] = [];
  let at = 0;
  for (const c of cuts) {
    if (at >= bytes.length) break;
    parts.push(bytes.subarray(at, at + c));
    at += c;
  }
  if (at < bytes.length) parts.push(bytes.subarray(at));
  return Readable.from(parts);
}

async function same(bytes: Buffer, cuts: number[]): Promise<void> {
  const fast = await collect(csvRecords(pieces(bytes, cuts)));
  const parser = await collect(parsedRecords(pieces(bytes, cuts)));
  const what = JSON.stringify(bytes.toString('latin1'));
  // UTF-16 (a file starting FF FE) cut short, an odd number of bytes: csv-parse drops the
  // last byte; the reader refuses the file once it has read it all.
  // A byte order mark alone is an empty file (csv-parse reads it as text).
  if (bytes.equals(Buffer.from([0xff, 0xfe]))) {
    expect(fast, what).toEqual({ records: [] });
    return;
  }
  if (bytes.length % 2 === 1 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    expect(fast.error, what).toBe('INVALID_INPUT');
    expect(parser.records.slice(0, fast.records.length), what).toEqual(fast.records);
    return;
  }
  expect(fast, what).toEqual(parser);
}

// Bytes that matter to a CSV reader: separators, every line ending, quotes, byte order
// marks (UTF-8, UTF-16), multi-byte and broken UTF-8, and plain text.
const token = fc.constantFrom(
  ...[',', '\r', '\n', '\r\n', '"', '""', 'a', 'bc', ' ', 'é', '\ufeff', 'x@example.com', 'MANAGER'].map((s) =>
    Buffer.from(s, 'utf8'),
  ),
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc3]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xff]),
);
const file = fc.array(token, { maxLength: 40 }).map((t) => Buffer.concat(t));
const quoteless = fc.array(token, { maxLength: 60 }).map((t) => Buffer.concat(t.filter((b) => !b.includes(0x22))));
const cuts = fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 30 });

describe('csvRecords: the same records and errors as csv-parse', () => {
  it('for files with and without quotes, cut anywhere', async () => {
    await fc.assert(fc.asyncProperty(file, cuts, same), { numRuns: 1500 });
  });

  it('for files without quotes (split here from start to end), cut anywhere', async () => {
    await fc.assert(fc.asyncProperty(quoteless, cuts, same), { numRuns: 1500 });
  });

  it.each([
    ['empty', ''],
    ['one byte', 'a'],
    ['two bytes, a line break', 'a\n'],
    ['CRLF cut between chunks', 'email,role\r\na,b\r\nc,d'],
    ['blank lines and a last line without a break', '\n\r\n\ra,b\n\nc'],
    ['a quote after plain lines', 'email,role\na,b\n"c\nd",e\nf,g\n'],
    ['an unclosed quote', 'email,role\na,b\n"c,d\n'],
    ['a UTF-8 byte order mark', '\ufeffemail,role\na,b\n'],
  ])('%s', async (_, text) => {
    for (const n of [1, 2, 3, 5, 1000]) await same(Buffer.from(text, 'utf8'), Array<number>(200).fill(n));
  });

  it('a UTF-16 file (byte order mark FF FE) is csv-parse´s from the start', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,role\r\na,b\r\n', 'utf16le')]);
    await same(bytes, [1, 1, 1, 4]);
    expect((await collect(csvRecords(pieces(bytes, [3])))).records).toEqual([
      ['email', 'role'],
      ['a', 'b'],
    ]);
  });
});
