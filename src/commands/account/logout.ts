import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import type { Config } from '../../config.js';
import { logout } from '../../domain/accounts.js';
import { email as normalizeEmail } from '../../domain/validation.js';
import { PlatformError } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface LogoutOptions extends Deps {
  config: () => Config;
  storeKey: () => string;
  /** True when the credential came from PLATFORMCTL_TOKEN rather than the config file. */
  fromEnv: boolean;
  /** Sign out this signed-in account instead of the active one. */
  email?: string | undefined;
}

interface Outcome {
  signedOut: boolean;
  email: string | null;
  /** The account active on this store afterwards (null: none is signed in any more). */
  active: string | null;
}

function report(o: LogoutOptions, out: Outcome, line: string, done: boolean): void {
  if (o.json) return printJson(o.io, out);
  if (done) success(o.io, line);
  else o.io.err.write(`${line}\n`);
}

/**
 * Signing out is idempotent: an account that is not signed in (or whose session the
 * store already ended) is simply not there afterwards, and that is success.
 */
export async function run(o: LogoutOptions): Promise<void> {
  const nothing = (why: string) => report(o, { signedOut: false, email: null, active: null }, why, false);
  const useEnvToken = o.fromEnv && o.email === undefined;
  // Nobody signed in at all: no need to look at the store to know it.
  if (!useEnvToken && !o.config().hasSessions()) return nothing('You are not signed in to this store; nothing to do.');
  const svc = await o.services();
  const wanted = o.email === undefined ? undefined : normalizeEmail(o.email);
  const saved = useEnvToken
    ? undefined
    : o
        .config()
        .accounts(o.storeKey())
        .find((a) => (wanted === undefined ? a.active : a.email === wanted));
  if (!useEnvToken && !saved)
    return nothing(
      wanted === undefined
        ? 'You are not signed in to this store; nothing to do.'
        : `${wanted} is not signed in on this store; nothing to do.`,
    );
  const cred = useEnvToken ? o.credential() : { token: saved!.token };
  let email: string;
  let ended = false;
  try {
    email = (await logout(svc, cred)).email;
  } catch (e) {
    // A session the store no longer accepts (revoked, expired, its account deleted) is
    // signed out already; a saved one is forgotten all the same.
    if (!(e instanceof PlatformError && e.code === 'AUTH_REQUIRED')) throw e;
    if (useEnvToken)
      return nothing('The token in PLATFORMCTL_TOKEN is not a live session on this store; nothing to do.');
    email = saved!.email;
    ended = true;
  }
  const after = useEnvToken ? {} : await o.config().forgetSession(o.storeKey(), saved!.email);
  const active = useEnvToken ? null : (after.active ?? null);
  // Named only when it changed: signing out another account (--email) leaves the active one as it was.
  const next = active && saved!.active ? ` ${active} is now the active account on this store.` : '';
  report(
    o,
    { signedOut: true, email, active },
    ended
      ? `The session of ${email} had already ended in the store (expired or revoked); it was forgotten here.${next}`
      : `Signed out ${email}.${next}`,
    true,
  );
}

export function newCmdLogout(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'logout',
    "Revoke the active account's session and forget it locally (already signed out is fine)",
    ['platformctl account logout', 'platformctl account logout --email bob@example.com   # another signed-in account'],
  )
    .option('--email <email>', 'sign out this signed-in account instead of the active one')
    .action(async (opts: { email?: string }, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({
        ...depsOf(ctx),
        config: ctx.config,
        storeKey: () => ctx.location().key,
        fromEnv: Boolean(ctx.processEnv.PLATFORMCTL_TOKEN),
        email: opts.email,
      });
    });
}
