import type { IOStreams } from '../io/streams.js';
import { note } from './messages.js';

/**
 * Rows a list shows on a terminal unless told otherwise (--limit, --all). Piped output,
 * --json, --csv and --format always get every row: scripts get everything.
 */
export const TERMINAL_LIMIT = 50;

const SHELL_SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** Text as one shell word: as it is when that is safe, else quoted the simplest way that is. */
function shellWord(text: string): string {
  if (SHELL_SAFE.test(text)) return text;
  if (!text.includes("'")) return `'${text}'`;
  if (!/[$`"\\!]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The line a terminal gets for a list with no rows (on stderr: stdout stays empty, and
 * `[]` with --json), as gh says "no open issues match your search". Only when stdout is
 * a terminal: a script reading the pipe gets nothing.
 */
export function emptyNote(io: IOStreams, shown: number, text: string): void {
  if (shown === 0 && io.isStdoutTTY) note(io, text);
}

/** `--flag value` pairs of the filters given, for a message ("--role MANAGER --status INVITED"). */
export function flagsText(flags: [string, string | number | undefined][]): string {
  return flags
    .filter(([, v]) => v !== undefined)
    .map(([f, v]) => `${f} ${shellWord(String(v))}`)
    .join(' ');
}

/**
 * The "N more" line under a list a limit cut short (on stderr, so stdout stays the
 * rows): how many were left out and the flag that continues after the last row shown.
 */
export function moreNote(
  io: IOStreams,
  r: { shown: number; more: number; last: string | undefined },
  o: { noun: [one: string, many: string]; next: string },
): void {
  if (r.more <= 0 || r.last === undefined) return;
  const n = (x: number) => x.toLocaleString('en-US');
  note(
    io,
    `… and ${n(r.more)} more ${r.more === 1 ? o.noun[0] : o.noun[1]}: ` +
      `add ${o.next} ${shellWord(r.last)} for the next ${n(Math.min(r.shown, r.more))}, or --all for every one.`,
  );
}
