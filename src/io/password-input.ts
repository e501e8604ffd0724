import { PlatformError } from '../errors.js';
import type { IOStreams } from './streams.js';
import type { Prompter } from './prompter.js';

/** Reads stdin to the end, at most `limit` bytes. */
export async function readAll(stdin: NodeJS.ReadableStream, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    size += b.length;
    if (size > limit) throw new PlatformError('INVALID_INPUT', 'Standard input is too large for passwords.');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first `count` lines of stdin (CR LF or LF), for --password-stdin. */
export async function passwordLines(io: IOStreams, count: number): Promise<string[]> {
  const text = await readAll(io.stdin);
  const lines = text.split(/\r?\n/);
  if (lines.length - (text.endsWith('\n') ? 1 : 0) < count || lines.slice(0, count).some((l) => l === '')) {
    throw new PlatformError(
      'USAGE',
      count === 1
        ? '--password-stdin expects the password on the first line of standard input.'
        : `--password-stdin expects ${count} non-empty lines on standard input.`,
    );
  }
  return lines.slice(0, count);
}

/** Asks for passwords on a terminal, or says which flag a script must use. */
export async function promptPasswords(io: IOStreams, prompter: Prompter, messages: string[]): Promise<string[]> {
  if (!io.canPrompt()) {
    throw new PlatformError(
      'USAGE',
      'No terminal to ask for the password; pass --password-stdin and write it to standard input.',
    );
  }
  const out: string[] = [];
  for (const m of messages) out.push(await prompter.password(m));
  return out;
}
