import type { Command } from 'commander';
import { defineCommand, depsOf, type ContextFactory, type Deps } from '../../command.js';
import { listTokens } from '../../../domain/api-tokens.js';
import { printJson } from '../../../output/json.js';
import { localTime, printTable } from '../../../output/table.js';
import { emptyNote } from '../../../output/paging.js';

export async function run(o: Deps): Promise<void> {
  const tokens = await listTokens(await o.services(), o.credential());
  if (o.json) return printJson(o.io, tokens);
  await printTable(o.io, tokens, [
    { header: 'ID', value: (t) => t.id, fit: 'keep' },
    { header: 'NAME', value: (t) => t.name },
    { header: 'STATUS', value: (t) => t.status, fit: 'keep' },
    { header: 'CREATED', value: (t) => t.createdAt, human: (t) => localTime(t.createdAt), fit: 'keep', drop: 1 },
    {
      header: 'EXPIRES',
      value: (t) => t.expiresAt ?? 'never',
      human: (t) => (t.expiresAt ? localTime(t.expiresAt) : 'never'),
      fit: 'keep',
    },
  ]);
  emptyNote(o.io, tokens.length, 'No API tokens. Create one with `platformctl account token create --name NAME`.');
}

export function newCmdList(f: ContextFactory, runF = run): Command {
  return defineCommand('list', 'List your personal API tokens (never their secrets)', [
    'platformctl account token list',
  ])
    .alias('ls')
    .action(async (_o, cmd: Command) => runF(depsOf(f(cmd.optsWithGlobals()))));
}
