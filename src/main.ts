import { Command, CommanderError, Help } from 'commander';
import type { EXIT_CODES } from './errors.js';
import { PlatformError } from './errors.js';
import { createContext, type Context, type GlobalOptions } from './context.js';
import { colorFor, exitQuietlyWhenOutputCloses, systemIO, type IOStreams } from './io/streams.js';
import { inquirerPrompter, type Prompter } from './io/prompter.js';
import { defineExamples, type ContextFactory } from './commands/command.js';
import { buildCommandTree } from './commands/index.js';
import { newCmdCompletion, runComplete } from './commands/completion/index.js';
import { commandPath, didYouMean, resolveWords, visibleSubcommandNames } from './commands/resolve.js';
import { loadColor } from './output/color.js';
import { fillWords } from './output/messages.js';
import { VERSION } from './version.js';
import { printable } from './text.js';

export { examplesOf } from './commands/command.js';

export interface MainDeps {
  env?: NodeJS.ProcessEnv;
  io?: (globals: GlobalOptions) => IOStreams;
  prompter?: Prompter;
  now?: () => Date;
}

/**
 * The root command with its global flags and every command group (with `only`, just that
 * group: see groupOf).
 */
export function buildProgram(f: ContextFactory, only?: string): Command {
  const program = new Command('platformctl')
    .description("Administer the platform's accounts, companies and memberships from the command line")
    .version(VERSION, '-V, --version', 'print the version')
    .option(
      '--store <location>',
      'store: a SQLite file path, file:<path>, or a libSQL URL (libsql://, http(s)://, ws(s)://)',
    )
    .option('--config-dir <dir>', 'directory of the config file (sessions, defaults)')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'never colour output')
    .option('-y, --yes', 'answer yes to confirmations (required without a terminal)')
    .helpCommand('help [command...]', 'show help for a command');
  for (const c of buildCommandTree(f, only)) program.addCommand(c);
  program.addCommand(newCmdCompletion(f));
  defineExamples(program, [
    'platformctl account register --email ann@example.com --first-name Ann --last-name Smith',
    'platformctl company list',
    'platformctl member invite bob@example.com --role MANAGER',
    'platformctl --json account show | jq .currentCompany',
  ]);
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 bug, 2 usage, 3 auth, 4 permission, 5 not found, 6 conflict, 7 store, 8 cancelled,
9 drift (member sync --check), 141 output closed early (\`… | head\`).
Run 'platformctl help <command>' for more.`,
  );
  return program;
}

/**
 * Applies to every command what commander does not inherit through addCommand: errors
 * as exceptions, suggestions, one help wording, the global flags shown in each help, and
 * no per-group "help" subcommand (`platformctl help <command...>` covers every level).
 * Help is as wide as `columns` says stdout is (80 when it is no terminal), at most 100.
 */
export function configureTree(
  cmd: Command,
  output: {
    writeOut: (s: string) => void;
    writeErr: (s: string) => void;
    outputError: (s: string) => void;
    columns?: () => number | undefined;
  },
): void {
  cmd.exitOverride();
  cmd.showSuggestionAfterError(true);
  const { columns, ...streams } = output;
  cmd.configureOutput({ ...streams, getOutHelpWidth: () => Math.min(columns?.() || 80, 100) });
  cmd.helpOption('-h, --help', 'show help for this command');
  cmd.configureHelp({
    showGlobalOptions: true,
    minWidthToWrap: MIN_HELP_COLUMN,
    formatItem: formatHelpItem,
    styleUsage: wrapUsage,
  });
  if (cmd.parent) cmd.helpCommand(false);
  for (const c of cmd.commands) configureTree(c, output);
}

/** The narrowest description column help wraps into; below it, descriptions go under their terms. */
const MIN_HELP_COLUMN = 24;

/**
 * One option or command in help: as commander lays it out (term, then its description
 * wrapped beside it) where there is room; on a narrow terminal the description goes on the
 * lines under the term, indented and wrapped to the width, instead of running on unwrapped.
 */
function formatHelpItem(this: Help, term: string, termWidth: number, description: string, helper: Help): string {
  const width = this.helpWidth ?? 80;
  if (!description || width - termWidth - 4 >= MIN_HELP_COLUMN)
    return Help.prototype.formatItem.call(this, term, termWidth, description, helper);
  const indent = '      ';
  const wrapped = helper.boxWrap(description, Math.max(width - indent.length, MIN_HELP_COLUMN));
  return `  ${term}\n${indent}${wrapped.replace(/\n/g, `\n${indent}`)}`;
}

/** The usage line ("Usage: " and this) broken between words to the help's width, continued under it. */
function wrapUsage(this: Help, usage: string): string {
  const indent = 'Usage: '.length;
  return fillWords(usage.split(' '), (this.helpWidth ?? 80) - indent).join(`\n${' '.repeat(indent)}`);
}

/** Error code and one-line message for anything thrown by a command. */
export function describeError(e: unknown): { code: keyof typeof EXIT_CODES; message: string; exit: number } {
  if (e instanceof PlatformError) return { code: e.code, message: e.message, exit: e.exitCode };
  return {
    code: 'INTERNAL',
    message: `internal error: ${(e as Error)?.message ?? String(e)} (set PLATFORMCTL_DEBUG=1 for details)`,
    exit: 1,
  };
}

function printError(io: IOStreams, json: boolean, e: unknown, env: NodeJS.ProcessEnv): number {
  const described = describeError(e);
  // Messages may quote argv or stored text (commander echoes unknown commands and
  // options verbatim): escape control and bidi characters so nothing raw reaches a terminal.
  const d = { ...described, message: printable(described.message, Number.MAX_SAFE_INTEGER) };
  if (json) io.err.write(JSON.stringify({ error: { code: d.code, message: d.message } }) + '\n');
  // Answering no (or Ctrl-C) is the user's choice, not a failure: said as it is.
  else if (d.code === 'CANCELLED') io.err.write(`${d.message}\n`);
  else io.err.write(`error: ${d.message}\n`);
  if (env.PLATFORMCTL_DEBUG === '1' && e instanceof Error && e.stack) io.err.write(e.stack + '\n');
  return d.exit;
}

/** A secret passed as a flag never reaches commander (whose errors would echo it). */
function refusePasswordFlag(argv: string[]): void {
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new PlatformError(
      'USAGE',
      'Passwords are never accepted as flags: pass --password-stdin and write it to standard input, or answer the prompt.',
    );
  }
}

const HELP_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * Help that commander does not give: `help <command...>` at any depth (an unknown name
 * is a usage error with a suggestion), and a bare group (`platformctl account`) prints
 * its help on stdout and succeeds, as gh does. Returns true when it printed help.
 */
function helpRequested(program: Command, argv: string[]): boolean {
  if (argv.some((a) => HELP_FLAGS.has(a))) return false;
  const line = resolveWords(program, argv);
  if (line.cmd === program && line.unknown?.word === 'help') {
    const words = argv.slice(line.unknown.index + 1).filter((w) => !w.startsWith('-'));
    const target = resolveWords(program, words);
    if (target.unknown) {
      const { word } = target.unknown;
      throw new PlatformError(
        'USAGE',
        `unknown command '${word}' for '${commandPath(target.cmd)}'${didYouMean(word, visibleSubcommandNames(target.cmd))}`,
      );
    }
    if (target.positionals.length) {
      throw new PlatformError('USAGE', `'${commandPath(target.cmd)}' has no subcommand '${target.positionals[0]}'`);
    }
    target.cmd.outputHelp();
    return true;
  }
  if (
    !line.unknown &&
    line.cmd.commands.length &&
    line.positionals.length === 0 &&
    !line.pendingOption &&
    !line.unknownFlags.length
  ) {
    line.cmd.outputHelp();
    return true;
  }
  return false;
}

/** Global flags that take a value (the word after them is not a command). */
const VALUE_FLAGS = new Set(['--store', '--config-dir']);

/**
 * The command group a command line names, when only that group needs building: its first
 * word, unless the line asks for general help, completion or anything unusual (then every
 * group is built, as help, suggestions and completion need them all).
 */
function groupOf(argv: string[]): string | undefined {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    // Help or the version before the command word is the program's own.
    if (HELP_FLAGS.has(argv[i]!)) return undefined;
    i += VALUE_FLAGS.has(argv[i]!) ? 2 : 1;
  }
  const word = argv[i];
  if (word === undefined || word === 'help' || word === 'completion' || word === '__complete') return undefined;
  return word;
}

/** Runs platformctl with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const wantsJson = argv.includes('--json');
  const noColorFlag = argv.includes('--no-color');
  let io: IOStreams | undefined;
  let ctx: Context | undefined;
  const ioFor = (g: GlobalOptions) => (io ??= deps.io ? deps.io(g) : systemIO({ noColor: g.color === false, env }));
  const f: ContextFactory = (globals) => {
    ctx ??= createContext({
      io: ioFor(globals),
      prompter: deps.prompter ?? inquirerPrompter(ioFor(globals)),
      env,
      globals,
      now: deps.now,
    });
    return ctx;
  };
  const anyIO = () => ioFor({ color: !noColorFlag });
  let commanderMessage = '';
  // The real process streams: a closed pipe ends the program quietly with 141.
  if (!deps.io) exitQuietlyWhenOutputCloses();
  try {
    if (
      !deps.io &&
      (colorFor(Boolean(process.stdout.isTTY), env, noColorFlag) ||
        colorFor(Boolean(process.stderr.isTTY), env, noColorFlag))
    ) {
      await loadColor();
    }
    const program = buildProgram(f, groupOf(argv));
    configureTree(program, {
      writeOut: (s) => anyIO().out.write(s),
      writeErr: (s) => anyIO().err.write(s),
      outputError: (s) => (commanderMessage += s),
      columns: () => anyIO().columns,
    });
    if (argv[0] === '__complete') {
      return await runComplete(program, argv.slice(1), anyIO(), (store, configDir) => f({ store, configDir }));
    }
    refusePasswordFlag(argv);
    if (helpRequested(program, argv)) return 0;
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      const message = (commanderMessage || e.message)
        .replace(/^error: /, '')
        .trim()
        .replace(/\n+/g, ' ');
      return printError(anyIO(), wantsJson, new PlatformError('USAGE', message || 'invalid usage; see --help'), env);
    }
    return printError(anyIO(), wantsJson, e, env);
  } finally {
    await ctx?.close();
  }
}
