import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Prompter } from '../../io/prompter.js';
import type { Services } from '../../domain/services.js';
import type { Config } from '../../config.js';
import { register, validateRegistration } from '../../domain/accounts.js';
import { checkNewPassword } from '../../domain/password.js';
import { PlatformError } from '../../errors.js';
import { passwordLines, promptPasswords } from '../../io/password-input.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface RegisterOptions {
  io: IOStreams;
  prompter: Prompter;
  services: () => Promise<Services>;
  config: () => Config;
  storeKey: () => string;
  json: boolean;
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | undefined;
  passwordStdin: boolean;
}

/** Reads the new password: one stdin line, or hidden prompt + confirmation. */
async function newPassword(o: RegisterOptions): Promise<string> {
  if (o.passwordStdin) return (await passwordLines(o.io, 1))[0]!;
  const [pw, again] = await promptPasswords(o.io, o.prompter, ['PASSWORD', 'CONFIRM PASSWORD']);
  checkNewPassword(pw!);
  if (pw !== again) throw new PlatformError('INVALID_INPUT', 'Password and confirmation do not match.');
  return pw!;
}

export async function run(o: RegisterOptions): Promise<void> {
  // Check the fields before asking for a password, so nobody types one for nothing.
  validateRegistration(o);
  const password = await newPassword(o);
  const svc = await o.services();
  const result = await register(svc, {
    email: o.email,
    firstName: o.firstName,
    lastName: o.lastName,
    phone: o.phone,
    password,
  });
  await o.config().saveSession(o.storeKey(), { token: result.token, email: result.user.email });
  const out = { user: result.user, company: result.company, invitations: result.invitations, signedIn: true };
  if (o.json) return printJson(o.io, out);
  success(
    o.io,
    `Registered ${result.user.email}; your company "${result.company.name}" was created and you are signed in.`,
  );
  if (result.invitations)
    success(o.io, `You have ${result.invitations} invitation(s); see \`platformctl company list\`.`);
}

export function newCmdRegister(f: ContextFactory, runF = run): Command {
  return defineCommand('register', 'Create an account and its main company, and sign in', [
    'platformctl account register --email ann@example.com --first-name Ann --last-name Smith',
    'printf \'%s\\n\' "$PASSWORD" | platformctl account register --email ci@example.com --first-name CI --last-name Bot --password-stdin',
  ])
    .requiredOption('--email <email>', 'e-mail address of the new account')
    .requiredOption('--first-name <name>', 'first name')
    .requiredOption('--last-name <name>', 'last name; the main company is named "<last name> Company"')
    .option('--phone <phone>', 'phone number')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      async (
        opts: { email: string; firstName: string; lastName: string; phone?: string; passwordStdin?: boolean },
        cmd: Command,
      ) => {
        const ctx = f(cmd.optsWithGlobals());
        await runF({
          io: ctx.io,
          prompter: ctx.prompter,
          // Registering is one of the two commands that may create the store.
          services: () => ctx.services('create'),
          config: ctx.config,
          storeKey: () => ctx.location().key,
          json: ctx.json,
          email: opts.email,
          firstName: opts.firstName,
          lastName: opts.lastName,
          phone: opts.phone,
          passwordStdin: Boolean(opts.passwordStdin),
        });
      },
    );
}
