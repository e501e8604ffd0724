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
