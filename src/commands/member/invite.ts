import type { Command } from 'commander';
import { plural } from '../../text.js';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { invite } from '../../domain/members.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';
import { printTable } from '../../output/table.js';

export interface InviteOptions extends Deps {
  emails: string[];
  role: string;
  company?: string | undefined;
}

export async function run(o: InviteOptions): Promise<void> {
  const r = await invite(await o.services(), o.credential(), { emails: o.emails, role: o.role, company: o.company });
  if (o.json) return printJson(o.io, r);
  await printTable(o.io, r.invited, [
    { header: 'EMAIL', value: (i) => i.email, fit: 'keep' },
    { header: 'ROLE', value: () => r.role, fit: 'keep', drop: 1 },
    { header: 'STATUS', value: (i) => i.status, fit: 'keep' },
  ]);
  success(
    o.io,
    `Invited ${plural(r.invited.length, 'member')} to "${r.company.name}" as ${r.role} ` +
      `(${r.users === null ? 'unlimited plan' : `${r.users}/${r.maxUsers} users`}).`,
  );
}

export function newCmdInvite(f: ContextFactory, runF = run): Command {
  return defineCommand('invite', 'Invite people by e-mail with a role; all of them or none', [
    'platformctl member invite bob@example.com --role MANAGER',
    'platformctl member invite a@example.com b@example.com --role designer --company "Acme Company"',
  ])
    .argument('<email...>', 'e-mail addresses; registered users become INVITED, others PENDING')
    .requiredOption('--role <role>', 'ADMINISTRATOR, MANAGER or DESIGNER (never OWNER)')
    .option('--company <company>', 'company id or exact name (default: the current company)')
    .action(async (emails: string[], opts: { role: string; company?: string }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), emails, role: opts.role, company: opts.company }),
    );
}
