import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import type { Config } from '../../config.js';
import { deleteAccount, describeDelete } from '../../domain/accounts.js';
import { CONFIRMATIONS, confirmer, type Confirm } from '../../io/confirm.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface DeleteOptions extends Deps {
  confirm: Confirm;
  config: () => Config;
  storeKey: () => string;
}

export async function run(o: DeleteOptions): Promise<void> {
  const svc = await o.services();
  const preview = await describeDelete(svc, o.credential());
  const what = preview.company
    ? ` and your company "${preview.company.name}"${preview.otherMembers ? ` with its ${plural(preview.otherMembers, 'other member')}` : ''}`
    : '';
  // It cannot be undone and takes a company with it: the e-mail is typed as proof of intent.
  await o.confirm(`Delete the account ${preview.email}${what}? This cannot be undone.`, CONFIRMATIONS.deleteAccount, {
    kept: 'Nothing was changed; your account was not deleted.',
    proof: { label: 'your e-mail address', expected: preview.email },
  });
  const result = await deleteAccount(svc, o.credential());
  // The deleted account's saved session, by its e-mail: with PLATFORMCTL_TOKEN in effect the
  // active saved account may be someone else, who stays signed in.
  const wasActive = o.config().session(o.storeKey())?.email === result.email;
  const after = await o.config().forgetSession(o.storeKey(), result.email);
  if (o.json) return printJson(o.io, result);
  success(
    o.io,
    `Deleted the account ${result.email}${result.company ? ` and the company "${result.company.name}"` : ''}.` +
      (wasActive && after.active ? ` ${after.active} is now the active account on this store.` : ''),
  );
}

export function newCmdDelete(f: ContextFactory, runF = run): Command {
  return defineCommand('delete', 'Delete your account with its main company, memberships and sessions (asks first)', [
    'platformctl account delete',
    'platformctl account delete --yes   # from a script',
  ]).action(async (_o, cmd: Command) => {
    const ctx = f(cmd.optsWithGlobals());
    await runF({
      ...depsOf(ctx),
      confirm: confirmer(ctx.io, ctx.prompter, ctx.yes),
      config: ctx.config,
      storeKey: () => ctx.location().key,
    });
  });
}
