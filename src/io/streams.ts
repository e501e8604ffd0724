import { Readable } from 'node:stream';

/** A place text goes: stdout or stderr (a buffer in tests). */
export interface Sink {
  write(text: string): void;
}

/** The process streams and what is known about them, handed to every command. */
export interface IOStreams {
  out: Sink;
  err: Sink;
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
    stdin: process.stdin,
    isStdinTTY,
    isStdoutTTY,
    isStderrTTY,
    // A pseudo-terminal without a size reports 0 columns: treat it as unknown.
    columns: isStdoutTTY ? process.stdout.columns || undefined : undefined,
    colorOut: colorFor(isStdoutTTY, opts.env, opts.noColor),
    colorErr: colorFor(isStderrTTY, opts.env, opts.noColor),
    canPrompt: () => isStdinTTY && isStdoutTTY && opts.env.PLATFORMCTL_NO_PROMPT === undefined,
  };
}

/** Buffered streams for tests: what was written to out and err. */
export function bufferIO(opts: { tty?: boolean; stdin?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const tty = opts.tty ?? false;
  const io: IOStreams = {
    out: { write: (t) => void out.push(t) },
    err: { write: (t) => void err.push(t) },
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    isStdinTTY: tty,
    isStdoutTTY: tty,
    isStderrTTY: tty,
    columns: tty ? 100 : undefined,
    colorOut: false,
    colorErr: false,
    canPrompt: () => tty,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
