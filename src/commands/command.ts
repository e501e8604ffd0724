import { Command } from 'commander';
import type { Context, GlobalOptions } from '../context.js';
import type { IOStreams } from '../io/streams.js';
import type { Credential } from '../domain/auth.js';
import type { Services } from '../domain/services.js';

/** Builds the context for a command from the global flags it was called with. */
export type ContextFactory = (globals: GlobalOptions) => Context;

const EXAMPLES = new WeakMap<Command, string[]>();

/** A subcommand with a description and an Examples section in its help (and man page). */
export function defineCommand(name: string, description: string, examples: string[]): Command {
  return defineExamples(new Command(name).description(description), examples);
}

/** Gives cmd an Examples section in its help; man pages read the same list. */
export function defineExamples(cmd: Command, examples: string[]): Command {
  EXAMPLES.set(cmd, examples);
  // An example's trailing comment ("cmd   # why") goes on its own line above it, as gh
  // writes them: the command alone is what gets copied, and the line stays short.
  const lines = examples.map((e) => {
    const m = /^(.*?)\s{2,}#\s+(.*)$/.exec(e);
    return m ? `  # ${m[2]}\n  $ ${m[1]}` : `  $ ${e}`;
  });
  if (examples.length) cmd.addHelpText('after', '\nExamples:\n' + lines.join('\n') + '\n');
  return cmd;
}

/** The examples a command was defined with (for man pages). */
export function examplesOf(cmd: Command): string[] {
  return EXAMPLES.get(cmd) ?? [];
}

/** A command group: a description and its subcommands. */
export function defineGroup(
  name: string,
  description: string,
  subcommands: Command[],
  examples: string[] = [],
): Command {
  const group = defineCommand(name, description, examples);
  for (const s of subcommands) group.addCommand(s);
  return group;
}

/** Parses an integer flag value, leaving validation of its range to the domain. */
export function intOption(value: string): number {
  return /^-?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/** The narrow pieces most commands need from the context. */
export interface Deps {
  io: IOStreams;
  services: () => Promise<Services>;
  credential: () => Credential;
  json: boolean;
}

export const depsOf = (ctx: Context): Deps => ({
  io: ctx.io,
  services: ctx.services,
  credential: ctx.credential,
  json: ctx.json,
});
