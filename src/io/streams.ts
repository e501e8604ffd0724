import { isatty } from 'node:tty';

/** A place text goes: stdout or stderr (a buffer in tests). */
export interface Sink {
  write(text: string): void;
  /**
   * Resolves once the reader has taken what was written (at once for a buffer).
   * Commands that stream await it between pages, so a slow reader (a pager, `| gzip`)
   * holds the reading back instead of the output piling up in memory, and a closed
   * pipe is noticed before the next page is read (see exitQuietlyWhenOutputCloses).
   */
  drain?(): Promise<void>;
}

/** The status of a program whose output was closed early (`… | head`): 128 + SIGPIPE, as the shell shows it. */
const EXIT_OUTPUT_CLOSED = 141;

const CLOSED_PIPE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);
let watching = false;

/**
 * A write into a closed pipe (`platformctl member export | head -1`) ends the program at
 * once and quietly with status 141, as gh and the GNU tools end (they are killed by
 * SIGPIPE, which Node ignores): no 'error' event left unhandled, no stack trace, no
 * message, whichever command was running and whether stdout or stderr was closed.
 * Leaving mid-command is safe: every command is one transaction, and a transaction that
 * was not committed is rolled back by SQLite or dropped by the server. Any other failure
 * to write (a full disk) ends with one line on stderr and status 1.
 */
export function exitQuietlyWhenOutputCloses(proc: NodeJS.Process = process): void {
  if (watching) return;
  watching = true;
  const onError = (stream: 'standard output' | 'standard error') => (e: NodeJS.ErrnoException) => {
    if (CLOSED_PIPE.has(String(e.code))) proc.exit(EXIT_OUTPUT_CLOSED);
    if (stream === 'standard output') {
      try {
        proc.stderr.write(`error: cannot write to ${stream} (${String(e.code ?? e.message)})\n`);
      } catch {
        /* stderr is gone too */
      }
    }
    proc.exit(1);
  };
  proc.stdout.on('error', onError('standard output'));
  proc.stderr.on('error', onError('standard error'));
}

/**
 * Waits until a stream has passed on what it buffered. When nothing is buffered it
 * still yields to the event loop once, so that the error of a write into a closed pipe
 * (reported on a later tick) ends the program before another page is read.
 */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableNeedDrain) return new Promise((resolve) => stream.once('drain', () => resolve()));
  return new Promise((resolve) => setImmediate(resolve));
}

/** The process streams and what is known about them, handed to every command. */
export interface IOStreams {
  out: Sink;
  err: Sink;
  /** stderr as a stream, for prompts and progress bars that draw on it. */
  errStream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
  isStdinTTY: boolean;
  isStdoutTTY: boolean;
  isStderrTTY: boolean;
  /** Width of the terminal, when stdout is one. */
  columns: number | undefined;
  /** Colour on stdout (TTY, not NO_COLOR / --no-color, or FORCE_COLOR). */
  colorOut: boolean;
  /** Colour on stderr. */
  colorErr: boolean;
  /**
   * True when a human can answer prompts: stdin (where the answer comes from) and stderr
   * (where prompts are drawn) are both terminals, as gh and inquirer decide. stdout does
   * not matter: `platformctl account login | cat` still asks.
   */
  canPrompt(): boolean;
}

/**
 * Why nothing can be asked, naming the stream that is not a terminal (for messages:
 * "…; standard input is not a terminal"), or undefined when prompts can be shown.
 */
export function noTerminal(io: Pick<IOStreams, 'isStdinTTY' | 'isStderrTTY'>): string | undefined {
  if (!io.isStdinTTY) return 'standard input is not a terminal';
  if (!io.isStderrTTY) return 'standard error, where prompts are drawn, is not a terminal';
  return undefined;
}

/** Decides colour once from the flags and environment, as NO_COLOR and FORCE_COLOR specify. */
export function colorFor(isTTY: boolean, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/** The real process streams. */
export function systemIO(opts: { noColor: boolean; env: NodeJS.ProcessEnv }): IOStreams {
  // Asked of the descriptor, not of process.stdin: making that stream (a socket or a file
  // stream for a pipe) costs ~3 ms, and most commands never read their input.
  const isStdinTTY = isatty(0);
  const isStdoutTTY = Boolean(process.stdout.isTTY);
  const isStderrTTY = Boolean(process.stderr.isTTY);
  return {
    out: { write: (t) => void process.stdout.write(t), drain: () => drained(process.stdout) },
    err: { write: (t) => void process.stderr.write(t) },
    errStream: process.stderr,
    get stdin() {
      return process.stdin;
    },
    isStdinTTY,
    isStdoutTTY,
    isStderrTTY,
    // A terminal that reports no size (0, e.g. a pty nobody sized) falls back to COLUMNS, then 80.
    columns: isStdoutTTY ? process.stdout.columns || Number(opts.env.COLUMNS) || 80 : undefined,
    colorOut: colorFor(isStdoutTTY, opts.env, opts.noColor),
    colorErr: colorFor(isStderrTTY, opts.env, opts.noColor),
    canPrompt: () => isStdinTTY && isStderrTTY,
  };
}
