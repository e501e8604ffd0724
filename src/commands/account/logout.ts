import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import type { Config } from '../../config.js';
import { logout } from '../../domain/accounts.js';
import { PlatformError, authRequired } from '../../errors.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface LogoutOptions extends Deps {
  config: () => Config;
  storeKey: () => string;
  /** True when the credential came from PLATFORMCTL_TOKEN rather than the config file. */
  fromEnv: boolean;
}

export async function run(o: LogoutOptions): Promise<void> {
  if (!o.credential().token) throw authRequired('You are not signed in to this store.');
  let result: Awaited<ReturnType<typeof logout>>;
  try {
    result = await logout(await o.services(), o.credential());
  } catch (e) {
    // A saved session the store no longer accepts (revoked, expired) is forgotten
    // locally all the same, so the next command does not keep tripping over it.
    if (!o.fromEnv && e instanceof PlatformError && e.code === 'AUTH_REQUIRED')
      await o.config().forgetSession(o.storeKey());
    throw e;
  }
  if (!o.fromEnv) await o.config().forgetSession(o.storeKey());
  if (o.json) return printJson(o.io, { signedOut: true, email: result.email });
  success(o.io, `Signed out ${result.email}.`);
}

export function newCmdLogout(f: ContextFactory, runF = run): Command {
  return defineCommand('logout', 'Revoke the current session and forget it locally', [
    'platformctl account logout',
  ]).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({
      ...depsOf(ctx),
      config: ctx.config,
      storeKey: () => ctx.location().key,
      fromEnv: Boolean(ctx.processEnv.PLATFORMCTL_TOKEN),
    });
  });
}
