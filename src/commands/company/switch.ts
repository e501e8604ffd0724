import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../command.js';
import { switchCompany } from '../../domain/companies.js';
import { printJson } from '../../output/json.js';
import { success } from '../../output/messages.js';

export interface SwitchOptions extends Deps {
  company: string;
}

export async function run(o: SwitchOptions): Promise<void> {
  const r = await switchCompany(await o.services(), o.credential(), o.company);
  if (o.json) return printJson(o.io, r);
  success(o.io, `Switched to "${r.name}" (${r.role})${r.activated ? '; your invitation is now ACTIVE' : ''}.`);
}

export function newCmdSwitch(f: ContextFactory, runF = run): Command {
  return defineCommand('switch', 'Make a company current; an invitation becomes ACTIVE on the first switch', [
    'platformctl company switch "Acme Company"',
    'platformctl company switch 42',
  ])
    .argument('<company>', 'company id or exact name')
    .action(async (company: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), company }));
}
