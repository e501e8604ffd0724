/** A place text goes: stdout or stderr (a buffer in tests). */
export interface Sink {
  write(text: string): void;
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
  /** True when a human can answer prompts: stdin and stdout are both terminals. */
  canPrompt(): boolean;
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
  const isStdinTTY = Boolean(process.stdin.isTTY);
  const isStdoutTTY = Boolean(process.stdout.isTTY);
  const isStderrTTY = Boolean(process.stderr.isTTY);
  return {
    out: { write: (t) => void process.stdout.write(t) },
    err: { write: (t) => void process.stderr.write(t) },
    errStream: process.stderr,
    stdin: process.stdin,
    isStdinTTY,
    isStdoutTTY,
    isStderrTTY,
    // A terminal that reports no size (0, e.g. a pty nobody sized) falls back to COLUMNS, then 80.
    columns: isStdoutTTY ? process.stdout.columns || Number(opts.env.COLUMNS) || 80 : undefined,
    colorOut: colorFor(isStdoutTTY, opts.env, opts.noColor),
    colorErr: colorFor(isStderrTTY, opts.env, opts.noColor),
    canPrompt: () => isStdinTTY && isStdoutTTY,
  };
}
