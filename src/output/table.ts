import type { IOStreams } from '../io/streams.js';
import { printable } from '../text.js';
import { palette } from './color.js';

type CellValue = string | number | null | undefined;

/**
 * How a column gives way when the table is wider than the terminal. Nothing a person
 * needs is ever cut:
 * - 'wrap' (the default): the text continues on the next lines of the row;
 * - 'keep': identifying text (an e-mail, an id, a time) stays whole on one line; it
 *   wraps only when every other column is as narrow as it can be;
 * - 'truncate': cut with an ellipsis — only for text the piped form still gives whole.
 */
export type Fit = 'wrap' | 'keep' | 'truncate';

export interface Column<T> {
  header: string;
  /** The full value; piped output prints exactly this (escaped). */
  value: (row: T) => CellValue;
  /** What a terminal shows instead, when it differs (a time in local time, short). */
  human?: (row: T) => CellValue;
  /** Optional colouring of the already-escaped cell text (TTY only). */
  style?: (text: string, row: T) => string;
  fit?: Fit;
  /**
   * Columns with a drop rank are left out of a terminal table that is too narrow for
   * them, lowest rank first, before any other column is squeezed below its minimum.
   * Columns without one are never left out.
   */
  drop?: number;
  /**
   * The widest value the column can ever hold, when that is known and small (a role, a
   * status): a streamed table reserves it, so a later page never needs more.
   */
  width?: number;
}

/** Spaces between columns. */
const GAP = 2;
/** The narrowest a wrapping column becomes before a droppable column is left out. */
const MIN_WRAP = 10;
const MIN_TRUNCATE = 8;
/** The narrowest any column becomes when nothing else is left to give way. */
const LAST_RESORT = 6;

const escaped = (v: CellValue) => (v === null || v === undefined ? '' : printable(String(v), Number.MAX_SAFE_INTEGER));

// ---- display width ----

// Made on first use: building a grapheme segmenter loads ICU data (~7-14 ms), which JSON
// output and all-ASCII tables never need.
let graphemeSegmenter: Intl.Segmenter | undefined;
const segmenter = (): Intl.Segmenter =>
  (graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' }));
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const WIDE_EMOJI = /\p{Emoji_Presentation}|\ufe0f/u;

/** East Asian Wide and Fullwidth ranges (as is-fullwidth-code-point lists them). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    cp === 0x2329 ||
    cp === 0x232a ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe10 && cp <= 0xfe19) ||
    (cp >= 0xfe30 && cp <= 0xfe6f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1b000 && cp <= 0x1b001) ||
    (cp >= 0x1f200 && cp <= 0x1f251) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Columns a grapheme takes on a terminal: 0, 1 or 2. */
function graphemeWidth(g: string): number {
  if (ZERO_WIDTH.test(g)) return 0;
  if (isWide(g.codePointAt(0)!) || WIDE_EMOJI.test(g)) return 2;
  return 1;
}

const ASCII = /^[\x20-\x7e]*$/;

/** Columns a (control-free) text takes on a terminal. */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let w = 0;
  for (const { segment } of segmenter().segment(text)) w += graphemeWidth(segment);
  return w;
}

function graphemes(text: string): string[] {
  return ASCII.test(text) ? [...text] : [...segmenter().segment(text)].map((s) => s.segment);
}

/**
 * Lines of at most `width` columns: broken after the last space (or after / , ; -) that
 * fits, or inside a word longer than the line. Nothing but the spaces at the breaks is
 * left out.
 */
export function wrapText(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  const gs = graphemes(text);
  let start = 0;
  while (start < gs.length) {
    let w = 0;
    let end = start;
    let lastBreak = -1;
    while (end < gs.length && w + graphemeWidth(gs[end]!) <= width) {
      w += graphemeWidth(gs[end]!);
      if (gs[end] === ' ' || '/,;-'.includes(gs[end]!)) lastBreak = end;
      end++;
    }
    if (end === start) end = start + 1; // a grapheme wider than the column
    // A line that ends where a word ends breaks there, not at an earlier '-' or '/'.
    if (end < gs.length && gs[end] !== ' ' && lastBreak > start) end = lastBreak + 1;
    lines.push(gs.slice(start, end).join('').trimEnd());
    start = end;
    while (start < gs.length && gs[start] === ' ') start++;
  }
  return lines;
}

function truncateText(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const g of graphemes(text)) {
    const gw = graphemeWidth(g);
    if (w + gw > width - 1) break;
    out += g;
    w += gw;
  }
  return out + '…';
}

/** Columns of the widest of a set of values (an enum's names), for Column.width. */
export function widest(values: readonly string[]): number {
  return Math.max(0, ...values.map(displayWidth));
}

// ---- layout ----

interface Layout {
  /** Indexes of the columns shown, in order. */
  shown: number[];
  /** Width of each shown column. */
  widths: number[];
}

/** Columns of the widest word of a text (words are what wrapText breaks between). */
function widestWord(text: string): number {
  let w = 0;
  for (const word of text.split(' ')) w = Math.max(w, displayWidth(word));
  return w;
}

/**
 * Fits columns into `total` terminal columns, giving way in this order:
 * 1. every column at its natural width, if they fit;
 * 2. 'keep' columns whole, the others share what is left (as water fills), each at
 *    least as wide as its widest word, so wrapping breaks only between words;
 * 3. droppable columns are left out, lowest rank first, while (2) does not fit;
 * 4. wrapping columns break inside words, down to a minimum;
 * 5. only then do the 'keep' columns wrap too, the widest first.
 * A table that cannot fit even so is printed wider than the terminal rather than cut.
 * `words` is each column's widest word (by default its natural width).
 */
export function layout(
  fits: Fit[],
  drops: (number | undefined)[],
  natural: number[],
  total: number,
  words: number[] = natural,
): Layout {
  let shown = fits.map((_, i) => i);
  const hard = (i: number) =>
    fits[i] === 'keep' ? natural[i]! : Math.min(natural[i]!, fits[i] === 'truncate' ? MIN_TRUNCATE : MIN_WRAP);
  const soft = (i: number) => (fits[i] === 'wrap' ? Math.min(natural[i]!, Math.max(hard(i), words[i]!)) : hard(i));
  for (;;) {
    const room = total - GAP * (shown.length - 1);
    const sumNatural = shown.reduce((a, i) => a + natural[i]!, 0);
    if (sumNatural <= room) return { shown, widths: shown.map((i) => natural[i]!) };
    if (shown.reduce((a, i) => a + soft(i), 0) <= room) return fill(shown, fits, natural, soft, room);
    const droppable = shown.filter((i) => drops[i] !== undefined);
    if (droppable.length) {
      const victim = droppable.reduce((a, i) => (drops[i]! < drops[a]! ? i : a));
      shown = shown.filter((i) => i !== victim);
      continue;
    }
    if (shown.reduce((a, i) => a + hard(i), 0) <= room) return fill(shown, fits, natural, hard, room);
    // Even at their minimums the columns do not fit: squeeze the widest, the wrapping
    // ones first, then the 'keep' ones, down to a few columns each (all of them wrap).
    const fixed = shown.filter((i) => fits[i] === 'keep');
    const flexible = shown.filter((i) => fits[i] !== 'keep');
    const widths = new Map<number, number>(shown.map((i) => [i, hard(i)]));
    let over = [...widths.values()].reduce((a, b) => a + b, 0) - room;
    for (const group of [flexible, fixed]) {
      while (over > 0) {
        const widest = group.reduce<number | undefined>(
          (a, i) => (widths.get(i)! > LAST_RESORT && (a === undefined || widths.get(i)! > widths.get(a)!) ? i : a),
          undefined,
        );
        if (widest === undefined) break;
        widths.set(widest, widths.get(widest)! - 1);
        over--;
      }
    }
    return { shown, widths: shown.map((i) => widths.get(i)!) };
  }
}

/**
 * Shares the room left by 'keep' columns among the others, as water fills: one level
 * for all, each column held between its minimum and its natural width; the few columns
 * the level leaves over go to the widest columns still cut.
 */
function fill(shown: number[], fits: Fit[], natural: number[], minOf: (i: number) => number, room: number): Layout {
  const fixed = shown.filter((i) => fits[i] === 'keep');
  const flexible = shown.filter((i) => fits[i] !== 'keep');
  const left = room - fixed.reduce((a, i) => a + natural[i]!, 0);
  const at = (level: number, i: number) => Math.min(natural[i]!, Math.max(minOf(i), level));
  const used = (level: number) => flexible.reduce((a, i) => a + at(level, i), 0);
  let level = 0;
  while (used(level + 1) <= left && level < Math.max(...flexible.map((i) => natural[i]!))) level++;
  const width = new Map<number, number>(fixed.map((i) => [i, natural[i]!]));
  for (const i of flexible) width.set(i, at(level, i));
  let spare = left - used(level);
  for (const i of flexible.slice().sort((a, b) => natural[b]! - natural[a]!)) {
    if (spare <= 0) break;
    if (width.get(i)! < natural[i]!) {
      width.set(i, width.get(i)! + 1);
      spare--;
    }
  }
  return { shown, widths: shown.map((i) => width.get(i)!) };
}

/**
 * A table written as rows arrive, a page at a time. On a terminal: aligned columns
 * under a header, fitted to the width from the first page (later pages keep that
 * layout: their longer text wraps, and a longer 'keep' cell — an e-mail past the first
 * page — overflows its column on that one line rather than break; a column with a known
 * `width` reserves it from the start); times and other values in their human form.
 * Piped: tab-separated rows without a header, each value whole and escaped (like gh).
 */
export class TableWriter<T> {
  private layout: Layout | undefined;
  /** Per shown column: a 'keep' column the layout left whole (its cells never wrap). */
  private whole: boolean[] = [];
  private readonly tty: boolean;
  private rows = 0;

  constructor(
    private readonly io: IOStreams,
    private readonly columns: Column<T>[],
    /** Every row comes in one write (printTable): known widths need not be reserved. */
    private readonly complete = false,
  ) {
    this.tty = io.isStdoutTTY;
  }

  /** Rows written so far. */
  get count(): number {
    return this.rows;
  }

  async write(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    this.rows += rows.length;
    this.io.out.write(this.tty ? this.render(rows) : this.piped(rows));
    await this.io.out.drain?.();
  }

  /** Ends the table; a table that got no rows prints nothing. */
  async end(): Promise<void> {}

  private piped(rows: readonly T[]): string {
    let text = '';
    for (const r of rows) text += this.columns.map((c) => escaped(c.value(r))).join('\t') + '\n';
    return text;
  }

  private render(rows: readonly T[]): string {
    const cols = this.columns;
    const texts = rows.map((r) => cols.map((c) => escaped((c.human ?? c.value)(r))));
    let out = '';
    if (!this.layout) {
      const natural = cols.map((c, i) =>
        Math.max(displayWidth(c.header), this.complete ? 0 : (c.width ?? 0), ...texts.map((t) => displayWidth(t[i]!))),
      );
      const words = cols.map((c, i) => Math.max(widestWord(c.header), ...texts.map((t) => widestWord(t[i]!))));
      const fits = cols.map((c) => c.fit ?? 'wrap');
      this.layout = layout(
        fits,
        cols.map((c) => c.drop),
        natural,
        this.io.columns ?? 100,
        words,
      );
      this.whole = this.layout.shown.map((i, k) => fits[i] === 'keep' && this.layout!.widths[k]! >= natural[i]!);
      const bold = palette(this.io.colorOut).bold;
      out += this.line(
        this.layout.shown.map((i) => [cols[i]!.header]),
        (text) => (text ? bold(text) : text),
      );
    }
    const { shown, widths } = this.layout;
    rows.forEach((r, ri) => {
      const cells = shown.map((i, k) => {
        const text = texts[ri]![i]!;
        const c = cols[i]!;
        const lines =
          c.fit === 'truncate' ? [truncateText(text, widths[k]!)] : this.whole[k] ? [text] : wrapText(text, widths[k]!);
        return c.style && this.io.colorOut ? lines.map((l) => ({ l, styled: c.style!(l, r) })) : lines;
      });
      out += this.line(cells);
    });
    return out;
  }

  /**
   * One table row of possibly several lines; cells are padded by their display width.
   * A cell wider than its column (a later page's longer 'keep' cell) pushes the rest of
   * its line to the right.
   */
  private line(cells: (string | { l: string; styled: string })[][], style?: (t: string) => string): string {
    const { widths } = this.layout!;
    const height = Math.max(...cells.map((c) => c.length));
    let out = '';
    for (let y = 0; y < height; y++) {
      let text = '';
      let at = 0; // screen columns written on this line
      let start = 0; // where column k starts
      cells.forEach((c, k) => {
        if (k > 0) start += widths[k - 1]! + GAP;
        const cell = c[y];
        if (cell === undefined || (typeof cell === 'string' && cell === '')) return;
        const plain = typeof cell === 'string' ? cell : cell.l;
        const shown = typeof cell === 'string' ? (style ? style(cell) : cell) : cell.styled;
        const spaces = k === 0 ? 0 : Math.max(start - at, GAP);
        text += ' '.repeat(spaces) + shown;
        at += spaces + displayWidth(plain);
      });
      out += text + '\n';
    }
    return out;
  }
}

/**
 * Rows for people or for pipes (see TableWriter), all at once: the layout is fitted
 * to every row.
 */
export async function printTable<T>(io: IOStreams, rows: readonly T[], columns: Column<T>[]): Promise<void> {
  const t = new TableWriter(io, columns, true);
  await t.write(rows);
  await t.end();
}

/** Key-value lines ("Name   Ann Smith") for a single record; values whole, escaped. */
export function printFields(io: IOStreams, fields: [string, string | number | null | undefined][]): void {
  const w = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) io.out.write(`${k.padEnd(w)}  ${escaped(v)}\n`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A stored ISO time as a terminal shows it: local time, to the minute
 * ("2026-12-01 14:21"); piped and JSON output keep the ISO text.
 */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
