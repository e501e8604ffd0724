import type { PassThrough } from 'node:stream';

/** A pipe holds 64 KiB; more than this must be written to see a child reading its input. */
const PIPE_BYTES = 64 * 1024;

/**
 * Writes `text` (more than a pipe holds) to a child's standard input and waits until the
 * child has taken all of it, which proves the child is reading; a fixed sleep does not: on
 * a loaded machine the child may still be starting up.
 */
export async function writeUntilRead(
  input: PassThrough,
  child: { stdin: { writableLength: number } | null },
  text: string,
  timeoutMs = 60_000,
): Promise<void> {
  if (Buffer.byteLength(text) < PIPE_BYTES + 16 * 1024) {
    throw new Error('write more than a pipe holds to see the child reading it');
  }
  input.write(text);
  // What is still on its way: in the PassThrough, or in the buffer of the child's stdin stream.
  const pending = () => input.readableLength + (child.stdin?.writableLength ?? 0);
  const deadline = Date.now() + timeoutMs;
  while (pending() > 0) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the child to read its input');
    await new Promise((r) => setTimeout(r, 10));
  }
}
