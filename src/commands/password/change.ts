import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import type { Prompter } from '../../io/prompter.js';
import { changePassword } from '../../domain/password-change.js';
import { checkPasswordStdin, passwordLines, promptPasswords } from '../../io/password-input.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';
import { deviceId } from '../../device-id.js';

export interface ChangeOptions extends Deps {
  prompter: Prompter;
  passwordStdin: boolean;
  /** This config directory's sign-in source id (src/device-id.ts), for the throttle. */
  source: () => string;
}

export async function run(o: ChangeOptions): Promise<void> {
  checkPasswordStdin(o.io, o.passwordStdin);
  const [current, next, confirm] = o.passwordStdin
    ? await passwordLines(o.io, 3)
    : await promptPasswords(o.io, o.prompter, ['CURRENT PASSWORD', 'NEW PASSWORD', 'CONFIRM NEW PASSWORD']);
  const r = await changePassword(await o.services(), o.credential(), current!, next!, confirm!, o.source());
  if (o.json) return printJson(o.io, r);
  success(
    o.io,
    `Password changed; ${plural(r.revokedSessions, 'other session or token was', 'other sessions and tokens were')} revoked.`,
  );
}

export function newCmdChange(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'change',
    'Change your password; other sessions are signed out, and a wrong current password counts as a failed sign-in',
    [
      'platformctl password change',
      'printf \'%s\\n%s\\n%s\\n\' "$OLD" "$NEW" "$NEW" | platformctl password change --password-stdin',
    ],
  )
    .option('--password-stdin', 'read current, new and confirmation as three lines of standard input')
    .action(async (opts: { passwordStdin?: boolean }, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({
        ...depsOf(ctx),
        prompter: ctx.prompter,
        passwordStdin: Boolean(opts.passwordStdin),
        source: () => deviceId(ctx.config().dir),
      });
    });
}
