import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, type ContextFactory } from '../command.js';
import type { IOStreams } from '../../io/streams.js';
import type { Prompter } from '../../io/prompter.js';
import type { Services } from '../../domain/services.js';
import type { Config } from '../../config.js';
import { checkEmailAvailable, register } from '../../domain/accounts.js';
import { checkNewPassword, normalizePassword } from '../../domain/password.js';
import * as v from '../../domain/validation.js';
import { askUntilAccepted, nothingToAsk } from '../../io/ask.js';
import { checkPasswordStdin, passwordLines } from '../../io/password-input.js';
import { printJson } from '../../output/json.js';
import { success, warn } from '../../output/messages.js';
import { stillSignedIn } from './shared/signed-in.js';
import { deviceId } from '../../device-id.js';

export interface RegisterOptions {
  io: IOStreams;
  prompter: Prompter;
  services: () => Promise<Services>;
  config: () => Config;
  storeKey: () => string;
  /** This config directory's sign-in source id (src/device-id.ts): known to the new account. */
  source: () => string;
  json: boolean;
  /** Left out: asked on a terminal, a usage error without one. */
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  phone?: string | undefined;
  passwordStdin: boolean;
}

/** The options register cannot do without (a terminal asks for them, in this order). */
const REQUIRED = [
  { key: 'email', flag: '--email <email>' },
  { key: 'firstName', flag: '--first-name <name>' },
  { key: 'lastName', flag: '--last-name <name>' },
] as const;

/**
 * The account's fields, checked before any password is asked: what was passed is
 * validated first (a bad flag fails at once), then the e-mail is looked up (one already
 * registered is refused), then, on a terminal, what is missing is asked, and asked again
 * until valid, as a form would.
 */
async function accountFields(o: RegisterOptions, svc: () => Promise<Services>) {
  const given = {
    email: o.email === undefined ? undefined : v.email(o.email),
    firstName: o.firstName === undefined ? undefined : v.personName('First name', o.firstName),
    lastName: o.lastName === undefined ? undefined : v.personName('Last name', o.lastName),
  };
  if (o.phone !== undefined) v.phone(o.phone);
  const ask = (question: string, accept: (answer: string) => string | Promise<string>) =>
    askUntilAccepted(o.io, (check) => o.prompter.input(question, check), accept);
  const email =
    given.email === undefined
      ? await ask('EMAIL', async (a) => checkEmailAvailable(await svc(), a))
      : await checkEmailAvailable(await svc(), given.email);
  const firstName = given.firstName ?? (await ask('FIRST NAME', (a) => v.personName('First name', a)));
  const lastName = given.lastName ?? (await ask('LAST NAME', (a) => v.personName('Last name', a)));
  return { email, firstName, lastName, phone: o.phone };
}

/** Reads the password: one stdin line, or hidden prompt + confirmation, asked again until they agree. */
async function newPassword(o: RegisterOptions): Promise<string> {
  if (o.passwordStdin) return (await passwordLines(o.io, 1))[0]!;
  for (;;) {
    const pw = await askUntilAccepted(
      o.io,
      (check) => o.prompter.password('PASSWORD', check),
      (a) => (checkNewPassword(a, 'Password'), a),
    );
    const again = await o.prompter.password('CONFIRM PASSWORD');
    if (normalizePassword(again) === normalizePassword(pw)) return pw;
    warn(o.io, 'Password and confirmation do not match; type both again.');
  }
}

export async function run(o: RegisterOptions): Promise<void> {
  // --password-stdin on a terminal is a mistake in the command line itself: refused first.
  checkPasswordStdin(o.io, o.passwordStdin);
  // Without a terminal nothing can be asked: say every missing option at once.
  const prompting = o.io.canPrompt();
  if (!prompting) {
    const missing = REQUIRED.filter((f) => o[f.key] === undefined).map((f) => f.flag);
    if (missing.length) throw nothingToAsk(o.io, missing, !o.passwordStdin);
  }
  let opened: Promise<Services> | undefined;
  const services = () => (opened ??= o.services());
  // The documented order, in every mode: the fields (an e-mail already registered is
  // refused, exit 6) before anything about the password.
  const fields = await accountFields(o, services);
  if (!prompting && !o.passwordStdin) throw nothingToAsk(o.io, [], true);
  const password = await newPassword(o);
  const svc = await services();
  const result = await register(svc, { ...fields, password }, o.source());
  // Added to the accounts signed in on this store, and made the active one.
  const saved = await o.config().saveSession(o.storeKey(), { token: result.token, email: result.user.email });
  const previous = saved?.previous ?? null;
  const out = {
    user: result.user,
    company: result.company,
    invitations: result.invitations,
    signedIn: true,
    switchedFrom: previous,
  };
  if (o.json) return printJson(o.io, out);
  success(
    o.io,
    `Registered ${result.user.email}; your company "${result.company.name}" was created and you are signed in.${stillSignedIn(previous)}`,
  );
  if (result.invitations)
    success(o.io, `You have ${plural(result.invitations, 'invitation')}; see \`platformctl company list\`.`);
}

export function newCmdRegister(f: ContextFactory, runF = run): Command {
  return defineCommand('register', 'Create an account and its main company, and sign in', [
    'platformctl account register --email ann@example.com --first-name Ann --last-name Smith',
    'printf \'%s\\n\' "$PASSWORD" | platformctl account register --email ci@example.com --first-name CI --last-name Bot --password-stdin',
  ])
    .option('--email <email>', 'e-mail address of the new account (required; asked on a terminal)')
    .option('--first-name <name>', 'first name (required; asked on a terminal)')
    .option(
      '--last-name <name>',
      'last name; the main company is named "<last name> Company" (required; asked on a terminal)',
    )
    .option('--phone <phone>', 'phone number')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(
      async (
        opts: { email?: string; firstName?: string; lastName?: string; phone?: string; passwordStdin?: boolean },
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
          source: () => deviceId(ctx.config().dir),
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
