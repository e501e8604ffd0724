import type { Command, Option } from 'commander';

/** Where a list of words leads in the command tree (for help and shell completion). */
export interface Resolved {
  /** The deepest command the words name. */
  cmd: Command;
  /** Words that are neither options, option values nor subcommand names. */
  positionals: string[];
  /** Values given to options on the line, by attribute name (store, configDir, company…). */
  values: Map<string, string>;
  /** The first word that names no subcommand of a group, and its index. */
  unknown?: { word: string; index: number };
  /** The last word was an option that takes a value, still missing. */
  pendingOption?: Option;
  /** Flags that no command on the way defines. */
  unknownFlags: string[];
}

/** Finds a flag among the options of cmd and of the commands above it (global flags). */
function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((opt) => opt.long === flag || opt.short === flag);
    if (o) return o;
  }
  return undefined;
}

/** The subcommand of cmd called name, by its name or an alias. */
function findSubcommand(cmd: Command, name: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** Walks words from the root as commander would parse them, without running anything. */
export function resolveWords(root: Command, words: string[]): Resolved {
  const r: Resolved = { cmd: root, positionals: [], values: new Map(), unknownFlags: [] };
  let onlyOperands = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!onlyOperands && w === '--') {
      onlyOperands = true;
      continue;
    }
    if (!onlyOperands && w.startsWith('-') && w.length > 1) {
      const eq = w.indexOf('=');
      const flag = eq > 0 ? w.slice(0, eq) : w;
      const o = findOption(r.cmd, flag);
      if (!o && flag !== '-h' && flag !== '--help') r.unknownFlags.push(flag);
      if (!o || !(o.required || o.optional)) continue;
      if (eq > 0) r.values.set(o.attributeName(), w.slice(eq + 1));
      else if (i + 1 < words.length) r.values.set(o.attributeName(), words[++i]!);
      else r.pendingOption = o;
      continue;
    }
    const sub = r.positionals.length === 0 ? findSubcommand(r.cmd, w) : undefined;
    if (sub) {
      r.cmd = sub;
      continue;
    }
    if (r.cmd.commands.length && r.positionals.length === 0 && !r.unknown) r.unknown = { word: w, index: i };
    r.positionals.push(w);
  }
  return r;
}

/** The command's full name from the root: "platformctl account token create". */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Damerau-Levenshtein distance (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The nearest candidates to a mistyped word (as commander suggests), best first; none if nothing is close. */
export function nearest(word: string, candidates: string[]): string[] {
  let best = Infinity;
  let found: string[] = [];
  for (const c of new Set(candidates)) {
    const dist = distance(word, c);
    const similarity = (Math.max(word.length, c.length) - dist) / Math.max(word.length, c.length);
    if (dist > 3 || similarity <= 0.4) continue;
    if (dist < best) [best, found] = [dist, [c]];
    else if (dist === best) found.push(c);
  }
  return found.sort();
}

/** " (Did you mean x?)", in commander's words, or "". */
export function didYouMean(word: string, candidates: string[]): string {
  const n = nearest(word, candidates);
  return n.length ? ` (Did you mean ${n.length > 1 ? `one of ${n.join(', ')}` : n[0]}?)` : '';
}

/** Names and aliases of the visible subcommands of cmd. */
export function visibleSubcommandNames(cmd: Command): string[] {
  return cmd.commands.filter((c) => !isHidden(c)).flatMap((c) => [c.name(), ...c.aliases()]);
}

/** Hidden commands (like __complete) are left out of help, man pages and completion. */
export function isHidden(cmd: Command): boolean {
  return Boolean((cmd as unknown as { _hidden?: boolean })._hidden);
}
