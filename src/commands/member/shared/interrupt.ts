import type { IOStreams } from '../../../io/streams.js';

/** Exit status of a second interruption: as if killed by the signal (128 + its number). */
const KILLED: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupts {
  /** Aborted at the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /**
   * For a command that went on to the end although interrupted (the signal came once its
   * last change was written, or when nothing was left to write): says so, since "stopping
   * at the next safe point" was printed and the exit status is 0.
   */
  noteIfLate(): void;
  /** Removes the handlers (the signals' default action comes back). */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM during `member import` / `member sync`: the first one aborts
 * `signal`, so the bulk job stops at its next safe point (between chunks; a single
 * transaction rolls back) and reports what it applied, exit 8 (docs/bulk.md); `onFirst`
 * also runs (it ends the input, which may be a standard input that never ends). A second
 * one ends the process at once, as a kill would: the store is consistent at any instant
 * (every transaction commits whole or not at all), only the message is lost.
 */
export function watchInterrupts(io: IOStreams, onFirst: () => void, proc: NodeJS.Process = process): Interrupts {
  const controller = new AbortController();
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (controller.signal.aborted) {
      proc.exit(KILLED[sig]);
      return;
    }
    io.err.write(
      sig === 'SIGINT'
        ? '\nCtrl-C: stopping at the next safe point (press Ctrl-C again to quit at once)…\n'
        : '\nSIGTERM: stopping at the next safe point (a second SIGTERM quits at once)…\n',
    );
    controller.abort(sig);
    onFirst();
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  proc.on('SIGINT', onInt);
  proc.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    noteIfLate() {
      if (controller.signal.aborted)
        io.err.write('The interruption came once the work was done: nothing was left to stop.\n');
    },
    dispose() {
      proc.off('SIGINT', onInt);
      proc.off('SIGTERM', onTerm);
    },
  };
}
