import type { IOStreams } from '../io/streams.js';

/** Prints exactly one JSON document on stdout. */
export function printJson(io: IOStreams, value: unknown): void {
  io.out.write(JSON.stringify(value, null, 2) + '\n');
}
