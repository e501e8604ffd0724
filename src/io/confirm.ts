import { PlatformError } from '../errors.js';
import type { IOStreams } from './streams.js';
import type { Prompter } from './prompter.js';

/** The two answers of each destructive command, as fixed by the contract. */
export const CONFIRMATIONS = {
  deleteAccount: { yes: 'YES, DELETE IT', no: "NO, IT'S MISTAKE" },
  leaveCompany: { yes: 'YES, LEAVE IT', no: "NO, IT'S MISTAKE" },
  removeMember: { yes: 'YES, REMOVE', no: "NO, IT'S MISTAKE" },
} as const;

export type Confirm = (question: string, answers: { yes: string; no: string }) => Promise<void>;

/**
 * Builds the confirm step of destructive commands: --yes answers yes; without a
 * terminal the command stops at once (exit 2); "no" or Ctrl-C cancels (exit 8).
 */
export function confirmer(io: IOStreams, prompter: Prompter, yes: boolean): Confirm {
  return async (question, answers) => {
    if (yes) return;
    if (!io.canPrompt()) {
      throw new PlatformError(
        'CONFIRMATION_REQUIRED',
        `${question} Confirmation needs a terminal; pass --yes to confirm from a script.`,
      );
    }
    const ok = await prompter.choose(question, answers.yes, answers.no);
    if (!ok) throw new PlatformError('CANCELLED', 'Cancelled; nothing was changed.');
  };
}
