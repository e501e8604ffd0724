import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, parseLocation } from '../../src/store/open.js';
import { Repo } from '../../src/store/repo.js';
import { cannotRun } from '../helpers/cannot-run.js';
import { BIN, TestStore } from './harness.js';

/**
 * Shell completion must never insert text the shell would expand: company names and
 * member e-mails are chosen by other users. Each shell below is a real interactive
 * one in a pseudo-terminal (util-linux `script`) with the completion script loaded;
 * for every way of starting the word (nothing, " or ') and every hostile value, the
 * test types the command line, presses TAB then Enter, and asserts that the command
 * received exactly that value as one argument (a `platformctl` on PATH records its
 * argv) and that nothing ran: the company payloads `touch` a file in the shell's empty
 * working directory; any expansion of an e-mail shows as a changed argument.
 *
 * One engine (local SQLite) is enough here: completion reads the store through the
 * same code on both engines, and completion.test.ts covers both.
 */

// The hostile companies: what is typed before TAB (`typed`, a prefix that names one
// company only) and the whole name. Seeded as "<last name> Company" (the names pass
// the same validation as `account update --company-name`).
const COMPANIES = [
  { typed: 'Cmdsub', name: 'Cmdsub $(touch pwned-cmdsub) Company' },
  { typed: 'Backtick', name: 'Backtick `touch pwned-backtick` Company' },
  { typed: 'Squote', name: "Squote '$(touch pwned-squote)' it's Company" },
  { typed: 'Dquote', name: 'Dquote "$(touch pwned-dquote)" \\"x Company' },
  // Backslashes and "%" also meet the protocol's %XX encoding and the scripts' decoding.
  { typed: 'Bslash', name: 'Bslash \\ \\\\ \\$(touch pwned-bslash) %41 %% Company' },
  { typed: 'Meta', name: 'Meta ; touch pwned-semi | & < > ( ) Company' },
  { typed: 'Glob', name: 'Glob * ? [ab] {x,y} $HOME ${IFS} Company' },
  // History expansion: "!!" would be the previous command line (the one with $(touch …)).
  { typed: 'Bang', name: 'Bang !! !$ !-1 !touch Company' },
  { typed: '~/Til', name: '~/Tilde ~root Company' },
  { typed: '#Has', name: '#Hash Company' },
  { typed: 'Colon', name: 'Colon: a=b:c Company' },
] as const;
// Would be read as an option: offered after "--" only.
const DASHED = { typed: '-Das', name: '-Dash --store=pwned Company' };
// Validation refuses control characters, but the protocol must carry them (or leave
// them out, as fish must): this name is written straight into the store.
const NEWLINE = { typed: 'Newl', name: 'Newline\n$(touch pwned-newline)\tTab Company' };
// E-mails may hold ` $ ' { } ! * ~ too (no blanks nor parentheses: an expansion
// shows as a changed argument).
const EMAILS = [
  { typed: 'bq', email: 'bq`id`$home!!@example.com' },
  { typed: 'sq', email: "sq'`id`'$home!!{a}*~@example.com" },
] as const;

type Start = '' | '"' | "'";
const STARTS: Start[] = ['', '"', "'"];

interface ShellKind {
  name: string;
  command: string;
  script: 'bash' | 'zsh' | 'fish';
  /** Commands typed first: load the completion script and set a numbered prompt. */
  init: (script: string) => string;
  /** Whether a completion can hold a newline or a tab (fish's cannot: it leaves them out). */
  carriesNewlines: boolean;
  available: () => string | undefined;
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// Every prompt shows how many command lines ran, "[pctl N]$ ", for the test to wait
// on; a wide terminal keeps the lines from wrapping.
const bashInit = (script: string) =>
  `stty cols 500 rows 50; __n=0; PROMPT_COMMAND='__n=$((__n+1))'; PS1='[pctl $__n]$ '; . ${q(script)}`;
const SHELLS: ShellKind[] = [
  {
    name: 'bash',
    command: 'bash --norc --noprofile',
    script: 'bash',
    init: bashInit,
    carriesNewlines: true,
    available: () => (has('bash') ? undefined : 'bash'),
  },
  {
    name: 'bash with bash-completion',
    command: 'bash --norc --noprofile',
    script: 'bash',
    // Loaded first, as distributions do from /etc/bash.bashrc.
    init: (script) => `. ${BASH_COMPLETION}; ${bashInit(script)}`,
    carriesNewlines: true,
    available: () => (has('bash') && existsSync(BASH_COMPLETION) ? undefined : 'the bash-completion package'),
  },
  {
    name: 'zsh',
    command: 'zsh -f',
    script: 'zsh',
    init: (script) =>
      `stty cols 500 rows 50; autoload -U compinit && compinit -u; setopt prompt_subst; __n=0; precmd() { (( __n++ )) }; PS1='[pctl $__n]$ '; . ${q(script)}`,
    carriesNewlines: true,
    available: () => (has('zsh') ? undefined : 'zsh'),
  },
  {
    name: 'fish',
    command: 'fish --no-config',
    script: 'fish',
    init: (script) =>
      `stty cols 500 rows 50; set -g __n 0; function fish_prompt; printf '[pctl %s]$ ' $__n; end; ` +
      `function __pctl_count --on-event fish_postexec; set -g __n (math $__n + 1); end; source ${q(script)}`,
    carriesNewlines: false,
    available: () => (has('fish') ? undefined : 'fish'),
  },
];

const plain = (s: string) => s.replace(/\u001b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\u0007]*\u0007|[()][0-9A-B]|[=>])/g, '');

/** An interactive shell in a pseudo-terminal: keys in, terminal output collected. */
class Terminal {
  output = '';
  private readonly proc: ChildProcess;
  readonly exited: Promise<void>;

  constructor(command: string, opts: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.proc = spawn('script', ['-qefc', `exec ${command}`, '/dev/null'], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const onData = (d: Buffer) => (this.output += d.toString('utf8'));
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.proc.on('close', () => resolve()));
  }

  send(keys: string): void {
    this.proc.stdin!.write(keys);
  }

  /** Waits until check() is true; throws with the end of the screen after `ms`. */
  async until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the terminal ends with:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** What the terminal showed from `from` on, escape sequences removed. */
  since(from: number): string {
    return plain(this.output.slice(from));
  }

  tail(): string {
    return plain(this.output).slice(-1500);
  }

  async close(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

/** The argv of each run recorded by the wrapper. */
function readRuns(file: string): string[][] {
  const fields = readFileSync(file, 'utf8').split('\0');
  const runs: string[][] = [];
  for (let i = 0; i + 1 < fields.length;) {
    const argc = Number(fields[i]);
    runs.push(fields.slice(i + 1, i + 1 + argc));
    i += 1 + argc;
  }
  return runs;
}

let t: TestStore;
let root: string;
let wrapperDir: string;
let victim: { company: string; configDir: string };

beforeAll(async () => {
  t = await TestStore.create('local');
  root = join(t.dir, 'shells');
  wrapperDir = join(root, 'bin');
  mkdirSync(wrapperDir, { recursive: true });
  // `platformctl` on PATH: the completion callback runs the built program; any other
  // run only records its argv (argc then each argument, NUL-terminated) in $PCTL_RUNS:
  // what the shell passed is what is under test, and it stays cheap (one node start per case).
  writeFileSync(
    join(wrapperDir, 'platformctl'),
    `#!/bin/sh\n[ "$1" = __complete ] && exec node ${q(BIN)} "$@"\nprintf '%s\\0' "$#" "$@" >>"$PCTL_RUNS"\n`,
    { mode: 0o755 },
  );
  for (const kind of ['bash', 'zsh', 'fish'] as const)
    writeFileSync(join(root, `completion.${kind}`), (await execa('node', [BIN, 'completion', kind])).stdout + '\n');

  // One victim for all the shells (commands in one shell do not change what the
  // others complete), invited to every hostile company; the hostile e-mails are
  // invited to the victim's own company. (The FREE plan has three seats.)
  const owners = [...COMPANIES, DASHED, NEWLINE].map((c, i) => ({
    email: `owner${i}@owners.example`,
    first: 'Own',
    last: c === NEWLINE ? 'Newline' : c.name.replace(/ Company$/, ''),
  }));
  const [v, ...owned] = await t.seedMany([
    { email: 'victim@victims.example', first: 'Vic', last: 'Victim' },
    ...owners,
  ]);
  victim = { company: 'Victim Company', configDir: v.configDir };
  const invites = [
    ...owned.map((o) => o.run(['member', 'invite', v.email, '--role', 'DESIGNER'])),
    v.run(['member', 'invite', ...EMAILS.map((e) => e.email), '--role', 'DESIGNER']),
  ];
  for (const r of await Promise.all(invites)) expect(r.exitCode, r.stderr).toBe(0);

  // A name the validation refuses, written past it.
  const store = await openStore(parseLocation(t.store), { migrate: false, create: false });
  try {
    await store.write(async (tx) => {
      const r = new Repo(tx);
      const [company] = await r.companiesByName('Newline Company');
      await r.renameCompany(company!.id, NEWLINE.name, new Date().toISOString());
    });
  } finally {
    await store.close();
  }
  // The names are the companies' names, exactly, as the program lists them; the
  // program takes a name that begins with "-" after "--".
  const listed = (await v.json<{ name: string }[]>(['company', 'list'])).map((c) => c.name);
  expect(listed.sort()).toEqual([victim.company, ...[...COMPANIES, DASHED, NEWLINE].map((c) => c.name)].sort());
  const dashed = await v.run(['company', 'switch', '--', DASHED.name]);
  expect(dashed.exitCode, dashed.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await t?.dispose();
});

/** What to type for a value prefix after `start`: unquoted, a backslash before ~ and #. */
function typedPrefix(start: Start, prefix: string): string {
  return start === '' ? prefix.replace(/[^A-Za-z0-9_./-]/g, '\\$&') : start + prefix;
}

interface Case {
  label: string;
  /** Keys: the line, with \t for TAB; Enter is added. */
  keys: string;
  /** The argv the command must receive. */
  argv: string[];
}

function casesFor(shell: ShellKind): Case[] {
  const cases: Case[] = [];
  for (const start of STARTS) {
    for (const c of COMPANIES)
      cases.push({
        label: `company switch ${start}${c.typed}`,
        keys: `platformctl company switch ${typedPrefix(start, c.typed)}\t`,
        argv: ['company', 'switch', c.name],
      });
    cases.push({
      label: `company switch -- ${start}${DASHED.typed}`,
      keys: `platformctl company switch -- ${typedPrefix(start, DASHED.typed)}\t`,
      argv: ['company', 'switch', '--', DASHED.name],
    });
    if (shell.carriesNewlines)
      cases.push({
        label: `company switch ${start}${NEWLINE.typed} (newline and tab in the name)`,
        keys: `platformctl company switch ${typedPrefix(start, NEWLINE.typed)}\t`,
        argv: ['company', 'switch', NEWLINE.name],
      });
    else if (start === '')
      // fish cannot carry it: nothing is offered, the word stays as typed.
      cases.push({
        label: `company switch ${NEWLINE.typed} (not offered)`,
        keys: `platformctl company switch ${NEWLINE.typed}\t`,
        argv: ['company', 'switch', NEWLINE.typed],
      });
    for (const e of EMAILS)
      // A flag, a role name and a member e-mail on one line, the company quoted.
      cases.push({
        label: `member set-role … ${start}${e.typed}`,
        keys: `platformctl member set-role --company ${q(victim.company)} --ro\tMAN\t${typedPrefix(start, e.typed)}\t`,
        argv: ['member', 'set-role', '--company', victim.company, '--role', 'MANAGER', e.email],
      });
  }
  return cases;
}

describe.concurrent('TAB then Enter in real shells never runs a value and passes it as one argument', () => {
  for (const shell of SHELLS) {
    // .ci/run installs every shell: under CI, a skip for want of one fails the run (cannotRun).
    const missing = shell.available();
    it(
      shell.name,
      async (ctx) => {
        if (missing) cannotRun(ctx, `${missing} is not installed`, 'tool');
        const dir = join(root, shell.name.replace(/\W+/g, '-'));
        const cwd = join(dir, 'cwd');
        mkdirSync(cwd, { recursive: true });
        const runsFile = join(dir, 'runs');
        writeFileSync(runsFile, '');
        const term = new Terminal(shell.command, {
          cwd,
          env: {
            PATH: `${wrapperDir}:${process.env.PATH}`,
            HOME: dir,
            SHELL: '/bin/sh',
            TERM: 'xterm',
            LANG: 'C.UTF-8',
            LC_ALL: 'C.UTF-8',
            XDG_CONFIG_HOME: join(dir, 'xdg-config'),
            XDG_DATA_HOME: join(dir, 'xdg-data'),
            XDG_CACHE_HOME: join(dir, 'xdg-cache'),
            PLATFORMCTL_STORE: t.store,
            PLATFORMCTL_CONFIG_DIR: victim.configDir,
            PCTL_RUNS: runsFile,
            NO_COLOR: '1',
            fish_greeting: '',
          },
        });
        try {
          let prompts = 0;
          const prompt = () => `[pctl ${prompts}]$ `;
          term.send(shell.init(join(root, `completion.${shell.script}`)) + '\r');
          prompts++;
          await term.until(() => term.since(0).includes(prompt()), `the first prompt of ${shell.name}`);

          // Per case: the argv the command received and the files that appeared.
          const results: { label: string; argv: string[] | string; created: string[] }[] = [];
          const cases = casesFor(shell);
          for (const [i, c] of cases.entries()) {
            // TAB and Enter go in together: the shell reads them in order, Enter after the completion.
            const from = term.output.length;
            term.send(c.keys + '\r');
            prompts++;
            let argv: string[] | string;
            try {
              await term.until(
                () => readRuns(runsFile).length > i && term.since(from).includes(prompt()),
                `the run of "${c.label}"`,
              );
              argv = readRuns(runsFile)[i]!;
            } catch (e) {
              argv = (e as Error).message;
            }
            const created = readdirSync(cwd);
            for (const f of created) rmSync(join(cwd, f), { recursive: true, force: true });
            results.push({ label: c.label, argv, created });
            if (typeof argv === 'string') break; // the shell is in an unknown state (an open quote, say)
          }
          // The whole matrix at once: each value reached the command whole, nothing ran.
          expect(results).toEqual(cases.map((c) => ({ label: c.label, argv: c.argv, created: [] })));
        } finally {
          await term.close();
        }
      },
      120_000,
    );
  }
});
