import { Argument, type Command } from 'commander';
import { defineCommand, type ContextFactory } from '../command.js';
import type { Context } from '../../context.js';
import type { IOStreams } from '../../io/streams.js';
import { listCompanies } from '../../domain/companies.js';
import { listMembers } from '../../domain/members.js';
import { listPlans } from '../../domain/plans.js';
import { completionScript, SHELLS, type Shell } from './scripts.js';
import { complete, formatCompletion, type DynamicSource } from './complete.js';

export function run(o: { io: IOStreams; shell: Shell }): void {
  o.io.out.write(completionScript(o.shell));
}

export function newCmdCompletion(f: ContextFactory, runF = run): Command {
  return defineCommand('completion', 'Print the shell completion script for bash, zsh or fish', [
    'source <(platformctl completion bash)        # bash, this shell',
    'platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl',
    'platformctl completion zsh > "${fpath[1]}/_platformctl"',
    'platformctl completion fish > ~/.config/fish/completions/platformctl.fish',
  ])
    .addArgument(new Argument('<shell>', 'your shell').choices(SHELLS))
    .action((shell: Shell, _o, cmd: Command) => runF({ io: f(cmd.optsWithGlobals()).io, shell }));
}

/** A TAB offers at most this many e-mails (the first in list order): it never reads a whole large company. */
const MEMBERS_TO_COMPLETE = 1000;

/**
 * Values from the store for completion: the caller's companies, the members of the
 * company on the line (or the current one), the plans. The store is opened as it is
 * (never created nor migrated by a TAB).
 */
export function storeValues(ctx: (store: string | undefined, configDir: string | undefined) => Context): DynamicSource {
  return async (kind, line) => {
    const c = ctx(line.values.get('store'), line.values.get('configDir'));
    const env = { store: await c.store('inspect'), now: () => c.now() };
    const cred = c.credential();
    // A company whose name is all digits, or that shares its name with another of yours,
    // is reached by its id (the one reference rule): the id is offered, the name described.
    if (kind === 'companies') {
      const companies = await listCompanies(env, cred);
      const named = new Map<string, number>();
      for (const x of companies) named.set(x.name, (named.get(x.name) ?? 0) + 1);
      return companies.map((x) =>
        /^[0-9]+$/.test(x.name) || named.get(x.name)! > 1 ? { value: String(x.id), description: x.name } : x.name,
      );
    }
    if (kind === 'members')
      return (
        await listMembers(env, cred, { company: line.values.get('company'), limit: MEMBERS_TO_COMPLETE })
      ).members.map((m) => m.email);
    return (await listPlans(env, cred)).map((p) => p.name);
  };
}

/**
 * The hidden `platformctl __complete WORDS… CURRENT` the scripts call on every TAB.
 * Silent and exit 0 whatever happens: a TAB must never print errors into the prompt.
 */
export async function runComplete(
  program: Command,
  words: string[],
  io: IOStreams,
  ctx: Parameters<typeof storeValues>[0],
): Promise<number> {
  try {
    io.out.write(formatCompletion(await complete(program, words, storeValues(ctx))));
  } catch {
    io.out.write(':none\n');
  }
  return 0;
}
