import { cancelled } from '../errors.js';
import { printable } from '../text.js';
import { palette } from '../output/color.js';
import type { IOStreams } from './streams.js';
import type { Check } from './line-prompt.js';

/**
 * The questions a command may ask a person at a terminal. Ctrl-C at any of them is
 * CANCELLED (exit 8). Checking an answer and asking again is the caller's (see ask.ts),
 * so every command forgives the same way and tests script it without a terminal.
 */
export interface Prompter {
  /**
   * A line of visible text. With `check`, a refused answer is said under the still-open
   * prompt and typed again there (askUntilAccepted passes it); a prompter that cannot
   * (a scripted one in tests) may ignore it: askUntilAccepted checks again.
   */
  input(message: string, check?: Check): Promise<string>;
  /** Hidden input; `check` as for input. */
  password(message: string, check?: Check): Promise<string>;
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

/**
 * The tick of an answer taken is the ✓ of every other message (src/output/messages.ts).
 * Styles that add nothing: prompts follow --no-color / NO_COLOR like the rest of stderr.
 */
const PLAIN = {
  prefix: { idle: '?', done: '✓' },
  style: {
    answer: (t: string) => t,
    message: (t: string) => t,
    // A refusal under the open prompt looks like every other warning (src/output/messages.ts).
    error: (t: string) => `! ${t}`,
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
  const c = palette(io.colorErr);
  const theme = io.colorErr
    ? {
        prefix: { idle: c.blue('?'), done: c.green('✓') },
        style: {
          ...PLAIN.style,
          answer: (t: string) => c.cyan(t),
          error: (t: string) => `${c.yellow('!')} ${t}`,
          help: (t: string) => c.dim(t),
          highlight: (t: string) => c.cyan(t),
          key: (t: string) => c.cyan.bold(`<${t}>`),
        },
      }
    : PLAIN;
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
    input: (message, check) =>
      guard(async (signal) => {
        const line = await (await import('./line-prompt.js')).loadLine();
        return line(
          { message: shown(message), hidden: false, check, theme },
          { input: io.stdin, output: io.errStream, signal },
        );
      }),
    password: (message, check) =>
      guard(async (signal) => {
        const line = await (await import('./line-prompt.js')).loadLine();
        return line(
          { message: shown(message), hidden: true, check, theme },
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
