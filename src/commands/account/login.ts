import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Prompter } from '../../io/prompter.js';
import type { Services } from '../../domain/services.js';
import type { Config } from '../../config.js';
import { login } from '../../domain/accounts.js';
import { askUntilAccepted, nothingToAsk } from '../../io/ask.js';
import { checkPasswordStdin, passwordLines, promptPasswords } from '../../io/password-input.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';
import { stillSignedIn } from './shared/signed-in.js';
import { email as normalizeEmail } from '../../domain/validation.js';
import { deviceId } from '../../device-id.js';

export interface LoginOptions {
  io: IOStreams;
  prompter: Prompter;
  services: () => Promise<Services>;
  config: () => Config;
  storeKey: () => string;
  /** This config directory's sign-in source id (src/device-id.ts), for the throttle. */
  source: () => string;
  json: boolean;
  /** Left out: asked on a terminal, a usage error without one. */
  email?: string | undefined;
  passwordStdin: boolean;
}

/** The e-mail: the flag's, checked, or asked on a terminal until it is one. */
async function accountEmail(o: LoginOptions): Promise<string> {
  if (o.email !== undefined) return normalizeEmail(o.email);
  return askUntilAccepted(o.io, (check) => o.prompter.input('EMAIL', check), normalizeEmail);
}

export async function run(o: LoginOptions): Promise<void> {
  checkPasswordStdin(o.io, o.passwordStdin);
  // Without a terminal nothing can be asked: say everything that is missing at once.
  if (!o.io.canPrompt() && (o.email === undefined || !o.passwordStdin))
    throw nothingToAsk(o.io, o.email === undefined ? ['--email <email>'] : [], !o.passwordStdin);
  const email = await accountEmail(o);
  const [password] = o.passwordStdin
    ? await passwordLines(o.io, 1)
    : await promptPasswords(o.io, o.prompter, ['PASSWORD']);
  const result = await login(await o.services(), email, password!, o.source());
  // Added to the accounts signed in on this store, and made the active one.
  const saved = await o.config().saveSession(o.storeKey(), { token: result.token, email: result.user.email });
  const previous = saved?.previous ?? null;
  if (o.json) return printJson(o.io, { user: result.user, signedIn: true, switchedFrom: previous });
  success(o.io, `Signed in as ${result.user.email}.${stillSignedIn(previous)}`);
}

export function newCmdLogin(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'login',
    'Sign in and remember the session for this store; other signed-in accounts stay (see account switch)',
    [
      'platformctl account login --email ann@example.com',
      'platformctl account login --email ci@example.com --password-stdin < password.txt',
      'platformctl account login --email bob@example.com   # Ann stays signed in: account switch ann@example.com',
    ],
  )
    .option('--email <email>', 'e-mail address of the account (required; asked on a terminal)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (opts: { email?: string; passwordStdin?: boolean }, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({
        io: ctx.io,
        prompter: ctx.prompter,
        services: ctx.services,
        config: ctx.config,
        storeKey: () => ctx.location().key,
        source: () => deviceId(ctx.config().dir),
        json: ctx.json,
        email: opts.email,
        passwordStdin: Boolean(opts.passwordStdin),
      });
    });
}
