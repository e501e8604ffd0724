import type { IOStreams } from '../io/streams.js';
import { printable } from '../text.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Optional colouring of the already-escaped cell text (TTY only). */
  style?: (text: string, row: T) => string;
}

const cell = (v: string | number | null | undefined) =>
  v === null || v === undefined ? '' : printable(String(v), 200);

/**
 * Rows for people or for pipes: on a terminal an aligned table with headers that
 * fits the width; piped, tab-separated rows without a header (like gh).
 */
export async function printTable<T>(io: IOStreams, rows: T[], columns: Column<T>[]): Promise<void> {
  if (!io.isStdoutTTY) {
    for (const r of rows) io.out.write(columns.map((c) => cell(c.value(r)).replace(/\t/g, ' ')).join('\t') + '\n');
    return;
  }
  const { default: Table } = await import('cli-table3');
  const width = io.columns ?? 100;
  const texts = rows.map((r) => columns.map((c) => cell(c.value(r))));
  // Share the width between columns; long cells are truncated with an ellipsis.
  const natural = columns.map((c, i) => Math.max(c.header.length, ...texts.map((t) => [...t[i]!].length)) + 2);
  const budget = Math.max(width - columns.length - 1, columns.length * 6);
  const widths = natural.slice();
  while (widths.reduce((a, b) => a + b, 0) > budget) {
    const i = widths.indexOf(Math.max(...widths));
    if (widths[i]! <= 6) break;
    widths[i]!--;
  }
  const table = new Table({
    head: columns.map((c) => c.header),
    colWidths: widths,
    wordWrap: false,
    truncate: '…',
    // No border style: the borders are blank, and colouring spaces only adds escape codes.
    style: { head: io.colorOut ? ['bold'] : [], border: [] },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' ',
    },
  });
  rows.forEach((r, ri) =>
    table.push(columns.map((c, i) => (c.style && io.colorOut ? c.style(texts[ri]![i]!, r) : texts[ri]![i]!))),
  );
  io.out.write(table.toString() + '\n');
}

/** Key-value lines ("Name   Ann Smith") for a single record. */
export function printFields(io: IOStreams, fields: [string, string | number | null | undefined][]): void {
  const w = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) io.out.write(`${k.padEnd(w)}  ${cell(v)}\n`);
}
