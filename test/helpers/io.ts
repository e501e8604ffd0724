import { PassThrough, Readable } from 'node:stream';
import type { IOStreams } from '../../src/io/streams.js';

/** Buffered streams for tests: what was written to out and err. */
export function bufferIO(opts: { tty?: boolean; stdin?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const tty = opts.tty ?? false;
  const io: IOStreams = {
    out: { write: (t) => void out.push(t) },
    err: { write: (t) => void err.push(t) },
    errStream: new PassThrough(),
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
