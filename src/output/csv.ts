import type { IOStreams } from '../io/streams.js';
import { neutraliseCell } from '../csv-cells.js';
import { printable } from '../text.js';

/** A value that can go in a CSV cell; null and undefined are empty cells. */
export type CsvValue = string | number | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as CSV text: formula-neutralised (src/csv-cells.ts), then quoted as RFC 4180
 * says when it holds a comma, quote or line break. Every CSV platformctl writes goes
 * through here; `member import` reads it back exactly (restoreCell).
 */
function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseCell(String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One CSV record, LF-terminated. With `terminal`, control and direction characters are
 * shown as escapes: a CSV printed on a screen is read by a person, and a file or pipe
 * gets the exact values.
 */
export function csvRecord(values: readonly CsvValue[], terminal = false): string {
  const line = values.map(csvCell).join(',') + '\n';
  return terminal ? printable(line.slice(0, -1), Number.MAX_SAFE_INTEGER) + '\n' : line;
}

/**
 * Writes a CSV a page at a time as rows arrive: the header goes out with the first page
 * (so a command refused before any row prints nothing on stdout, and an empty list is
 * just the header), and each page waits for the reader before the next is read.
 */
export class CsvWriter<T> {
  private started = false;
  constructor(
    private readonly io: IOStreams,
    private readonly header: readonly string[],
    private readonly cells: (row: T) => readonly CsvValue[],
  ) {}

  async write(rows: readonly T[]): Promise<void> {
    const terminal = this.io.isStdoutTTY;
    let text = this.started ? '' : csvRecord(this.header, terminal);
    this.started = true;
    for (const r of rows) text += csvRecord(this.cells(r), terminal);
    this.io.out.write(text);
    await this.io.out.drain?.();
  }

  async end(): Promise<void> {
    if (!this.started) await this.write([]);
  }
}
