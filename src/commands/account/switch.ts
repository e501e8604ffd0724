import type { Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { Config } from '../../config.js';
import type { IOStreams } from '../../io/streams.js';
import type { Services } from '../../domain/services.js';
import { email as normalizeEmail } from '../../domain/validation.js';
import { printJson } from '../../output/json.js';
import { success, warn } from '../../output/messages.js';

export interface SwitchOptions {
  io: IOStreams;
  services: () => Promise<Services>;
  config: () => Config;
  storeKey: () => string;
  json: boolean;
  /** True when PLATFORMCTL_TOKEN is set: it overrides whichever account is active. */
  fromEnv: boolean;
  email: string;
}

/** Makes another account signed in on this store the active one (as `gh auth switch`). */
export async function run(o: SwitchOptions): Promise<void> {
  const email = normalizeEmail(o.email);
  // The store's identity decides which accounts are its own (no request when it is known).
  await o.services();
  const { changed } = await o.config().switchSession(o.storeKey(), email);
  if (o.json) printJson(o.io, { active: email, changed });
  else
    success(
      o.io,
      changed
        ? `${email} is now the active account on this store.`
        : `${email} is already the active account on this store.`,
    );
  if (o.fromEnv) warn(o.io, 'PLATFORMCTL_TOKEN is set: it overrides the active account until it is unset.');
}

export function newCmdSwitch(f: ContextFactory, runF = run): Command {
  return defineCommand('switch', 'Make another account signed in on this store the active one', [
    'platformctl account switch bob@example.com',
    'platformctl account status   # who is signed in, and who is active',
  ])
    .argument('<email>', 'e-mail address of a signed-in account (see account status)')
    .action(async (email: string, _o, cmd: Command) => {
      const ctx = f(cmd.optsWithGlobals());
      await runF({
        io: ctx.io,
        services: ctx.services,
        config: ctx.config,
        storeKey: () => ctx.location().key,
        json: ctx.json,
        fromEnv: Boolean(ctx.processEnv.PLATFORMCTL_TOKEN),
        email,
      });
    });
}
