import type { Command } from 'commander';
import { defineCommand, defineGroup, depsOf, intOption, type ContextFactory, type Deps } from '../command.js';
import { createToken, listTokens, revokeToken } from '../../domain/api-tokens.js';
import { printJson } from '../../output/json.js';
import { printTable } from '../../output/table.js';
import { success, warn } from '../../output/messages.js';

export interface TokenCreateOptions extends Deps {
  name: string;
  expiresIn?: number | undefined;
}

export async function runCreate(o: TokenCreateOptions): Promise<void> {
  const t = await createToken(await o.services(), o.credential(), o.name, o.expiresIn);
  if (o.json) return printJson(o.io, t);
  // The secret is data (stdout); the advice is a message (stderr).
  o.io.out.write(t.token + '\n');
  success(o.io, `Created token ${t.id} "${t.name}"${t.expiresAt ? `, expires ${t.expiresAt}` : ''}.`);
  warn(o.io, 'Copy it now: it is shown only once. Use it as PLATFORMCTL_TOKEN.');
}

export async function runList(o: Deps): Promise<void> {
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

export async function runRevoke(o: Deps & { id: string }): Promise<void> {
  const r = await revokeToken(await o.services(), o.credential(), o.id);
  if (o.json) return printJson(o.io, r);
  success(o.io, `Revoked token ${r.id}${r.name ? ` "${r.name}"` : ''}.`);
}

export function newCmdToken(
  f: ContextFactory,
  runs = { create: runCreate, list: runList, revoke: runRevoke },
): Command {
  const create = defineCommand('create', 'Create a personal API token for CI; the secret is printed once', [
    'platformctl account token create --name ci --expires-in 90',
    'export PLATFORMCTL_TOKEN=$(platformctl account token create --name deploy)',
  ])
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .option('--expires-in <days>', 'days until it expires (default: never)', intOption)
    .action(async (opts, cmd: Command) =>
      runs.create({ ...depsOf(f(cmd.optsWithGlobals())), name: opts.name, expiresIn: opts.expiresIn }),
    );
  const list = defineCommand('list', 'List your personal API tokens (never their secrets)', [
    'platformctl account token list',
  ])
    .alias('ls')
    .action(async (_o, cmd: Command) => runs.list(depsOf(f(cmd.optsWithGlobals()))));
  const revoke = defineCommand('revoke', 'Revoke a personal API token', ['platformctl account token revoke 3'])
    .argument('<id>', 'token id, from `token list`')
    .action(async (id: string, _o, cmd: Command) => runs.revoke({ ...depsOf(f(cmd.optsWithGlobals())), id }));
  return defineGroup(
    'token',
    'Manage personal API tokens for CI',
    [create, list, revoke],
    ['platformctl account token create --name ci'],
  );
}
