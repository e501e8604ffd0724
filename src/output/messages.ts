import type { IOStreams } from '../io/streams.js';
import { printable } from '../text.js';
import { palette } from './color.js';

// Messages quote paths, names and e-mails that came from argv or the store: every one
// goes through printable(), the one escaping for text bound for a terminal, so an ESC,
// OSC or U+202E in a --store path or a company name is shown as an escape, never acted on.
const safe = (text: string) => printable(text, Number.MAX_SAFE_INTEGER);

/** A "✓ done" line on stderr, so stdout stays clean data. */
export function success(io: IOStreams, text: string): void {
  const c = palette(io.colorErr);
  io.err.write(`${c.green('✓')} ${safe(text)}\n`);
}

/** A "! careful" line on stderr. */
export function warn(io: IOStreams, text: string): void {
  const c = palette(io.colorErr);
  io.err.write(`${c.yellow('!')} ${safe(text)}\n`);
}

/** A plain line of information on stderr (such as how to see the rest of a long list). */
export function note(io: IOStreams, text: string): void {
  io.err.write(`${safe(text)}\n`);
}
