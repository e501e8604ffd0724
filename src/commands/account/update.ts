import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { update, type UpdateInput } from '../../domain/accounts.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';
import { accountJson, printAccount } from './shared/account-panel.js';

export type UpdateOptions = Deps & UpdateInput;

const WORDS: Record<string, string> = {
  firstName: 'first name',
  lastName: 'last name',
  phone: 'phone',
  companyName: 'company name',
};

/** "first name, phone and company name": the changed fields as a person says them. */
export function inWords(fields: string[]): string {
  const words = fields.map((f) => WORDS[f] ?? f);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}` : (words[0] ?? '');
}

export async function run(o: UpdateOptions): Promise<void> {
  const v = await update(await o.services(), o.credential(), {
    firstName: o.firstName,
    lastName: o.lastName,
    phone: o.phone,
    companyName: o.companyName,
  });
  if (o.json) return printJson(o.io, { ...accountJson(v), changed: v.changed });
  success(o.io, v.changed.length ? `Updated ${inWords(v.changed)}.` : 'Nothing changed.');
  await printAccount(o.io, v);
}

export function newCmdUpdate(f: ContextFactory, runF = run): Command {
  return defineCommand('update', 'Edit your personal data; the company name only as OWNER of the current company', [
    'platformctl account update --first-name Ann --phone "+1 555 0100"',
    'platformctl account update --company-name "Smith & Daughters"',
    'platformctl account update --phone ""   # clears the phone number',
  ])
    .option('--first-name <name>', 'new first name')
    .option('--last-name <name>', 'new last name')
    .option('--phone <phone>', 'new phone number ("" clears it)')
    .option('--company-name <name>', 'new name of the current company (OWNER only)')
    .action(
      async (opts: { firstName?: string; lastName?: string; phone?: string; companyName?: string }, cmd: Command) =>
        runF({
          ...depsOf(f(cmd.optsWithGlobals())),
          firstName: opts.firstName,
          lastName: opts.lastName,
          phone: opts.phone,
          companyName: opts.companyName,
        }),
    );
}
