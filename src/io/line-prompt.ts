import type * as InquirerCore from '@inquirer/core';
import type { Theme, createPrompt } from '@inquirer/core';

/**
 * Checks an answer while the prompt is still open: true takes it, a string is the
 * reason it is refused (shown under the prompt, which stays open), a throw ends the
 * prompt with that error (the store down, say).
 */
export type Check = (answer: string) => Promise<true | string>;

export interface LineConfig {
  message: string;
  /** Nothing of the answer is shown, not even its length. */
  hidden: boolean;
  check?: Check | undefined;
  theme?: Partial<Theme>;
}

type Core = typeof InquirerCore;

const CURSOR_SHOW = '\u001b[?25h';
const CURSOR_HIDE = '\u001b[?25l';

/**
 * Ctrl-Z at a prompt suspends the program as in any shell tool, and `fg` brings the
 * prompt back. Left to itself, readline pauses its input when the program continues
 * and nothing resumes it (and our guard in prompter.ts took that pause for Ctrl-D, so
 * `fg` printed "Cancelled"). Here the prompt handles the suspension itself, as
 * readline-based tools do: the terminal is restored (cooked mode, cursor shown) before
 * stopping, and on SIGCONT raw mode comes back and the prompt is drawn again.
 */
export function useSuspend(core: Core, hidesCursor: boolean): void {
  const [, redraw] = core.useState(0);
  core.useEffect((rl) => {
    const input = rl.input as NodeJS.ReadableStream & { isRaw?: boolean; setRawMode?: (raw: boolean) => void };
    const output = rl.output as unknown as { mute(): void; unmute(): void; write(s: string): void };
    let continued = 0;
    const onStop = () => {
      if (process.platform === 'win32') return;
      const wasRaw = Boolean(input.isRaw);
      input.setRawMode?.(false);
      if (hidesCursor) {
        output.unmute();
        output.write(CURSOR_SHOW);
        output.mute();
      }
      process.once('SIGCONT', () => {
        input.setRawMode?.(wasRaw);
        if (hidesCursor) {
          output.unmute();
          output.write(CURSOR_HIDE);
          output.mute();
        }
        redraw(++continued);
      });
      // The whole process group, as the terminal's own Ctrl-Z does: run through `npx`, stopping
      // only this process left npm in the foreground and the shell without its prompt.
      process.kill(0, 'SIGTSTP');
    };
    // A listener for SIGTSTP makes readline hand Ctrl-Z over instead of handling it.
    rl.on('SIGTSTP', onStop);
    return () => void rl.removeListener('SIGTSTP', onStop);
  }, []);
}

/**
 * One line of text, visible or hidden, checked before it is taken: a refused answer
 * never shows the tick of an accepted one. It stays on the open prompt with the reason
 * under it (a visible answer is kept to be corrected, a hidden one is emptied, since
 * nobody can correct what they cannot see).
 */
export async function loadLine(): Promise<ReturnType<typeof createPrompt<string, LineConfig>>> {
  // Imported here, not at the top: the bundle keeps npm packages external and would
  // otherwise load them on every run, prompt or not.
  const core = await import('@inquirer/core');
  const { createPrompt, isEnterKey, makeTheme, useKeypress, usePrefix, useState } = core;
  return createPrompt<string, LineConfig>((config, done) => {
    const theme = makeTheme(config.theme);
    const [status, setStatus] = useState<'idle' | 'loading' | 'done'>('idle');
    const [value, setValue] = useState('');
    const [error, setError] = useState<string | undefined>(undefined);
    const [failure, setFailure] = useState<{ error: unknown } | undefined>(undefined);
    const prefix = usePrefix({ status, theme });
    useSuspend(core, config.hidden);

    useKeypress(async (key, rl) => {
      if (status !== 'idle') return;
      if (!isEnterKey(key)) {
        setValue(rl.line);
        setError(undefined);
        return;
      }
      const answer = value;
      setStatus('loading');
      let verdict: true | string;
      try {
        verdict = config.check ? await config.check(answer) : true;
      } catch (e) {
        setFailure({ error: e });
        return;
      }
      if (verdict === true) {
        setStatus('done');
        done(answer);
        return;
      }
      if (config.hidden) setValue('');
      // Enter emptied readline's line: a visible answer is put back to be corrected.
      else rl.write(answer);
      setError(verdict);
      setStatus('idle');
    });

    // Thrown from the view, the failure ends the prompt with it (createPrompt rejects).
    if (failure) throw failure.error;
    const message = theme.style.message(config.message, status);
    if (status === 'done')
      return config.hidden ? `${prefix} ${message}` : `${prefix} ${message} ${theme.style.answer(value)}`;
    const line = config.hidden
      ? `${prefix} ${message} ${theme.style.help('(input is hidden)')}${CURSOR_HIDE}`
      : `${prefix} ${message} ${value}`;
    return [line, error ? theme.style.error(error) : ''];
  });
}
