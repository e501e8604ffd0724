import type { Argument, Command, Option } from 'commander';
import { ASSIGNABLE_ROLES, ROLES, STATUSES } from '../../../domain/roles.js';
import { commandPath, isHidden, resolveWords, type Resolved } from '../../resolve.js';

/** What a shell should offer: values (with an optional description) or files/directories. */
export interface Completion {
  candidates: { value: string; description?: string | undefined }[];
  directive: 'none' | 'file' | 'dir';
}

/** Values only the store knows; looked up by the caller, never failing (empty on error). */
export type DynamicKind = 'companies' | 'members' | 'plans';
/** Values from the store: a value as it is typed, or one with a description (zsh and fish show it). */
export type DynamicSource = (
  kind: DynamicKind,
  line: Resolved,
) => Promise<(string | { value: string; description?: string | undefined })[]>;

type Kind = { choices: readonly string[] } | { dynamic: DynamicKind } | { directive: 'file' | 'dir' } | null;

/** What the value of an option is, judged from its choices or its name (generic over the tree). */
function optionKind(cmd: Command, o: Option): Kind {
  if (o.argChoices?.length) return { choices: o.argChoices };
  switch (o.attributeName()) {
    case 'role':
      // A filter (member list) may name any role; a role to give is never OWNER.
      return { choices: cmd.name() === 'list' ? ROLES : ASSIGNABLE_ROLES };
    case 'status':
      return { choices: STATUSES };
    case 'company':
      return { dynamic: 'companies' };
    case 'actor':
      return { dynamic: 'members' };
    case 'plan':
      return { dynamic: 'plans' };
    case 'store':
    case 'file':
    case 'path':
    case 'output':
      return { directive: 'file' };
    case 'configDir':
    case 'dir':
      return { directive: 'dir' };
  }
  return argumentKind(cmd, o.attributeName());
}

/** What a positional argument is, from its choices or its name. */
function positionalKind(cmd: Command, arg: Argument | undefined): Kind {
  if (!arg) return null;
  if (arg.argChoices?.length) return { choices: arg.argChoices };
  return argumentKind(cmd, arg.name());
}

function argumentKind(cmd: Command, name: string): Kind {
  const n = name.toLowerCase();
  if (/^compan(y|ies)$/.test(n)) return { dynamic: 'companies' };
  if (/^plans?$/.test(n)) return { dynamic: 'plans' };
  if (/^(file|path)s?$/.test(n)) return { directive: 'file' };
  // E-mails of members, for the member commands (set-role, remove, …); other e-mails
  // (register, login, staff grant) are not the current company's members.
  if (/^e-?mails?$/.test(n) && commandPath(cmd).split(' ')[1] === 'member') return { dynamic: 'members' };
  return null;
}

/**
 * Completes the last of `words` (the arguments after the program name; the last one
 * is being typed and may be empty), walking the command tree as commander parses it.
 * The words are values as the program would receive them: the scripts remove the
 * shell's quoting before they call `__complete`.
 */
export async function complete(root: Command, words: string[], dynamic: DynamicSource): Promise<Completion> {
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const line = resolveWords(root, before);
  const { cmd } = line;
  // After "--" every word is an operand, even one that begins with "-".
  const operandsOnly =
    !line.pendingOption && resolveWords(root, [...before, '--']).positionals.length > line.positionals.length;
  const offer = async (kind: Kind, { prefix = '', operand = false } = {}): Promise<Completion> => {
    if (!kind) return { candidates: [], directive: 'none' };
    if ('directive' in kind) return { candidates: [], directive: kind.directive };
    const values = 'choices' in kind ? [...kind.choices] : await dynamic(kind.dynamic, line).catch(() => []);
    const lower = current.toLowerCase();
    return {
      candidates: values
        .map((v) => (typeof v === 'string' ? { value: v } : v))
        // An operand that begins with "-" would be read as an option (a company called
        // "--store=x"): offered only after "--". Option values are taken as they are.
        .filter((v) => !operand || operandsOnly || !v.value.startsWith('-'))
        .filter((v) => (prefix + v.value).toLowerCase().startsWith(lower))
        .map((v) => ({ ...v, value: prefix + v.value })),
      directive: 'none',
    };
  };

  if (line.pendingOption) return offer(optionKind(cmd, line.pendingOption));
  if (current.startsWith('-') && !operandsOnly) {
    const eq = current.indexOf('=');
    if (eq > 0) {
      const o = options(cmd).find((opt) => opt.long === current.slice(0, eq));
      return o
        ? offer(optionKind(cmd, o), { prefix: current.slice(0, eq + 1) })
        : { candidates: [], directive: 'none' };
    }
    const flags = options(cmd).flatMap((o) =>
      [o.long, o.short].filter((f): f is string => Boolean(f)).map((f) => ({ value: f, description: o.description })),
    );
    return { candidates: flags.filter((f) => f.value.startsWith(current)), directive: 'none' };
  }
  if (cmd === root && line.unknown?.word === 'help') {
    // "platformctl help account to<TAB>": the words after help name a command.
    const target = resolveWords(
      root,
      before.slice(line.unknown.index + 1).filter((w) => !w.startsWith('-')),
    );
    if (target.unknown) return { candidates: [], directive: 'none' };
    return { candidates: subcommands(target.cmd).filter((s) => s.value.startsWith(current)), directive: 'none' };
  }
  if (cmd.commands.length && line.positionals.length === 0) {
    const subs = subcommands(cmd);
    if (!cmd.parent) subs.push({ value: 'help', description: 'show help for a command' });
    return { candidates: subs.filter((s) => s.value.startsWith(current)), directive: 'none' };
  }
  const args = cmd.registeredArguments;
  const last = args.at(-1);
  const arg = line.positionals.length < args.length ? args[line.positionals.length] : last?.variadic ? last : undefined;
  return offer(positionalKind(cmd, arg), { operand: true });
}

function subcommands(cmd: Command) {
  return cmd.commands.filter((c) => !isHidden(c)).map((c) => ({ value: c.name(), description: c.description() }));
}

/** The options that apply at cmd: its own and the global ones, help/version included. */
function options(cmd: Command): Option[] {
  const all: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) all.push(...c.options.filter((o) => !o.hidden));
  const help = (cmd as unknown as { _getHelpOption(): Option | null })._getHelpOption();
  if (help && !all.includes(help)) all.push(help);
  return all;
}

// What a line of the protocol cannot carry as it is: control characters (tab and
// newline among them), and "%" and backslash, which the scripts' decoding reads.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const UNCARRIED = /[%\\\u0000-\u001f\u007f]/g;
// eslint-disable-next-line no-control-regex -- runs of control characters and spaces become one space
const CONTROLS = /[\s\u0000-\u001f\u007f]+/g;

/**
 * Writes a value so that it fits on one line of the protocol: "%", backslash and
 * control characters as %XX (upper-case hex), everything else as it is. The scripts
 * turn %XX back into the character (bash and zsh with printf %b, fish with
 * string unescape --style=url).
 */
export function encodeValue(value: string): string {
  return value.replace(UNCARRIED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The completion as the shell scripts read it: "value<TAB>description" lines, then
 * ":directive". Values are encoded (encodeValue); descriptions, only ever shown, have
 * their control characters and runs of blanks turned into one space. A value holding
 * NUL cannot be an argument at all and is left out.
 */
export function formatCompletion(c: Completion): string {
  const lines = c.candidates
    .filter((k) => !k.value.includes('\0'))
    .map((k) => {
      const value = encodeValue(k.value);
      const description = k.description?.replace(CONTROLS, ' ').trim();
      return description ? `${value}\t${description}` : value;
    });
  return [...lines, `:${c.directive}`].join('\n') + '\n';
}
