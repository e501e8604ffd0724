import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRows, type BulkFormat, type RawRow } from '../../../src/domain/bulk/rows.js';

/** Reads bytes fed in pieces of `piece` bytes (a byte order mark may straddle two chunks). */
async function read(bytes: Buffer, format: BulkFormat, piece = 1000): Promise<RawRow[]> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) parts.push(bytes.subarray(i, i + piece));
  const out: RawRow[] = [];
  for await (const batch of readRows(Readable.from(parts), format)) out.push(...batch);
  return out;
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (e: Error & { code?: string }) => e,
  );

const CSV = 'email,role\nbob@example.com,MANAGER\n';
const JSONL = '{"email":"bob@example.com","role":"MANAGER"}\n';
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

describe('member files in encodings the reader does not read: said, not garbled', () => {
  it.each([1, 3, 1000])(
    'CSV: UTF-16 big-endian or without a byte order mark is refused whole, naming it (pieces of %i)',
    async (piece) => {
      const cases: [Buffer, RegExp][] = [
        [utf16be('\ufeff' + CSV), /^The input is UTF-16 \(big-endian\); CSV is read as UTF-8 /],
        [Buffer.from(CSV, 'utf16le'), /^The input is UTF-16 \(little-endian\) without a byte order mark; /],
        [utf16be(CSV), /^The input is UTF-16 \(big-endian\) without a byte order mark; /],
      ];
      for (const [bytes, message] of cases) {
        const e = await failure(read(bytes, 'csv', piece));
        expect(e.code).toBe('INVALID_INPUT');
        expect(e.message).toMatch(message);
        expect(e.message).toContain('save it as UTF-8 (Excel: "CSV UTF-8 (comma delimited)")');
      }
    },
  );

  it('CSV: UTF-16 little-endian with its byte order mark is read (Excel\'s "Unicode text")', async () => {
    expect(await read(Buffer.from('\ufeff' + CSV, 'utf16le'), 'csv', 1)).toEqual([
      { line: 2, email: 'bob@example.com', role: 'MANAGER', company: undefined },
    ]);
  });

  it.each([1, 3, 1000])(
    'CSV: UTF-16 little-endian cut short (an odd number of bytes) is refused whole, not read without its last byte (pieces of %i)',
    async (piece) => {
      const cut = Buffer.concat([Buffer.from('\ufeff' + CSV, 'utf16le'), Buffer.from([0x41])]);
      const e = await failure(read(cut, 'csv', piece));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/^The input ends halfway through a UTF-16 character \(an odd number of bytes\)/);
    },
  );

  it('CSV: half a surrogate pair in a UTF-16 file makes its line a bad line that says it is not UTF-16, not an invalid e-mail', async () => {
    const text = '\ufeffemail,role\na\ud800b@example.com,MANAGER\nbob@example.com,MANAGER\nc@example.com,\udc00\n';
    const got = await read(Buffer.from(text, 'utf16le'), 'csv', 5);
    expect(got.map((r) => ('error' in r && r.error ? `${r.line} ${r.error.message}` : `${r.line} ok`))).toEqual([
      '2 Not UTF-16 text: the line holds half of a UTF-16 surrogate pair, which is no character; save the file again as UTF-8 or UTF-16.',
      '3 ok',
      '4 Not UTF-16 text: the line holds half of a UTF-16 surrogate pair, which is no character; save the file again as UTF-8 or UTF-16.',
    ]);
  });

  it('CSV: a UTF-16 byte order mark and nothing else is an empty file, like an empty UTF-8 one', async () => {
    const empty = await failure(read(Buffer.alloc(0), 'csv'));
    for (const bom of [Buffer.from([0xff, 0xfe]), Buffer.from([0xef, 0xbb, 0xbf])]) {
      const e = await failure(read(bom, 'csv'));
      expect([e.code, e.message]).toEqual([empty.code, empty.message]);
    }
  });

  it.each([1, 3, 1000])('JSON Lines: any UTF-16 is refused whole (pieces of %i)', async (piece) => {
    for (const bytes of [
      Buffer.from('\ufeff' + JSONL, 'utf16le'),
      Buffer.from(JSONL, 'utf16le'),
      utf16be('\ufeff' + JSONL),
      utf16be(JSONL),
    ]) {
      const e = await failure(read(bytes, 'jsonl', piece));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(
        /^The input is UTF-16 \((big|little)-endian\)( without a byte order mark)?; JSON Lines is read as UTF-8: convert it/,
      );
    }
  });

  it('a Latin-1 line is a bad line that says it is not UTF-8 (not an invalid e-mail); UTF-8 lines around it read', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('email,role,company\nann@example.com,DESIGNER,\n'),
      Buffer.from('j\xe9r\xf4me@example.com,DESIGNER,\n', 'latin1'),
      Buffer.from('bob@example.com,MANAGER,M\xfcller Company\n', 'latin1'),
      Buffer.from('zoë@example.com,MANAGER,\n'),
    ]);
    const rows = await read(latin1, 'csv', 7);
    expect(rows.map((r) => [r.line, r.error?.message.slice(0, 14) ?? r.email])).toEqual([
      [2, 'ann@example.com'],
      [3, 'Not UTF-8 text'],
      [4, 'Not UTF-8 text'],
      [5, 'zoë@example.com'],
    ]);
    expect(rows[1]!.error!.message).toBe(
      'Not UTF-8 text: the line holds bytes that are not UTF-8 (shown as U+FFFD), as a Latin-1 or Windows-1252 file would; save the file as UTF-8.',
    );
    const jsonl = Buffer.concat([
      Buffer.from('{"email":"ann@example.com","role":"DESIGNER"}\n'),
      Buffer.from('{"email":"j\xe9r\xf4me@example.com","role":"DESIGNER"}\n', 'latin1'),
      Buffer.from('{"email":"zo\\u00eb@example.com","role":"DESIGNER"}\n'),
    ]);
    expect((await read(jsonl, 'jsonl', 5)).map((r) => [r.line, r.error?.message.slice(0, 14) ?? r.email])).toEqual([
      [1, 'ann@example.com'],
      [2, 'Not UTF-8 text'],
      [3, 'zoë@example.com'],
    ]);
  });

  it("UTF-32, with or without a byte order mark, is named as UTF-32 (its little-endian mark starts like UTF-16's)", async () => {
    const utf32 = (t: string, le: boolean) =>
      Buffer.concat(
        [...t].map((ch) => {
          const b = Buffer.alloc(4);
          if (le) b.writeUInt32LE(ch.codePointAt(0)!);
          else b.writeUInt32BE(ch.codePointAt(0)!);
          return b;
        }),
      );
    const utf32le = (t: string) => utf32(t, true);
    const utf32be = (t: string) => utf32(t, false);
    const cases: [Buffer, string][] = [
      [utf32le('\ufeff' + CSV), 'UTF-32 (little-endian)'],
      [Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32be(CSV)]), 'UTF-32 (big-endian)'],
      [utf32le(CSV), 'UTF-32 (little-endian) without a byte order mark'],
      [utf32be(CSV), 'UTF-32 (big-endian) without a byte order mark'],
    ];
    for (const [bytes, kind] of cases)
      for (const format of ['csv', 'jsonl'] as const) {
        const e = await failure(read(bytes, format, 1));
        expect(e.message, `${kind} as ${format}`).toMatch(
          new RegExp(`^The input is ${kind.replace(/[()]/g, '\\$&')};`),
        );
        expect(e.message).toContain('iconv -f UTF-32 -t UTF-8');
      }
  });

  it('a slow standard input that gives the first bytes alone is still recognised as UTF-16', async () => {
    const bytes = Buffer.from(CSV, 'utf16le');
    async function* slow() {
      yield bytes.subarray(0, 3);
      await new Promise((r) => setTimeout(r, 50));
      yield bytes.subarray(3);
    }
    for (const format of ['csv', 'jsonl'] as const) {
      const out: RawRow[] = [];
      const e = await failure(
        (async () => {
          for await (const batch of readRows(Readable.from(slow()), format)) out.push(...batch);
        })(),
      );
      expect(e.message).toMatch(/^The input is UTF-16 \(little-endian\) without a byte order mark;/);
    }
  });

  it('JSON Lines: a line of valid UTF-8 holding U+FFFD itself is not called "not UTF-8"', async () => {
    const rows = await read(Buffer.from('{"email":"u1@example.com","role":"MANAGER","note":"\ufffd"}\n'), 'jsonl');
    expect(rows).toEqual([{ line: 1, email: 'u1@example.com', role: 'MANAGER', company: undefined }]);
  });

  it('text that starts with NUL bytes but is not UTF-16 is not called UTF-16', async () => {
    const e = await failure(read(Buffer.from('\0\0\0\0email,role\n'), 'csv'));
    expect(e.message).not.toMatch(/UTF-16/);
  });
});
