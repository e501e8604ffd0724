import { Command } from 'commander';
import type { Context, GlobalOptions } from '../context.js';
import type { IOStreams } from '../io/streams.js';
import { fillWords } from '../output/messages.js';
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
  if (examples.length)
    cmd.addHelpText('after', (context) => {
      const width = context.command.configureOutput().getOutHelpWidth?.() ?? 80;
      return '\nExamples:\n' + examples.map((e) => exampleLines(e, width)).join('\n') + '\n';
    });
  return cmd;
}

/**
 * One example as help prints it, within `width` columns where its words allow: a
 * trailing comment ("cmd   # why") on its own line above it, as gh writes them; a long
 * command broken between words (never inside quotes) with a backslash, as a shell
 * continues a line, so that what is copied still runs.
 */
export function exampleLines(example: string, width: number): string {
  const m = /^(.*?)\s{2,}#\s+(.*)$/.exec(example);
  const command = m ? m[1]! : example;
  const out: string[] = [];
  if (m) out.push(...fill(m[2]!.split(' '), width, '  # ', '  # ', ''));
  out.push(...fill(units(shellWords(command)), width, '  $ ', '      ', ' \\'));
  return out.join('\n');
}

/** Words filled within `width` columns, behind `first` on the first line and `rest` after, each but the last ending in `more`. */
function fill(words: string[], width: number, first: string, rest: string, more: string): string[] {
  const lines = fillWords(words, width - first.length - more.length, width - rest.length - more.length);
  return lines.map((l, i) => (i ? rest : first) + l + (i < lines.length - 1 ? more : ''));
}

/** Words that read as one kept on one line: a flag and its value, a redirection or pipe and what follows. */
function units(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    const joins = /^(-|>|<|\||2>)/.test(w) && next !== undefined && !/^(-|>|<|\|)/.test(next);
    out.push(joins ? `${w} ${next}` : w);
    if (joins) i++;
  }
  return out;
}

/** A command line's words, a quoted stretch ('…', "…", $'…') kept inside its word. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      word += ch;
      if (ch === '\\' && quote === '"') word += text[++i] ?? '';
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word += ch;
    } else if (ch === ' ') {
      if (word) words.push(word);
      word = '';
    } else word += ch;
  }
  if (word) words.push(word);
  return words;
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
