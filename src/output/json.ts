import type { IOStreams } from '../io/streams.js';

// JSON.stringify escapes C0 controls but leaves C1 controls (U+009B is an 8-bit CSI),
// bidi overrides, zero-width marks and BOMs raw, and those can disguise or drive a
// terminal. Outside strings they cannot occur, so escaping them keeps the same JSON.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** JSON text with every character that could act on a terminal written as a \u escape. */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    UNSAFE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Prints exactly one JSON document on stdout. */
export function printJson(io: IOStreams, value: unknown): void {
  io.out.write(safeJson(value, 2) + '\n');
}

/**
 * One JSON array written as its elements arrive, a page at a time, so a list of any
 * length is still exactly one JSON document on stdout without being held in memory.
 * On a terminal each element is indented as printJson would; piped, each element is
 * one line (jq reads both). Nothing is written before the first page or end(), so a
 * command refused before its first row prints nothing on stdout.
 */
export class JsonArrayWriter<T> {
  private started = false;
  constructor(
    private readonly io: IOStreams,
    private readonly toJson: (row: T) => unknown = (r) => r,
  ) {}

  async write(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    const pretty = this.io.isStdoutTTY;
    let text = '';
    for (const r of rows) {
      text += this.started ? ',\n' : '[\n';
      this.started = true;
      text += pretty ? safeJson(this.toJson(r), 2).replace(/^/gm, '  ') : safeJson(this.toJson(r));
    }
    this.io.out.write(text);
    await this.io.out.drain?.();
  }

  async end(): Promise<void> {
    this.io.out.write(this.started ? '\n]\n' : '[]\n');
    await this.io.out.drain?.();
  }
}

/** JSON Lines (one object per line), written a page at a time. */
export class JsonLinesWriter<T> {
  constructor(
    private readonly io: IOStreams,
    private readonly toJson: (row: T) => unknown = (r) => r,
  ) {}

  async write(rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const r of rows) text += safeJson(this.toJson(r)) + '\n';
    this.io.out.write(text);
    await this.io.out.drain?.();
  }

  async end(): Promise<void> {}
}
