import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, configureTree, examplesOf, main } from '../../src/main.js';
import { bufferIO } from '../helpers/io.js';
import { BIN } from './harness.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** The whole tree, as the program builds it (commands never run here). */
function tree(): Command {
  const program = buildProgram(() => {
    throw new Error('help must not build a context');
  });
  configureTree(program, { writeOut() {}, writeErr() {}, outputError() {} });
  return program;
}

const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
const pathOf = (c: Command): string[] => (c.parent ? [...pathOf(c.parent), c.name()] : []);

/** Runs main in-process with buffered streams (no TTY). */
async function run(argv: string[]) {
  const b = bufferIO();
  const code = await main(argv, { io: () => b.io, env: {} });
  return { code, stdout: b.stdout(), stderr: b.stderr() };
}

/** Runs the built binary; help never touches a store, but point it at nothing real. */
const cli = (args: string[]) =>
  execa(
    'node',
    [BIN, '--store', '/nonexistent/platformctl-help.db', '--config-dir', '/nonexistent/platformctl-help', ...args],
    { reject: false, env: { NO_COLOR: undefined, FORCE_COLOR: undefined } },
  );

describe('help', () => {
  const commands = all(tree());

  it('every command, group included, has a description and examples; every option and argument a description', () => {
    const missing: string[] = [];
    for (const c of commands) {
      const name = ['platformctl', ...pathOf(c)].join(' ');
      if (!c.description().trim()) missing.push(`${name}: description`);
      if (!examplesOf(c).length) missing.push(`${name}: examples`);
      for (const o of c.options) if (!o.description.trim()) missing.push(`${name} ${o.flags}: description`);
      for (const a of c.registeredArguments)
        if (!a.description.trim()) missing.push(`${name} <${a.name()}>: description`);
    }
    expect(missing).toEqual([]);
    // The walk saw the tree, not a stub of it.
    expect(commands.length).toBeGreaterThan(20);
  });

  it("`help <command...>` prints each command's usage, options and examples on stdout, at any depth", async () => {
    for (const c of commands) {
      const path = pathOf(c);
      const r = await run(['help', ...path]);
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`Usage: ${['platformctl', ...path].join(' ')}`);
      expect(r.stdout).toMatch(/\nExamples:\n {2}[$#] /);
      // Each example's command, and its comment (on the line above it) when it has one.
      // (A long one is continued on the next line with a backslash, as a shell reads it.)
      const shown = r.stdout.replace(/ \\\n {6}/g, ' ');
      for (const e of examplesOf(c)) {
        const [command, comment] = e.split(/\s{2,}#\s+/);
        expect(shown).toContain(`$ ${command}\n`);
        if (comment) expect(shown).toContain(`  # ${comment}\n  $ ${command}\n`);
      }
      // Global flags are shown in every command's help.
      expect(r.stdout).toContain('--store <location>');
    }
  });

  it('help works the same through the binary: help, --help and a bare group', async () => {
    const nested = await cli(['help', 'account', 'token', 'create']);
    expect(nested.exitCode).toBe(0);
    expect(nested.stdout).toMatch(/^Usage: platformctl account token create \[options\]/);
    expect(nested.stdout).toContain('--name <name>');
    const flag = await cli(['account', 'token', 'create', '--help']);
    expect(flag.exitCode).toBe(0);
    expect(flag.stdout).toBe(nested.stdout);
    // A group alone shows its help and succeeds, as gh does.
    const group = await cli(['member']);
    expect(group.exitCode).toBe(0);
    expect(group.stdout).toMatch(/^Usage: platformctl member /);
    expect(group.stdout).toContain('set-role');
    expect(group.stderr).toBe('');
    const root = await cli([]);
    expect(root.exitCode).toBe(0);
    expect(root.stdout).toMatch(/^Usage: platformctl /);
    expect(root.stdout).toContain('Exit codes:');
  });

  it.each([
    [['acount'], "unknown command 'acount' (Did you mean account?)"],
    [['account', 'shw'], "unknown command 'shw' (Did you mean show?)"],
    [['member', 'set-rol', 'a@example.com'], "unknown command 'set-rol' (Did you mean set-role?)"],
    [['account', 'show', '--jsn'], "unknown option '--jsn' (Did you mean --json?)"],
    [['member', 'list', '--stauts', 'ACTIVE'], "unknown option '--stauts' (Did you mean --status?)"],
    [['help', 'acount'], "unknown command 'acount' for 'platformctl' (Did you mean account?)"],
    [['help', 'account', 'tken', 'create'], "unknown command 'tken' for 'platformctl account' (Did you mean token?)"],
  ])('a typo (%j) suggests the nearest name and exits 2', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${message}\n`);
  });

  it('a typo with --json is one JSON error on stderr, through the binary', async () => {
    const r = await cli(['--json', 'compny', 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'USAGE', message: "unknown command 'compny' (Did you mean company?)" },
    });
  });

  it('a name far from every command gets no random suggestion', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'frobnicate'\n");
  });

  it('--version prints the package version, on the fast path (alone) and through the program', async () => {
    const results = await Promise.all([
      execa('node', [BIN, '--version'], { reject: false }),
      execa('node', [BIN, '-V'], { reject: false }),
      cli(['--json', '--version']),
    ]);
    for (const r of results) {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(pkg.version);
    }
  });
});
