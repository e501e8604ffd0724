import { PlatformError } from '../errors.js';
import type { IOStreams } from './streams.js';

/** The questions a command may ask a person at a terminal. */
export interface Prompter {
  /** Hidden input. */
  password(message: string): Promise<string>;
  /** A choice between exactly two answers; true for the first. */
  choose(message: string, yes: string, no: string): Promise<boolean>;
}

const cancelled = () => new PlatformError('CANCELLED', 'Cancelled; nothing was changed.');

function isExit(e: unknown): boolean {
  const name = (e as Error)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError';
}

/** Prompts on the IO's stderr with @inquirer/prompts, loaded only when a prompt is shown. */
export function inquirerPrompter(io: IOStreams): Prompter {
  const context = { input: io.stdin, output: io.errStream };
  const guard = async <T>(f: () => Promise<T>) => {
    try {
      return await f();
    } catch (e) {
      if (isExit(e)) throw cancelled();
      throw e;
    }
  };
  return {
    password: (message) =>
      guard(async () => {
        const { password } = await import('@inquirer/prompts');
        return password({ message, mask: false }, context);
      }),
    choose: (message, yes, no) =>
      guard(async () => {
        const { select } = await import('@inquirer/prompts');
        // The safe answer is the default, so a stray Enter changes nothing.
        return select(
          {
            message,
            choices: [
              { name: no, value: false },
              { name: yes, value: true },
            ],
            default: false,
          },
          context,
        );
      }),
  };
}
