import { Command, CommanderError } from 'commander';
import { EXIT_CODES, PlatformError } from './domain/errors.js';
import { createContext, type Context, type GlobalOptions } from './context.js';
import { systemIO, type IOStreams } from './io/streams.js';
import { inquirerPrompter, type Prompter } from './io/prompter.js';
import type { ContextFactory } from './commands/command.js';
import { buildCommandTree } from './commands/index.js';
import { VERSION } from './version.js';
import { printable } from './domain/validation.js';

export interface MainDeps {
  env?: NodeJS.ProcessEnv;
  io?: (globals: GlobalOptions) => IOStreams;
  prompter?: Prompter;
  now?: () => Date;
}

/** The root command with its global flags and every command group. */
export function buildProgram(f: ContextFactory): Command {
  const program = new Command('platformctl')
    .description("Administer the platform's accounts, companies and memberships from the command line")
    .version(VERSION, '-V, --version', 'print the version')
    .option('--store <location>', 'store: a SQLite file path, file:<path>, or a libSQL URL (libsql://, http(s)://, ws(s)://)')
    .option('--config-dir <dir>', 'directory of the config file (sessions, defaults)')
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'never colour output')
    .option('-y, --yes', 'answer yes to confirmations (required without a terminal)')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command...]', 'show help for a command');
  for (const c of buildCommandTree(f)) program.addCommand(c);
  program.addHelpText(
    'after',
    `
Examples:
  $ platformctl account register --email ann@example.com --first-name Ann --last-name Smith
  $ platformctl company list
  $ platformctl member invite bob@example.com --role MANAGER
  $ platformctl --json account show | jq .currentCompany

Exit codes: 0 ok, 1 bug, 2 usage, 3 auth, 4 permission, 5 not found, 6 conflict, 7 store, 8 cancelled.
Run 'platformctl help <command>' for more.`,
  );
  return program;
}

/** Applies settings commander does not inherit to subcommands built with new Command(). */
function configureTree(cmd: Command, capture: (s: string) => void): void {
  cmd.exitOverride();
  cmd.showSuggestionAfterError(true);
  cmd.configureOutput({ outputError: (str) => capture(str) });
  for (const c of cmd.commands) configureTree(c, capture);
}

/** Error code and one-line message for anything thrown by a command. */
export function describeError(e: unknown): { code: keyof typeof EXIT_CODES; message: string; exit: number } {
  if (e instanceof PlatformError) return { code: e.code, message: e.message, exit: e.exitCode };
  return { code: 'INTERNAL', message: `internal error: ${(e as Error)?.message ?? String(e)} (set PLATFORMCTL_DEBUG=1 for details)`, exit: 1 };
}

function printError(io: IOStreams, json: boolean, e: unknown, env: NodeJS.ProcessEnv): number {
  const described = describeError(e);
  // Messages may quote argv or stored text (commander echoes unknown commands and
  // options verbatim): escape control and bidi characters so nothing raw reaches a terminal.
  const d = { ...described, message: printable(described.message, Number.MAX_SAFE_INTEGER) };
  if (json) io.err.write(JSON.stringify({ error: { code: d.code, message: d.message } }) + '\n');
  else io.err.write(`error: ${d.message}\n`);
  if (env.PLATFORMCTL_DEBUG === '1' && e instanceof Error && e.stack) io.err.write(e.stack + '\n');
  return d.exit;
}

/** A secret passed as a flag never reaches commander (whose errors would echo it). */
function refusePasswordFlag(argv: string[]): void {
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new PlatformError('USAGE', 'Passwords are never accepted as flags: pass --password-stdin and write it to standard input, or answer the prompt.');
  }
}

/** Runs platformctl with argv (without node and script) and returns the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const wantsJson = argv.includes('--json');
  let io: IOStreams | undefined;
  let ctx: Context | undefined;
  const ioFor = (g: GlobalOptions) => (io ??= deps.io ? deps.io(g) : systemIO({ noColor: g.color === false, env }));
  const f: ContextFactory = (globals) => {
    ctx ??= createContext({ io: ioFor(globals), prompter: deps.prompter ?? inquirerPrompter(), env, globals, now: deps.now });
    return ctx;
  };
  const errIO = () => ioFor({ color: !argv.includes('--no-color') });
  let commanderMessage = '';
  try {
    refusePasswordFlag(argv);
    const program = buildProgram(f);
    configureTree(program, (s) => (commanderMessage += s));
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      const message = (commanderMessage || e.message).replace(/^error: /, '').trim().replace(/\n+/g, ' ');
      return printError(errIO(), wantsJson, new PlatformError('USAGE', message || 'invalid usage; see --help'), env);
    }
    return printError(errIO(), wantsJson, e, env);
  } finally {
    await ctx?.close();
  }
}
