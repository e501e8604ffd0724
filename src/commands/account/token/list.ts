import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../../command.js';
import { listTokens } from '../../../domain/api-tokens.js';
import { printJson } from '../../../output/json.js';
import { printTable } from '../../../output/table.js';

export async function run(o: Deps): Promise<void> {
  const tokens = await listTokens(await o.services(), o.credential());
  if (o.json) return printJson(o.io, tokens);
  await printTable(o.io, tokens, [
    { header: 'ID', value: (t) => t.id },
    { header: 'NAME', value: (t) => t.name },
    { header: 'STATUS', value: (t) => t.status },
    { header: 'CREATED', value: (t) => t.createdAt },
    { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
  ]);
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'List your personal API tokens (never their secrets)', [
    'platformctl account token list',
  ])
    .alias('ls')
    .action(async (_o, cmd: Command) => runF(depsOf(f(cmd.optsWithGlobals()))));
}
