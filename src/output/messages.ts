import type { IOStreams } from '../io/streams.js';
import { printable } from '../text.js';
import { palette } from './color.js';
import { displayWidth } from './table.js';

// Messages quote paths, names and e-mails that came from argv or the store: every one
// goes through printable(), the one escaping for text bound for a terminal, so an ESC,
// OSC or U+202E in a --store path or a company name is shown as an escape, never acted on.
const safe = (text: string) => printable(text, Number.MAX_SAFE_INTEGER);

/**
 * Text for stderr on a terminal, wrapped to its width between words only (continuation
 * lines indented by `indent`, the width of what precedes the first line), so the terminal never breaks an e-mail, a flag or a path
 * inside it; a word longer than the line stays whole. Not a terminal: one line, as it is.
 */
function wrapWords(io: IOStreams, text: string, indent = 0): string {
  const width = io.isStderrTTY ? (io.columns ?? io.errStream.columns) : undefined;
  if (!width || indent + displayWidth(text) <= width) return text;
  return fillWords(text.split(' '), width - indent).join(`\n${' '.repeat(indent)}`);
}

/**
 * Words filled into lines, greedily, at most `width` columns each (`restWidth` for the
 * lines after the first); a word longer than its line stands alone on it.
 */
export function fillWords(words: string[], width: number, restWidth = width): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const room = lines.length ? restWidth : width;
    if (line && displayWidth(line) + 1 + displayWidth(word) > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

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

/**
 * A line of information on stderr (such as how to see the rest of a long list); on a
 * terminal wrapped between words, so an e-mail or a flag in it is never split.
 */
export function note(io: IOStreams, text: string): void {
  io.err.write(`${wrapWords(io, safe(text))}\n`);
}
