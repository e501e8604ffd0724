import type { Theme, createPrompt } from '@inquirer/core';

export interface ChoiceConfig {
  message: string;
  /** The safe answer: listed first, where the cursor starts. */
  no: string;
  /** The answer that changes something: one arrow key away, never a letter away. */
  yes: string;
  theme?: Partial<Theme>;
}

/**
 * A two-answer list for confirmations. Unlike @inquirer/select it reads no letters or
 * digits (select jumps to the first answer starting with a typed letter, so `y` + Enter
 * picked "YES, DELETE IT"): only ↑/↓ move the cursor and Enter answers, so typing
 * `y`, `yes` or `1` and Enter answers what the cursor is on, which starts on `no`.
 */
export async function loadChoice(): Promise<ReturnType<typeof createPrompt<boolean, ChoiceConfig>>> {
  // Imported here, not at the top: the bundle keeps npm packages external and would
  // otherwise load them on every run, prompt or not.
  const core = await import('@inquirer/core');
  const { createPrompt, isDownKey, isEnterKey, isUpKey, makeTheme, useKeypress, usePrefix, useState } = core;
  const { useSuspend } = await import('./line-prompt.js');
  return createPrompt<boolean, ChoiceConfig>((config, done) => {
    const theme = makeTheme(config.theme);
    const [status, setStatus] = useState<'idle' | 'done'>('idle');
    const [onYes, setOnYes] = useState(false);
    const prefix = usePrefix({ status, theme });
    useSuspend(core, false);

    useKeypress((key, rl) => {
      if (status === 'done') return;
      if (isEnterKey(key)) {
        setStatus('done');
        done(onYes);
        return;
      }
      if (isUpKey(key)) setOnYes(false);
      else if (isDownKey(key)) setOnYes(true);
      // Whatever else was typed is dropped, so it never lingers in the line.
      rl.clearLine(0);
    });

    const message = theme.style.message(config.message, status);
    if (status === 'done') return `${prefix} ${message} ${theme.style.answer(onYes ? config.yes : config.no)}`;
    const line = (text: string, active: boolean) => (active ? theme.style.highlight(`❯ ${text}`) : `  ${text}`);
    return [
      `${prefix} ${message}`,
      line(config.no, !onYes),
      line(config.yes, onYes),
      theme.style.help('↑↓ move • ⏎ answer • Ctrl-C cancel'),
    ].join('\n');
  });
}
