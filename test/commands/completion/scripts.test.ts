import { execa } from 'execa';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { formatCompletion } from '../../../src/commands/completion/shared/complete.js';
import { completionScript } from '../../../src/commands/completion/shared/scripts.js';
import { cannotRun } from '../../helpers/cannot-run.js';

/**
 * The scripts' side of the `__complete` protocol, without a terminal: each script is
 * loaded into its shell and its completion function called the way the shell calls
 * it, against a fake `platformctl` that prints a canned answer with hostile values and
 * records the words it was given. test/e2e/completion-shells.test.ts drives the same
 * scripts in real interactive shells.
 */

const HOSTILE = [
  'Acme $(touch pwned) Co',
  'Back `touch pwned` tick',
  "It's '$(touch pwned)'",
  'Dq "$(touch pwned)" \\"',
  'Bs \\ \\\\ \\$x \\x41 %41 %% 100%',
  'Bang !! !$ !-1',
  '~/tilde ~root',
  'Glob * ? [ab] {x,y} $HOME',
  '#hash ; | & < > ( )',
  'Colon: a=b:c',
  'Newline\n$(touch pwned)\ttab',
  'Esc \u001b[31m red \u007f',
  'Unicode é 😀 \u00a0',
  'C1 \u0085 \u009b x',
];

let dir: string;
let fakeBin: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'platformctl-scripts-'));
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  // Records its argv (NUL-separated) and prints $FAKE_OUT.
  writeFileSync(join(fakeBin, 'platformctl'), '#!/bin/sh\nprintf \'%s\\0\' "$@" >"$FAKE_ARGV"\ncat "$FAKE_OUT"\n', {
    mode: 0o755,
  });
  for (const shell of ['bash', 'zsh', 'fish'] as const) writeFileSync(join(dir, shell), completionScript(shell));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
/** Skips the test when the shell is missing: .ci/run installs them, so under CI the skip fails the run. */
function requireShell(ctx: TestContext, shell: string): void {
  if (!has(shell)) cannotRun(ctx, `${shell} is not installed`, 'tool');
}

let calls = 0;
/** Runs a shell script with the fake on PATH answering `answer`; returns stdout split at NUL and the fake's argv. */
async function withFake(shell: string[], script: string, answer: string) {
  const n = ++calls;
  const out = join(dir, `out-${n}`);
  const argv = join(dir, `argv-${n}`);
  writeFileSync(out, answer);
  writeFileSync(argv, '');
  const r = await execa(shell[0]!, [...shell.slice(1), script], {
    cwd: dir,
    reject: false,
    env: { PATH: `${fakeBin}:${process.env.PATH}`, FAKE_OUT: out, FAKE_ARGV: argv, LANG: 'C.UTF-8', HOME: dir },
  });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return { fields: r.stdout.split('\0').slice(0, -1), argv: readFileSync(argv, 'utf8').split('\0').slice(0, -1) };
}

const values = (vs: string[]) => formatCompletion({ candidates: vs.map((value) => ({ value })), directive: 'none' });
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('bash script', () => {
  // "$'" is ANSI-C quoting, closed by '.
  const QUOTES = ['', '"', "'", "$'"] as const;

  it('quotes any value so that, after each opening quote, the shell reads it back whole and expands nothing', async () => {
    const alphabet = fc.constantFrom(...'aZ \t\n\u001b%\\\'"`$(){}[]*?~!#;|&<>:=-é'.split(''), '$(', '${', '!!');
    const samples = [...HOSTILE, ...fc.sample(fc.string({ unit: alphabet, minLength: 1, maxLength: 20 }), 150)];
    writeFileSync(join(dir, 'values'), samples.map((v) => v + '\0').join(''));
    // For each value and quote: the word as TAB leaves it (quote, REPLY, closing quote
    // added by readline) evaluated by bash, and the script's own reading of it.
    const script = `
      . ${sq(join(dir, 'bash'))}
      while IFS= read -r -d '' v; do
        for q in '' '"' "'" "\\$'"; do
          __platformctl_quote "$v" "$q"
          eval "set -- $q$REPLY\${q: -1}"
          printf '%s\\0' "$#" "$1"
          __platformctl_dequote "$q$REPLY"
          printf '%s\\0' "$REPLY" "$__platformctl_q"
        done
      done < values`;
    const { fields } = await withFake(['bash', '--norc', '--noprofile', '-c'], script, '');
    const got: unknown[] = [];
    const want: unknown[] = [];
    samples.forEach((v, i) =>
      QUOTES.forEach((q, j) => {
        const at = (i * QUOTES.length + j) * 4;
        got.push({ v, q, argc: fields[at], arg: fields[at + 1], read: fields[at + 2], open: fields[at + 3] });
        want.push({ v, q, argc: '1', arg: v, read: v, open: q });
      }),
    );
    expect(got).toEqual(want);
    expect(readdirSync(dir)).not.toContain('pwned');
  });

  /**
   * Calls the completion function as readline does for `line` (COMP_WORDS split at
   * blanks and COMP_WORDBREAKS, the text after an open quote or a break in $2), then
   * evaluates each reply as the line would hold it.
   */
  async function bashComplete(o: {
    words: string[];
    line?: string;
    text: string;
    keep: string;
    close: string;
    answer: string;
  }) {
    const line = o.line ?? o.words.join(' ');
    const script = `
      . ${sq(join(dir, 'bash'))}
      COMP_WORDS=(${o.words.map(sq).join(' ')}); COMP_CWORD=${o.words.length - 1}
      COMP_LINE=${sq(line)}; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()
      _platformctl_completion platformctl ${sq(o.text)} ${sq(o.words.at(-2)!)}
      keep=${sq(o.keep)} close=${sq(o.close)}
      for r in "\${COMPREPLY[@]}"; do eval "set -- $keep$r$close"; printf '%s\\0' "$#" "$1"; done`;
    const { fields, argv } = await withFake(['bash', '--norc', '--noprofile', '-c'], script, o.answer);
    const words: string[] = [];
    for (let i = 0; i < fields.length; i += 2) {
      expect(fields[i], `one word for ${fields[i + 1]}`).toBe('1');
      words.push(fields[i + 1]!);
    }
    return { words, argv };
  }

  it("completes hostile values after no quote, \", ' and $' into exactly those values", async () => {
    for (const [open, close] of [
      ['', ''],
      ['"', '"'],
      ["'", "'"],
      ["$'", "'"],
    ] as const) {
      const r = await bashComplete({
        words: ['platformctl', 'company', 'switch', open],
        text: '',
        keep: open,
        close,
        answer: values(HOSTILE),
      });
      expect(r.words, `after ${open || 'no quote'}`).toEqual(HOSTILE);
      expect(r.argv).toEqual(['__complete', 'company', 'switch', '']);
    }
  });

  it('passes the words dequoted and keeps what stays before the replaced text (--opt=, a:)', async () => {
    const quoted = await bashComplete({
      words: ['platformctl', 'member', 'remove', '--company', `'It'\\''s "x"'`, '"a'],
      text: 'a',
      keep: '"',
      close: '"',
      answer: values(['a $(b)']),
    });
    expect(quoted.argv).toEqual(['__complete', 'member', 'remove', '--company', `It's "x"`, 'a']);
    expect(quoted.words).toEqual(['a $(b)']);
    // "--company=" is split at "=" by COMP_WORDBREAKS; readline replaces what follows it.
    const eq = await bashComplete({
      words: ['platformctl', 'member', 'list', '--company', '=', '"Ac'],
      line: 'platformctl member list --company="Ac',
      text: 'Ac',
      keep: '--company="',
      close: '"',
      answer: values(['--company=Acme $(x) Co', '--other=Acme']),
    });
    expect(eq.argv).toEqual(['__complete', 'member', 'list', '--company=Ac']);
    expect(eq.words).toEqual(['--company=Acme $(x) Co']);
    // ":" too: readline replaces what follows it.
    const colon = await bashComplete({
      words: ['platformctl', 'company', 'switch', 'Colon', ':', '\\ a'],
      line: 'platformctl company switch Colon:\\ a',
      text: '\\ a',
      keep: 'Colon:',
      close: '',
      answer: values(['Colon: a=b:c $(x)', 'Other: a']),
    });
    expect(colon.argv).toEqual(['__complete', 'company', 'switch', 'Colon: a']);
    expect(colon.words).toEqual(['Colon: a=b:c $(x)']);
  });
});

describe('zsh script', () => {
  it('hands compadd the decoded values and _describe escaped ones; passes the words dequoted', async (ctx) => {
    requireShell(ctx, 'zsh');
    for (const quote of ['', '"', "'"]) {
      // Outside a completion widget: compadd and _describe record what they are given.
      const script = `
        compdef() { :; }
        compadd() { [[ $1 == -a ]] && printf 'plain:%s\\0' "\${(@P)2}" }
        _describe() { printf 'described:%s\\0' "\${(@P)4}" }
        . ${sq(join(dir, 'zsh'))}
        typeset -A compstate; compstate[quote]=${sq(quote)}
        words=(platformctl member remove --company ${sq("'It'\\''s \"x\"'")} ${sq(quote + 'a\\ b')}); CURRENT=6
        PREFIX='a\\ b'
        _platformctl`;
      const answer = formatCompletion({
        candidates: [...HOSTILE.map((value) => ({ value })), { value: 'de:sc\\r', description: 'a\tflag' }],
        directive: 'none',
      });
      const { fields, argv } = await withFake(['zsh', '-f', '-c'], script, answer);
      expect(fields).toEqual(['described:de\\:sc\\\\r:a flag', ...HOSTILE.map((v) => `plain:${v}`)]);
      // Only unquoted does the backslash quote the blank; in "…" and '…' it is the user's.
      expect(argv).toEqual(['__complete', 'member', 'remove', '--company', `It's "x"`, quote ? 'a\\ b' : 'a b']);
    }
  });
});

describe('fish script', () => {
  it('gives fish the decoded values (it quotes them itself), leaves out those with a tab or newline, passes the words unescaped', async (ctx) => {
    requireShell(ctx, 'fish');
    for (const start of ['', '"', "'"]) {
      const line = `platformctl member remove --company "It's \\"x\\"" ${start}`;
      const { fields, argv } = await withFake(
        ['fish', '--no-config', '-c'],
        `source ${sq(join(dir, 'fish'))}; complete -C ${sq(line)} | string join0`,
        formatCompletion({
          candidates: [...HOSTILE.map((value) => ({ value })), { value: '--role', description: 'the\nrole' }],
          directive: 'none',
        }),
      );
      // fish filters by what is typed (nothing) and sorts; the values themselves are whole.
      const expected = [...HOSTILE.filter((v) => !/[\t\n]/.test(v)), '--role\tthe role'];
      expect([...fields].sort()).toEqual([...expected].sort());
      expect(argv).toEqual(['__complete', 'member', 'remove', '--company', `It's "x"`, '']);
    }
  });
});
