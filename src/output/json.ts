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
