import { PlatformError } from '../errors.js';
import { warn } from '../output/messages.js';
import type { IOStreams } from './streams.js';

/** Refusals a person can fix by answering again: a malformed value, a name already taken. */
const FIXABLE = new Set(['INVALID_INPUT', 'ALREADY_EXISTS']);

/**
 * Asks until `accept` takes the answer, as a form would: a refusal is said on stderr and
 * the question asked again. Anything else (the store down, Ctrl-C) ends the command.
 * Only ever called on a terminal: without one there is nobody to ask again.
 */
export async function askUntilAccepted<T>(
  io: IOStreams,
  ask: () => Promise<string>,
  accept: (answer: string) => T | Promise<T>,
): Promise<T> {
  for (;;) {
    const answer = await ask();
    try {
      return await accept(answer);
    } catch (e) {
      if (!(e instanceof PlatformError) || !FIXABLE.has(e.code)) throw e;
      warn(io, e.message);
    }
  }
}

/**
 * The usage error for a command run without a terminal that lacks what it would have
 * asked for: every missing option at once, and --password-stdin when the password too
 * has no way in.
 */
export function nothingToAsk(missing: string[], password: boolean): PlatformError {
  const parts: string[] = [];
  if (missing.length === 1) parts.push(`Missing required option ${missing[0]}; there is no terminal to ask for it.`);
  else if (missing.length)
    parts.push(`Missing required options ${missing.join(', ')}; there is no terminal to ask for them.`);
  if (password)
    parts.push(
      missing.length
        ? 'Pass the password with --password-stdin.'
        : 'No terminal to ask for the password; pass --password-stdin and write it to standard input.',
    );
  return new PlatformError('USAGE', parts.join(' '));
}
