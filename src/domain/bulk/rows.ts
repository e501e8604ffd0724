import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { Options as CsvOptions } from 'csv-parse';
import { PlatformError, invalid } from '../../errors.js';
import { printable } from '../../text.js';
import { restoreCell } from '../../csv-cells.js';

export type BulkFormat = 'csv' | 'jsonl';

/** Rows handled per lookup query and per batch of writes. */
export const CHUNK_SIZE = 1000;

/**
 * The input limits (docs/bulk.md): one CSV record or JSON line may hold at most this
 * many bytes; longer ones (a 400 MB one-line file, /dev/zero, an unclosed quote) refuse
 * the whole file with the line where the row starts, after reading only this much of it.
 */
export const MAX_ROW_BYTES = 1 << 20;
/** Rows per file: past this the file is refused (the work file would fill the disk). */
const MAX_ROWS = 10_000_000;
/** Records the CSV parser may buffer ahead of the reader: with MAX_ROW_BYTES, bounds its memory. */
const PARSER_BUFFER_RECORDS = 64;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const tooLong = (line: number) =>
  invalid(
    `Line ${line}: a row longer than ${MAX_ROW_BYTES / (1 << 20)} MiB, the limit for one row; nothing was imported. ` +
      `(An unclosed quote makes the rest of a CSV file one row; a file with no line breaks is one row.)`,
    { line },
  );
/** A failure of reading the input itself (EIO, EISDIR, …), in our words: exit 2, not a crash. */
function readFailure(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof PlatformError || typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return e;
  return invalid(`The input cannot be read (${code}); nothing was imported.`);
}

const tooMany = () =>
  invalid(
    `The file has more than ${MAX_ROWS.toLocaleString('en')} rows, the limit for one file; nothing was imported. Split it into several files.`,
  );

/** One input row as read from the file, before any validation. */
export interface RawRow {
  /** Line in the file where the row starts (the CSV header is line 1). */
  line: number;
  email?: unknown;
  role?: unknown;
  company?: unknown;
  /** Set when the line itself could not be read (JSON Lines syntax, bytes that are not UTF-8). */
  error?: PlatformError;
}

/** The format a file name suggests: JSON Lines for .jsonl/.ndjson, CSV otherwise. */
export function formatFor(fileName: string | undefined, explicit: string | undefined): BulkFormat {
  if (explicit !== undefined) {
    const f = explicit.trim().toLowerCase();
    if (f === 'csv' || f === 'jsonl') return f;
    throw new PlatformError('USAGE', `Unknown format "${printable(explicit)}": use csv or jsonl.`);
  }
  if (fileName && /\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  return 'csv';
}

/** A cell's stored value: the CSV writer's formula quoting undone (src/csv-cells.ts). */
function field(row: string[], i: number | undefined): string | undefined {
  const cell = i === undefined ? undefined : row[i];
  return cell === undefined ? undefined : restoreCell(cell);
}

/** Newlines inside a record's (quoted) fields: the record spans that many more lines. */
function extraLines(record: string[]): number {
  let n = 0;
  for (const f of record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The parser's records in batches of whatever is buffered: one await per batch rather
 * than several per record, which is a fifth of an import's time at 100,000 rows.
 */
async function* recordBatches(parser: Readable): AsyncGenerator<string[][]> {
  let done = false;
  let failure: Error | undefined;
  let wake = () => {};
  parser.on('readable', () => wake());
  parser.on('end', () => ((done = true), wake()));
  parser.on('error', (e: Error) => ((failure = e), wake()));
  for (;;) {
    const batch: string[][] = [];
    let rec: string[] | null;
    while ((rec = parser.read() as string[] | null) !== null) batch.push(rec);
    if (batch.length) {
      yield batch;
      continue;
    }
    if (failure) throw failure;
    if (done) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/**
 * Counts the bytes of each CSV record as it streams past (separators included, quoted line
 * breaks inside the record) and refuses the file once one exceeds MAX_ROW_BYTES, naming
 * the line the record starts on. csv-parse's max_record_size counts only the fields'
 * text: a line of 100 million commas (empty fields) passed it and was held as an array of
 * 100 million strings (4.7 GB). Quotes are tracked by parity, which
 * doubled quotes ("") keep right.
 */
export function rowSizeGuard(max = MAX_ROW_BYTES): Transform {
  let quoted = false;
  let size = 0;
  let line = 1;
  let rowLine = 1;
  let afterCr = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      // Only quotes and line breaks change anything: the bytes between are skipped with
      // indexOf (a byte at a time in JavaScript was ~30 ms per 100,000 rows).
      const n = chunk.length;
      let quote = -2; // the next of each at or after i (-1: none left; -2: not looked for yet)
      let lf = -2;
      let cr = -2;
      for (let i = 0; ;) {
        if (quote !== -1 && quote < i) quote = chunk.indexOf(QUOTE, i);
        if (lf !== -1 && lf < i) lf = chunk.indexOf(LF, i);
        if (cr !== -1 && cr < i) cr = chunk.indexOf(CR, i);
        let j = n;
        if (quote >= 0 && quote < j) j = quote;
        if (lf >= 0 && lf < j) j = lf;
        if (cr >= 0 && cr < j) j = cr;
        size += j - i;
        if (size > max) return done(tooLong(rowLine));
        if (j === n) break;
        const b = chunk[j]!;
        size++;
        if (b === QUOTE) quoted = !quoted;
        else {
          if (b === CR || !(j > 0 ? chunk[j - 1] === CR : afterCr)) line++;
          if (!quoted) {
            size = 0;
            rowLine = line;
          }
        }
        if (size > max) return done(tooLong(rowLine));
        i = j + 1;
      }
      if (n > 0) afterCr = chunk[n - 1] === CR;
      done(null, chunk);
    },
  });
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);
const UTF16BE_BOM = Buffer.from([0xfe, 0xff]);

/**
 * The encoding a file's first bytes show when it is UTF-16 that this reader would
 * misread: big-endian with its byte order mark, or either byte order without one (text
 * that starts with an ASCII character has a zero byte beside it: `e\0m\0` or `\0e\0m`).
 * CSV reads UTF-16 little-endian with a byte order mark (csv-parse); JSON Lines no UTF-16.
 */
function utf16Kind(head: Buffer, format: BulkFormat): string | undefined {
  if (head.length < 2) return undefined;
  // UTF-32 first: its little-endian byte order mark starts like UTF-16's (FF FE 00 00).
  if (head.length >= 4) {
    const [a, b, c, d] = [head[0]!, head[1]!, head[2]!, head[3]!];
    if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32 (little-endian)';
    if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian)';
    if (a !== 0 && b === 0 && c === 0 && d === 0) return 'UTF-32 (little-endian) without a byte order mark';
    if (a === 0 && b === 0 && c === 0 && d !== 0) return 'UTF-32 (big-endian) without a byte order mark';
  }
  if (head.subarray(0, 2).equals(UTF16BE_BOM)) return 'UTF-16 (big-endian)';
  if (head.subarray(0, 2).equals(UTF16LE_BOM)) return format === 'jsonl' ? 'UTF-16 (little-endian)' : undefined;
  if (head.length < 4) return undefined;
  if (head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0)
    return 'UTF-16 (little-endian) without a byte order mark';
  if (head[0] === 0 && head[1] !== 0 && head[2] === 0 && head[3] !== 0)
    return 'UTF-16 (big-endian) without a byte order mark';
  return undefined;
}

function notUtf8File(kind: string, format: BulkFormat): PlatformError {
  return invalid(
    format === 'csv'
      ? `The input is ${kind}; CSV is read as UTF-8 (or UTF-16 little-endian with a byte order mark): ` +
          `save it as UTF-8 (Excel: "CSV UTF-8 (comma delimited)"), ` +
          `or convert it, e.g. iconv -f ${kind.slice(0, 6)} -t UTF-8.`
      : `The input is ${kind}; JSON Lines is read as UTF-8: convert it, e.g. iconv -f ${kind.slice(0, 6)} -t UTF-8.`,
  );
}

/**
 * What bytes that are not UTF-8 decode to (a Latin-1 or Windows-1252 file, say). A CSV row
 * whose e-mail, role or company holds it is refused as not UTF-8 (a typed U+FFFD could
 * not be a valid value there anyway); a JSON Lines line is checked on its bytes.
 */
const NOT_UTF8 = '\ufffd';
const notUtf8Line = () =>
  invalid(
    'Not UTF-8 text: the line holds bytes that are not UTF-8 (shown as U+FFFD), as a Latin-1 or Windows-1252 file would; save the file as UTF-8.',
  );

/**
 * Half of a UTF-16 surrogate pair, alone: only a UTF-16 file can hold one (UTF-8 decoding
 * gives U+FFFD instead), and it is no character.
 */
const notUtf16Line = () =>
  invalid(
    'Not UTF-16 text: the line holds half of a UTF-16 surrogate pair, which is no character; save the file again as UTF-8 or UTF-16.',
  );
/** String.prototype.isWellFormed (Node 20; not in the ES2023 library types): no lone surrogate. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The CSV parser's options. csv-parse hands other options to its Transform: buffer a
 * chunk of records, not 16. Every line ending is a record delimiter: csv-parse otherwise
 * takes the first one it sees as the only one, and a file whose header ends in CRLF but
 * whose rows end in LF (edited on two systems) silently ran rows together.
 */
const parserOptions = (bom: boolean): CsvOptions & { readableHighWaterMark: number } => ({
  bom,
  relax_column_count: true,
  skip_empty_lines: false,
  record_delimiter: ['\r\n', '\n', '\r'],
  max_record_size: MAX_ROW_BYTES,
  readableHighWaterMark: PARSER_BUFFER_RECORDS,
});

/** csv-parse's error class, once the parser has been loaded (only files with quotes need it). */
let CsvErrorClass: (new (...args: never[]) => Error & { code: string }) | undefined;

/**
 * The records of a CSV byte stream, in batches, exactly as csv-parse with parserOptions
 * gives them, at a fraction of its cost for the usual file. A line without a quote (")
 * is split here: at CR, LF or CRLF into lines (an empty line is one empty field, as the
 * parser gives it), each at its commas, after UTF-8 decoding (a comma or line break is
 * never part of a multi-byte sequence, so decoding a line at once equals the parser's
 * field by field). From the first line holding a quote on (a quoted field may span lines
 * and escape quotes), and for a whole file that starts with a UTF-16 byte order mark,
 * csv-parse reads the rest, starting at that line, where it is at a record boundary.
 */
export async function* csvRecords(input: Readable): AsyncGenerator<string[][]> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  /** Bytes not split yet: the start of a line that goes on in the next chunk. */
  let pending: Buffer | undefined;
  let started = false;
  /** The bytes split so far end in CR: an LF that comes next is the rest of a CRLF. */
  let afterCr = false;
  let handedOver = false;
  try {
    for (;;) {
      const next = await it.next();
      const done = next.done === true;
      let buf: Buffer = done
        ? (pending ?? Buffer.alloc(0))
        : pending
          ? Buffer.concat([pending, next.value])
          : next.value;
      pending = undefined;
      if (!started) {
        // A byte order mark or a UTF-16/32 pattern is looked for once 4 bytes are in (or the input ended).
        if (buf.length < 4 && !done) {
          pending = buf;
          continue;
        }
        started = true;
        const utf16 = utf16Kind(buf, 'csv');
        if (utf16) throw notUtf8File(utf16, 'csv');
        // A UTF-16 byte order mark and nothing more is an empty file (csv-parse would read
        // the mark as text when nothing follows it).
        if (done && buf.equals(UTF16LE_BOM)) return;
        if (buf.length >= 2 && buf.subarray(0, 2).equals(UTF16LE_BOM)) {
          handedOver = true;
          yield* csvParseRest(buf, it, true);
          return;
        }
        if (buf.length >= 3 && buf.subarray(0, 3).equals(UTF8_BOM)) buf = buf.subarray(3);
      }
      if (afterCr && buf.length > 0) {
        afterCr = false;
        if (buf[0] === LF) buf = buf.subarray(1);
      }
      const quote = buf.indexOf(QUOTE);
      // Split here: whole lines, up to the line holding a quote; at the end, the last line too.
      let end = buf.length;
      if (quote >= 0) end = lineStart(buf, quote);
      else if (!done) {
        end = lineStart(buf, buf.length);
        if (end < buf.length) pending = buf.subarray(end);
      }
      if (end > 0) {
        if (buf[end - 1] === CR) afterCr = true;
        const batch = splitLines(buf.toString('utf8', 0, end));
        if (batch.length) yield batch;
      }
      if (quote >= 0) {
        handedOver = true;
        yield* csvParseRest(buf.subarray(end), it, false);
        return;
      }
      if (done) return;
    }
  } finally {
    if (!handedOver) await it.return?.();
  }
}

/** Where the line holding byte `at` starts (just after the line break before it). */
function lineStart(buf: Buffer, at: number): number {
  let i = at - 1;
  while (i >= 0 && buf[i] !== LF && buf[i] !== CR) i--;
  return i + 1;
}

/**
 * Lines of text split at commas. Each line ends with CR, LF or CRLF but the input's last,
 * which may have none; an empty piece after the last line break is no line (csv-parse
 * gives no record there). A CRLF cut between two chunks is the caller's (afterCr).
 */
function splitLines(text: string): string[][] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  const out = new Array<string[]>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = lines[i]!.split(',');
  return out;
}

/**
 * The rest of the input through csv-parse, from `head` (at a record boundary) on.
 * Exported for the test that holds csvRecords to csv-parse's own records.
 */
export async function* csvParseRest(head: Buffer, it: AsyncIterator<Buffer>, bom: boolean): AsyncGenerator<string[][]> {
  const { parse, CsvError } = await import('csv-parse');
  CsvErrorClass = CsvError;
  const parser = parse(parserOptions(bom));
  const source = Readable.from(
    (async function* () {
      // UTF-16 is two bytes a character: an odd number of bytes was cut short.
      const utf16 = bom && head.subarray(0, 2).equals(UTF16LE_BOM);
      let bytes = head.length;
      if (head.length) yield head;
      for (;;) {
        const next = await it.next();
        if (next.done) {
          if (utf16 && bytes % 2 === 1)
            throw invalid(
              'The input ends halfway through a UTF-16 character (an odd number of bytes): it was cut short, or it is not UTF-16.',
            );
          return;
        }
        bytes += next.value.length;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    yield* recordBatches(parser);
  } finally {
    source.destroy();
  }
}

/**
 * CSV rows with their starting line numbers. Blank lines are kept by the parser (as a
 * single empty field) only so that they can be counted: csv-parse's own `info.lines`
 * counts a CRLF inside a quoted field twice and would misnumber every later line.
 */
async function* csvRows(input: Readable): AsyncGenerator<RawRow[]> {
  // The input failed before this reader started (fingerprinted keeps its error).
  if (input.errored) throw readFailure(input.errored);
  const guard = rowSizeGuard();
  input.on('error', (e) => guard.destroy(e));
  input.pipe(guard);
  // The start of the file, to explain a header the parser cannot read (`"Email";"Role"`).
  let head = '';
  const peek = (c: Buffer | string) => {
    head += c.toString();
    if (head.length >= 4096) input.off('data', peek);
  };
  input.on('data', peek);
  let cols: { email?: number; role?: number; company?: number } | undefined;
  let next = 1;
  let count = 0;
  try {
    for await (const records of csvRecords(guard)) {
      const rows: RawRow[] = [];
      for (const record of records) {
        const line = next;
        next += 1 + extraLines(record);
        if (record.length === 1 && record[0] === '') continue;
        if (!cols) {
          // Excel's hint line naming the separator: `sep=,` is skipped, another is explained.
          const hint = /^sep=(.?)$/i.exec(record.join(','));
          if (hint) {
            if (hint[1] === ',') continue;
            throw wrongSeparator(line, hint[1] === '\t' ? '\t' : (hint[1] ?? ''));
          }
          const names = record.map((h) => h.trim().toLowerCase());
          cols = {};
          for (const k of ['email', 'role', 'company'] as const) {
            const i = names.indexOf(k);
            if (i >= 0) cols[k] = i;
          }
          if (cols.email === undefined || cols.role === undefined) {
            const sep = separatorOf(record.join(','));
            if (sep) throw wrongSeparator(line, sep);
            throw invalid(
              `Line ${line}: the CSV header must name the columns email and role (and optionally company), ` +
                `as in "email,role,company"; found "${printable(record.join(','))}".${headerHint(names)}`,
            );
          }
          // A column named twice: which one holds the value would be a guess.
          const twice = (['email', 'role', 'company'] as const).find(
            (k) => cols![k] !== undefined && names.lastIndexOf(k) !== cols![k],
          );
          if (twice)
            throw invalid(
              `Line ${line}: the CSV header names the column ${twice} twice ` +
                `(columns ${cols[twice]! + 1} and ${names.lastIndexOf(twice) + 1}); keep one of them.`,
            );
          continue;
        }
        if (++count > MAX_ROWS) throw tooMany();
        const row = {
          line,
          email: field(record, cols.email),
          role: field(record, cols.role),
          company: field(record, cols.company),
        };
        const cells = [row.email, row.role, row.company];
        if (cells.some((c) => c?.includes(NOT_UTF8))) rows.push({ line, error: notUtf8Line() });
        else if (cells.some((c) => c !== undefined && !wellFormed(c))) rows.push({ line, error: notUtf16Line() });
        else rows.push(row);
      }
      if (rows.length) yield rows;
    }
  } catch (e) {
    if (e instanceof PlatformError) throw e;
    if (CsvErrorClass && e instanceof CsvErrorClass && e.code === 'CSV_MAX_RECORD_SIZE') throw tooLong(next);
    if (CsvErrorClass && e instanceof CsvErrorClass) {
      const sep = cols ? undefined : separatorOf(head.replace(/^\ufeff/, '').split(/\r\n|\n|\r/)[0] ?? '');
      if (sep) throw wrongSeparator(next, sep);
      throw csvError(e.code, next);
    }
    throw readFailure(e);
  }
  if (!cols)
    throw invalid(
      'The CSV is empty: it needs a header line naming the columns email and role (and optionally company).',
    );
}

/** The separator a header line uses instead of commas (`;` from Excel in many languages, tab), if any. */
function separatorOf(header: string): ';' | '\t' | undefined {
  if (header.includes(',')) return undefined;
  const names = (sep: string) => header.split(sep).map((h) => h.trim().replace(/^"|"$/g, '').trim().toLowerCase());
  for (const sep of [';', '\t'] as const) {
    const n = names(sep);
    if (n.length > 1 && (n.includes('email') || n.includes('role'))) return sep;
  }
  return undefined;
}

const wrongSeparator = (line: number, sep: string) =>
  invalid(
    `Line ${line}: the file separates its fields with ${sep === '\t' ? 'tabs' : `"${printable(sep)}"`}, not commas ` +
      `(Excel saves "CSV" that way in languages where the comma is the decimal separator). ` +
      `Save it as "CSV UTF-8 (comma delimited)", or replace the separators with commas; ` +
      `the header must be email,role[,company]. Nothing was imported.`,
  );

/** A hint for a header that names the e-mail or role column differently ("Email Address"). */
function headerHint(names: string[]): string {
  const near = names.filter((n) => n !== 'email' && n !== 'role' && /e-?mail|role/.test(n));
  return near.length
    ? ` Rename ${near.map((n) => `"${printable(n)}"`).join(' and ')} to ${near.map((n) => (/e-?mail/.test(n) ? 'email' : 'role')).join(' and ')}.`
    : '';
}

/** csv-parse's errors in our words, at the line where the record that failed starts. */
function csvError(code: string, line: number): PlatformError {
  const what =
    code === 'CSV_QUOTE_NOT_CLOSED'
      ? 'a field opens a quote (") that is never closed: the rest of the file would be one field'
      : code === 'CSV_INVALID_CLOSING_QUOTE' || code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
        ? 'a quoted field goes on after its closing quote (a quote inside a quoted field is written twice: "")'
        : code === 'INVALID_OPENING_QUOTE' || code === 'CSV_INVALID_OPENING_QUOTE'
          ? 'a quote (") in the middle of a field that does not start with one'
          : 'this line is not valid CSV';
  return invalid(`Line ${line}: ${what}. Nothing was imported. (JSON Lines need --format jsonl or a .jsonl file.)`, {
    line,
  });
}

async function* jsonlRows(input: Readable): AsyncGenerator<RawRow[]> {
  if (input.errored) throw readFailure(input.errored);
  let batch: RawRow[] = [];
  try {
    for await (const row of jsonlRow(input)) {
      batch.push(row);
      if (batch.length >= CHUNK_SIZE) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    throw readFailure(e);
  }
  if (batch.length) yield batch;
}

// With the u flag a surrogate range matches only a surrogate that is not part of a pair.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * The lines of a byte stream, numbered from 1, split at LF, CRLF or a lone CR (as
 * readline does), each at most MAX_ROW_BYTES: a longer line refuses the file without
 * ever being held whole. Bytes that are not UTF-8 decode to U+FFFD.
 */
async function* boundedLines(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<{ line: number; text: string; utf8: boolean }> {
  const decoder = new TextDecoder('utf-8');
  let parts: Buffer[] = [];
  let size = 0;
  let line = 1;
  let afterCR = false;
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i]!;
      if (b !== 0x0a && b !== 0x0d) continue;
      if (b === 0x0a && afterCR && i === start && parts.length === 0) {
        // The LF of a CRLF whose CR ended the previous line.
        afterCR = false;
        start = i + 1;
        continue;
      }
      const piece = buf.subarray(start, i);
      if (size + piece.length > MAX_ROW_BYTES) throw tooLong(line);
      parts.push(piece);
      const bytes = Buffer.concat(parts);
      yield { line, text: decoder.decode(bytes), utf8: isUtf8(bytes) };
      line++;
      parts = [];
      size = 0;
      afterCR = b === 0x0d;
      start = i + 1;
    }
    if (start < buf.length) {
      afterCR = false;
      const rest = buf.subarray(start);
      size += rest.length;
      if (size > MAX_ROW_BYTES) throw tooLong(line);
      parts.push(Buffer.from(rest));
    }
  }
  if (size > 0) {
    const bytes = Buffer.concat(parts);
    yield { line, text: decoder.decode(bytes), utf8: isUtf8(bytes) };
  }
}

/** The input's bytes, refused at once if they start as UTF-16 (JSON Lines is UTF-8 only). */
async function* utf8Only(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of input) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (head === undefined) {
      yield buf;
      continue;
    }
    head = Buffer.concat([head, buf]);
    if (head.length < 4) continue;
    const utf16 = utf16Kind(head, 'jsonl');
    if (utf16) throw notUtf8File(utf16, 'jsonl');
    yield head;
    head = undefined;
  }
  if (head?.length) {
    const utf16 = utf16Kind(head, 'jsonl');
    if (utf16) throw notUtf8File(utf16, 'jsonl');
    yield head;
  }
}

async function* jsonlRow(input: Readable): AsyncGenerator<RawRow> {
  let count = 0;
  for await (const { line, text: raw, utf8 } of boundedLines(utf8Only(input))) {
    const text = (line === 1 ? raw.replace(/^\ufeff/, '') : raw).trim();
    if (text === '') continue;
    if (++count > MAX_ROWS) throw tooMany();
    if (!utf8) {
      yield { line, error: notUtf8Line() };
      continue;
    }
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      yield { line, error: invalid('Not a JSON object: each line must be {"email": …, "role": …, "company"?: …}.') };
      continue;
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) {
      yield { line, error: invalid('Not a JSON object: each line must be {"email": …, "role": …, "company"?: …}.') };
      continue;
    }
    const r = o as Record<string, unknown>;
    // JSON may spell an unpaired surrogate (\ud800): no text holds one, SQLite would store
    // U+FFFD instead and sqld refuses the statement, so the line is bad input.
    if ([r.email, r.role, r.company].some((x) => typeof x === 'string' && LONE_SURROGATE.test(x))) {
      yield { line, error: invalid('Not valid text: the line holds an unpaired surrogate escape (\\ud800-\\udfff).') };
      continue;
    }
    yield { line, email: r.email, role: r.role, company: r.company };
  }
}

/** Reads rows from CSV (with a header line) or JSON Lines, streaming, in batches. */
export function readRows(input: Readable, format: BulkFormat): AsyncGenerator<RawRow[]> {
  return format === 'csv' ? csvRows(input) : jsonlRows(input);
}

/**
 * The input as it streams through, and its fingerprint once read: SHA-256 of the bytes
 * and of the options that change their meaning, so a re-run of the same input is known.
 */
export function fingerprinted(input: Readable, options: string): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  hash.update(options + '\0');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  input.on('error', (e) => tap.destroy(e));
  // The reader may not have started yet: the error stays on the tap (`errored`), where it
  // looks first, instead of crashing the process as an unhandled 'error' event.
  tap.on('error', () => {});
  input.pipe(tap);
  let digest: string | undefined;
  return { stream: tap, digest: () => (digest ??= hash.digest('hex')) };
}
