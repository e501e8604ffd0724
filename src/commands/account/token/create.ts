import type { Command } from 'commander';
import { defineCommand, depsOf, intOption, type ContextFactory, type Deps } from '../../command.js';
import { createToken } from '../../../domain/api-tokens.js';
import { printJson } from '../../../output/json.js';
import { success, warn } from '../../../output/messages.js';

export interface CreateOptions extends Deps {
  name: string;
  expiresIn?: number | undefined;
}

export async function run(o: CreateOptions): Promise<void> {
  const t = await createToken(await o.services(), o.credential(), o.name, o.expiresIn);
  if (o.json) return printJson(o.io, t);
  // The secret is data (stdout); the advice is a message (stderr).
  o.io.out.write(t.token + '\n');
  success(o.io, `Created token ${t.id} "${t.name}"${t.expiresAt ? `, expires ${t.expiresAt}` : ''}.`);
  warn(o.io, 'Copy it now: it is shown only once. Use it as PLATFORMCTL_TOKEN.');
}

export function newCmdCreate(f: ContextFactory, runF = run): Command {
  return defineCommand(
    'create',
    'Create a personal API token for CI (from a session: tokens cannot create tokens); the secret is printed once',
    [
      'platformctl account token create --name ci --expires-in 90',
      'export PLATFORMCTL_TOKEN=$(platformctl account token create --name deploy)',
    ],
  )
    .requiredOption('--name <name>', 'a name to recognise the token by')
    .option('--expires-in <days>', 'days until it expires (default: never)', intOption)
    .action(async (opts: { name: string; expiresIn?: number }, cmd: Command) =>
      runF({ ...depsOf(f(cmd.optsWithGlobals())), name: opts.name, expiresIn: opts.expiresIn }),
    );
}
