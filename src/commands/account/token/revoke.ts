import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../../command.js';
import { revokeToken } from '../../../domain/api-tokens.js';
import { printJson } from '../../../output/json.js';
import { success } from '../../../output/messages.js';

export interface RevokeOptions extends Deps {
  id: string;
}

export async function run(o: RevokeOptions): Promise<void> {
  const r = await revokeToken(await o.services(), o.credential(), o.id);
  if (o.json) return printJson(o.io, r);
  success(o.io, `Revoked token ${r.id}${r.name ? ` "${r.name}"` : ''}.`);
}

export function newCmdRevoke(f: ContextFactory, runF = run): Command {
  return defineCommand('revoke', 'Revoke a personal API token', ['platformctl account token revoke 3'])
    .argument('<id>', 'token id, from `token list`')
    .action(async (id: string, _o, cmd: Command) => runF({ ...depsOf(f(cmd.optsWithGlobals())), id }));
}
