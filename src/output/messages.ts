import type { IOStreams } from '../io/streams.js';
import { palette } from './color.js';

/** A "✓ done" line on stderr, so stdout stays clean data. */
export function success(io: IOStreams, text: string): void {
  const c = palette(io.colorErr);
  io.err.write(`${c.green('✓')} ${text}\n`);
}

export function warn(io: IOStreams, text: string): void {
  const c = palette(io.colorErr);
  io.err.write(`${c.yellow('!')} ${text}\n`);
}
