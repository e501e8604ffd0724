import { PlatformError } from '../errors.js';
import type { IOStreams } from './streams.js';
import { noPasswordPrompt } from './ask.js';
import type { Prompter } from './prompter.js';

/** Reads stdin to the end, at most `limit` bytes. */
async function readAll(stdin: NodeJS.ReadableStream, limit = 1 << 20): Promise<string> {
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

/**
 * The usage error for --password-stdin when standard input is a terminal: the password
 * would be echoed as typed, and nothing would happen after Enter until Ctrl-D. Refused
 * before anything is read, as `member import -` refuses a terminal.
 */
function passwordStdinIsTerminal(): PlatformError {
  return new PlatformError(
    'USAGE',
    '--password-stdin reads the password from standard input, which is a terminal: ' +
      'leave out --password-stdin to be asked with hidden input, or pipe the password in.',
  );
}

/** Refuses --password-stdin on a terminal (see passwordStdinIsTerminal); call it before any other check. */
export function checkPasswordStdin(io: IOStreams, passwordStdin: boolean): void {
  if (passwordStdin && io.isStdinTTY) throw passwordStdinIsTerminal();
}

/** The first `count` lines of stdin (CR LF or LF), for --password-stdin. */
export async function passwordLines(io: IOStreams, count: number): Promise<string[]> {
  checkPasswordStdin(io, true);
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
    throw new PlatformError('USAGE', noPasswordPrompt(io));
  }
  const out: string[] = [];
  for (const m of messages) out.push(await prompter.password(m));
  return out;
}
