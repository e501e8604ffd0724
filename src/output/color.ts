import type { ChalkInstance } from 'chalk';
import type * as ChalkModule from 'chalk';

/**
 * chalk costs ~8 ms to import, a fifth of the start-up budget, and most runs (pipes,
 * CI, --json) print no colour at all: so it is imported only when some stream will be
 * coloured, by loadColor() in main before the command runs.
 */
let chalk: typeof ChalkModule | undefined;

/** Loads chalk; main calls it once when stdout or stderr will be coloured. */
export async function loadColor(): Promise<void> {
  chalk ??= await import('chalk');
}

/** A palette that leaves text as it is, however it is chained (c.bold.green(t) === t). */
const plain: ChalkInstance = new Proxy(((...args: unknown[]) => args.join(' ')) as unknown as ChalkInstance, {
  get: (_target, prop) => (prop === 'level' ? 0 : plain),
});

/** A chalk whose level follows the stream's colour decision (made once in IOStreams). */
export function palette(enabled: boolean): ChalkInstance {
  if (!enabled) return plain;
  if (!chalk) throw new Error('palette(true) before loadColor(): await loadColor() once colour is known to be on');
  return new chalk.Chalk({ level: 1 });
}
