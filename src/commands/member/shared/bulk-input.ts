import { createReadStream, fstatSync, openSync } from 'node:fs';
import { Readable } from 'node:stream';
import { wholeNumberEnv } from '../../../env-number.js';
import type { IOStreams } from '../../../io/streams.js';
import type { BulkTuning } from '../../../domain/bulk/job.js';
import { PlatformError } from '../../../errors.js';
import { printable } from '../../../text.js';

/** The input of `member import` / `member sync`: a file, or standard input for "-". */
export interface BulkInput {
  stream: Readable;
  size: number | undefined;
  bytesRead: () => number;
}

/** Opens FILE or "-" (standard input, which must not be a terminal). */
export function openBulkInput(io: IOStreams, file: string, command: string): BulkInput {
  if (file === '-') {
    if (io.isStdinTTY)
      throw new PlatformError(
        'USAGE',
        `member ${command} - reads the rows from standard input, which is a terminal: pipe a file into it, or name the file.`,
      );
    const stdin = io.stdin;
    let n = 0;
    const stream = stdin instanceof Readable ? stdin : Readable.from(stdin);
    stream.on('data', (c: Buffer | string) => (n += c.length));
    return { stream, size: undefined, bytesRead: () => n };
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new PlatformError(
      'INVALID_INPUT',
      `Cannot read ${printable(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
    );
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory()) throw new PlatformError('INVALID_INPUT', `${printable(file)} is a directory, not a file.`);
  const stream = createReadStream('', { fd, highWaterMark: 256 * 1024 });
  return { stream, size: stat.isFile() ? stat.size : undefined, bytesRead: () => stream.bytesRead };
}

/** Inputs at least this large get a progress bar while they are read (on a terminal). */
const PROGRESS_MIN_BYTES = 1 << 20;

/** A progress bar on stderr while the input is read, for large files on a terminal. */
export async function readingBar(io: IOStreams, input: BulkInput) {
  if (!io.isStderrTTY || input.size === undefined || input.size < PROGRESS_MIN_BYTES) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    {
      stream: io.errStream,
      format: 'Reading [{bar}] {percentage}% | {rows} rows',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(input.size, 0, { rows: 0 });
  let stopped = false;
  return {
    update: (rows: number) => {
      if (!stopped) bar.update(input.bytesRead(), { rows });
    },
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/**
 * Overrides of the bulk engine's limits from the environment, for tests and tuning
 * (docs/bulk.md): PLATFORMCTL_BULK_TX_CHANGES (most changes applied in one transaction),
 * PLATFORMCTL_BULK_CHUNK_ROWS (a fixed chunk size), PLATFORMCTL_BULK_PAUSE_MS and
 * PLATFORMCTL_BULK_MEMORY_MB (input rows kept in memory before they move to a work file).
 */
export function bulkTuning(env: NodeJS.ProcessEnv): BulkTuning {
  return {
    oneTransaction: wholeNumberEnv(env, 'PLATFORMCTL_BULK_TX_CHANGES', 0),
    chunkRows: wholeNumberEnv(env, 'PLATFORMCTL_BULK_CHUNK_ROWS', 1),
    // At most 2 s: a run marked running whose record has not moved for 5 s may be taken
    // over by a re-run of the same input (docs/bulk.md), so its pauses stay well under that.
    pauseMs: wholeNumberEnv(env, 'PLATFORMCTL_BULK_PAUSE_MS', 0, 2000),
    // At most 4 GiB: the budget is counted in bytes.
    memoryMb: wholeNumberEnv(env, 'PLATFORMCTL_BULK_MEMORY_MB', 0, 4096),
  };
}
