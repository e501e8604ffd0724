import { PlatformError, cancelled } from '../errors.js';
import { warn } from '../output/messages.js';
import { noTerminal, type IOStreams } from './streams.js';
import type { Prompter } from './prompter.js';

/** The two answers of each destructive command (docs/prompts.md). */
export const CONFIRMATIONS = {
  deleteAccount: { yes: 'YES, DELETE IT', no: "NO, IT'S MISTAKE" },
  leaveCompany: { yes: 'YES, LEAVE IT', no: "NO, IT'S MISTAKE" },
  removeMember: { yes: 'YES, REMOVE', no: "NO, IT'S MISTAKE" },
  /** member set-role: an ADMINISTRATOR demoting themselves, which they cannot undo. */
  demoteSelf: { yes: 'YES, CHANGE MY ROLE', no: "NO, IT'S MISTAKE" },
} as const;

export interface ConfirmDetails {
  /** Said (calmly, exit 8) when the answer is no: what stays as it was. */
  kept?: string;
  /**
   * For what cannot be undone: after the yes, the person types this (as `gh repo
   * delete` asks for the repository's name) to prove they mean it. An empty line keeps
   * everything; anything else that differs asks again.
   */
  proof?: { label: string; expected: string };
}

export type Confirm = (
  question: string,
  answers: { yes: string; no: string },
  details?: ConfirmDetails,
) => Promise<void>;

const same = (typed: string, expected: string) =>
  typed.normalize('NFC').trim().toLowerCase() === expected.normalize('NFC').toLowerCase();

/**
 * Builds the confirm step of destructive commands: --yes answers yes; without a
 * terminal the command stops at once (exit 2); "no", Ctrl-C or an empty proof cancels
 * (exit 8) and says nothing changed.
 */
export function confirmer(io: IOStreams, prompter: Prompter, yes: boolean): Confirm {
  return async (question, answers, details = {}) => {
    if (yes) return;
    if (!io.canPrompt()) {
      throw new PlatformError(
        'CONFIRMATION_REQUIRED',
        `${question} Confirmation needs a terminal (${noTerminal(io)}); pass --yes to confirm from a script.`,
      );
    }
    const kept = details.kept ?? 'Nothing was changed.';
    if (!(await prompter.choose(question, answers.yes, answers.no))) throw cancelled(kept);
    const proof = details.proof;
    if (!proof) return;
    for (;;) {
      const wrong = `That is not ${proof.expected}. Type it as shown, or press Enter on an empty line to stop here.`;
      // Checked on the open prompt, so a wrong text is never shown as taken.
      const typed = await prompter.input(`To confirm, type ${proof.label} (${proof.expected}):`, async (t) =>
        t.trim() === '' || same(t, proof.expected) ? true : wrong,
      );
      if (typed.trim() === '') throw cancelled(kept);
      if (same(typed, proof.expected)) return;
      warn(io, wrong);
    }
  };
}
