import { cancelled } from '../errors.js';
import { printable } from '../text.js';
import type { IOStreams } from './streams.js';

/**
 * The questions a command may ask a person at a terminal. Ctrl-C at any of them is
 * CANCELLED (exit 8). Checking an answer and asking again is the caller's (see ask.ts),
 * so every command forgives the same way and tests script it without a terminal.
 */
export interface Prompter {
  /** A line of visible text. */
  input(message: string): Promise<string>;
  /** Hidden input. */
  password(message: string): Promise<string>;
  /**
   * A choice between exactly two answers, starting on `no`; true for `yes`. Only the
   * arrow keys move between them: no letter or digit does.
   */
  choose(message: string, yes: string, no: string): Promise<boolean>;
}

function isExit(e: unknown): boolean {
  const name = (e as Error)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

/** Styles that add nothing: prompts follow --no-color / NO_COLOR like the rest of stderr. */
const PLAIN = {
  prefix: { idle: '?', done: '✔' },
  style: {
    answer: (t: string) => t,
    message: (t: string) => t,
    error: (t: string) => `> ${t}`,
    defaultAnswer: (t: string) => `(${t})`,
    help: (t: string) => t,
    highlight: (t: string) => t,
    key: (t: string) => `<${t}>`,
  },
};

/**
 * Prompts on the IO's stderr with @inquirer (loaded only when a prompt is shown).
 * Messages may quote stored text (company names): they go through the one escaping.
 */
export function inquirerPrompter(io: IOStreams): Prompter {
  const theme = io.colorErr ? undefined : PLAIN;
  const shown = (message: string) => printable(message, Number.MAX_SAFE_INTEGER);
  const guard = async <T>(f: (signal: AbortSignal) => Promise<T>) => {
    // Ctrl-D closes the prompt's readline, which pauses stdin, and @inquirer then leaves
    // the prompt pending for ever (the process only ended because nothing else kept it
    // alive): a pause while a prompt is open cancels it.
    const ac = new AbortController();
    const closed = () => ac.abort();
    io.stdin.once('pause', closed);
    try {
      return await f(ac.signal);
    } catch (e) {
      if (isExit(e)) throw cancelled();
      throw e;
    } finally {
      io.stdin.removeListener('pause', closed);
    }
  };
  return {
    input: (message) =>
      guard(async (signal) => {
        const { input } = await import('@inquirer/prompts');
        return input({ message: shown(message), theme }, { input: io.stdin, output: io.errStream, signal });
      }),
    password: (message) =>
      guard(async (signal) => {
        const { password } = await import('@inquirer/prompts');
        return password(
          { message: shown(message), mask: false, theme },
          { input: io.stdin, output: io.errStream, signal },
        );
      }),
    choose: (message, yes, no) =>
      guard(async (signal) => {
        const { loadChoice } = await import('./choice-prompt.js');
        const choice = await loadChoice();
        return choice({ message: shown(message), yes, no, theme }, { input: io.stdin, output: io.errStream, signal });
      }),
  };
}
