import { PlatformError } from '../errors.js';
import { warn } from '../output/messages.js';
import { noTerminal, type IOStreams } from './streams.js';
import type { Check } from './line-prompt.js';

/** Refusals a person can fix by answering again: a malformed value, a name already taken. */
const FIXABLE = new Set(['INVALID_INPUT', 'ALREADY_EXISTS']);

/**
 * Asks until `accept` takes the answer, as a form would: a refusal is said and the
 * question asked again. The prompt is handed the check, so on a terminal a refused
 * answer stays on the open prompt with the reason under it, never marked as taken; a
 * prompter that ignores it gets the refusal said on stderr and the question asked again.
 * Anything else (the store down, Ctrl-C) ends the command. Only ever called on a
 * terminal: without one there is nobody to ask again.
 */
export async function askUntilAccepted<T>(
  io: IOStreams,
  ask: (check: Check) => Promise<string>,
  accept: (answer: string) => T | Promise<T>,
): Promise<T> {
  for (;;) {
    let taken: { answer: string; value: T } | undefined;
    const check: Check = async (answer) => {
      try {
        taken = { answer, value: await accept(answer) };
        return true;
      } catch (e) {
        if (e instanceof PlatformError && FIXABLE.has(e.code)) return e.message;
        throw e;
      }
    };
    const answer = await ask(check);
    if (taken && taken.answer === answer) return taken.value;
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
 * has no way in. It names what is missing: standard input, or standard error (where
 * prompts are drawn) not being a terminal.
 */
export function nothingToAsk(io: IOStreams, missing: string[], password: boolean): PlatformError {
  const why = noTerminal(io) ?? 'there is no terminal';
  const parts: string[] = [];
  if (missing.length === 1) parts.push(`Missing required option ${missing[0]}; ${why}, so it cannot be asked.`);
  else if (missing.length)
    parts.push(`Missing required options ${missing.join(', ')}; ${why}, so they cannot be asked.`);
  if (password) parts.push(missing.length ? 'Pass the password with --password-stdin.' : noPasswordPrompt(io));
  return new PlatformError('USAGE', parts.join(' '));
}

/** What to do when the password cannot be asked (see nothingToAsk). */
export function noPasswordPrompt(io: Pick<IOStreams, 'isStdinTTY' | 'isStderrTTY'>): string {
  const why = noTerminal(io) ?? 'there is no terminal';
  return `The password cannot be asked: ${why}. Pass --password-stdin and write it to standard input.`;
}
