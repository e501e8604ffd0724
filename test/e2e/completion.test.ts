import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type TestStore } from './harness.js';

// `platformctl` on PATH, as an installed binary is: the scripts call back "${words[0]}".
let home: string;
let pathDir: string;
let bashScript: string;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'platformctl-completion-'));
  pathDir = join(home, 'bin');
  mkdirSync(pathDir);
  symlinkSync(BIN, join(pathDir, 'platformctl'));
  // Printed once, sourced by every bash below (as a completions file would be).
  bashScript = join(home, 'platformctl.bash');
  writeFileSync(bashScript, (await execa('node', [BIN, 'completion', 'bash'])).stdout + '\n');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const q = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

/**
 * Loads `platformctl completion bash` into a clean bash (no bash-completion package),
 * then for each command line (the last word is the one being completed) sets
 * COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT as readline would, calls the function
 * that `complete -p platformctl` names, and returns COMPREPLY.
 */
async function bashComplete(lines: string[][], opts: { cwd?: string } = {}): Promise<string[][]> {
  // One bash per line, all at once: each TAB costs a node start-up.
  return Promise.all(lines.map((words) => bashCompleteOne(words, opts)));
}

async function bashCompleteOne(words: string[], opts: { cwd?: string }): Promise<string[]> {
  const all = ['platformctl', ...words];
  const line = all.join(' ');
  const script = [
    `source ${q(bashScript)} || exit 9`,
    // The function registered for platformctl, as bash would find it on TAB.
    `fn=$(complete -p platformctl | sed -n 's/.*-F \\([^ ]*\\) .*/\\1/p')`,
    '[ -n "$fn" ] || exit 8',
    `COMP_WORDS=(${all.map(q).join(' ')}); COMP_CWORD=${all.length - 1}; COMP_LINE=${q(line)}; COMP_POINT=${line.length}; COMPREPLY=()`,
    '"$fn" platformctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join('\n');
  const r = await execa('bash', ['--norc', '--noprofile', '-c', script], {
    reject: false,
    cwd: opts.cwd ?? home,
    env: {
      PATH: `${pathDir}:${process.env.PATH}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
      PLATFORMCTL_TOKEN: undefined,
      PLATFORMCTL_STORE: undefined,
    },
  });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('completion scripts', () => {
  it('bash completes commands, subcommands, flags, role names and fixed choices from the command tree', async () => {
    const [top, acc, token, flags, roles, rolePrefix, shells, helpPath, nothing] = await bashComplete([
      [''],
      ['acc'],
      ['account', 'token', ''],
      ['member', 'invite', '--r'],
      ['member', 'set-role', 'bob@example.com', '--role', ''],
      ['member', 'list', '--role', 'man'],
      ['completion', ''],
      ['help', 'account', 't'],
      ['frobnicate', ''],
    ]);
    expect(top).toEqual(
      expect.arrayContaining([
        'account',
        'password',
        'company',
        'member',
        'billing',
        'plan',
        'staff',
        'audit',
        'store',
        'completion',
        'help',
      ]),
    );
    expect(top).not.toContain('__complete');
    expect(acc).toEqual(['account']);
    expect(token).toEqual(['create', 'list', 'revoke']);
    expect(flags).toEqual(['--role']);
    expect(roles).toEqual(['ADMINISTRATOR', 'MANAGER', 'DESIGNER']);
    expect(rolePrefix).toEqual(['MANAGER']);
    expect(shells).toEqual(['bash', 'zsh', 'fish']);
    expect(helpPath).toEqual(['token']);
    expect(nothing).toEqual([]);
  });

  it('bash completes global flags anywhere and files for paths', async () => {
    const dir = join(home, 'files');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'backup-1.db'), '');
    const [global, path] = await bashComplete([
      ['company', 'list', '--con'],
      ['store', 'backup', 'files/back'],
    ]);
    expect(global).toEqual(['--config-dir']);
    expect(path).toEqual(['files/backup-1.db']);
  });

  it('zsh and fish scripts are valid for their shells', async () => {
    for (const [shell, check] of [
      ['zsh', ['zsh', '-n']],
      ['fish', ['fish', '-n']],
    ] as const) {
      const script = await execa('node', [BIN, 'completion', shell]);
      expect(script.stdout).toContain('__complete');
      const which = await execa('sh', ['-c', `command -v ${shell}`], { reject: false });
      if (which.exitCode !== 0) continue; // the shell is not installed here: the script is still printed
      const file = join(home, `completion.${shell}`);
      writeFileSync(file, script.stdout);
      const r = await execa(check[0], [check[1], file], { reject: false });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    }
  });

  it('an unknown shell is a usage error (exit 2)', async () => {
    const r = await execa('node', [BIN, 'completion', 'tcsh'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: .*tcsh.*bash, zsh, fish/);
  });

  it('the __complete callback is silent and exits 0 when the store is missing, and creates nothing', async () => {
    const store = join(home, 'nowhere', 'platform.db');
    const r = await execa('node', [BIN, '__complete', '--store', store, 'company', 'switch', ''], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(':none');
    expect(existsSync(store)).toBe(false);
  });
});

describe.each(engines())('completion from the store on %s', (engine) => {
  const fresh = useStore(engine);

  async function setUp(t: TestStore) {
    const [ann, bob] = await Promise.all([
      t.seed('ann@example.com', 'Ann', 'Smith'),
      t.seed('bob@example.com', 'Bob', 'Jones'),
    ]);
    expect((await bob.run(['member', 'invite', 'ann@example.com', '--role', 'DESIGNER'])).exitCode).toBe(0);
    expect((await ann.run(['member', 'invite', 'carol@example.com', '--role', 'MANAGER'])).exitCode).toBe(0);
    return { ann, bob };
  }

  it('company names and member e-mails come from the store for the --store/--config-dir on the line', async () => {
    const t = await fresh();
    const { ann, bob } = await setUp(t);
    const on = (u: typeof ann) => ['--store', t.store, '--config-dir', u.configDir];
    const [companies, byFlag, members, bobsMembers, prefix] = await bashComplete([
      [...on(ann), 'company', 'switch', ''],
      [...on(ann), 'member', 'list', '--company', 'J'],
      [...on(ann), 'member', 'remove', ''],
      [...on(bob), 'member', 'set-role', ''],
      [...on(ann), 'member', 'remove', 'car'],
    ]);
    // Names with spaces come back quoted for the shell.
    expect(companies).toEqual(['Smith\\ Company', 'Jones\\ Company']);
    expect(byFlag).toEqual(['Jones\\ Company']);
    // Never the OWNER, whom member remove and set-role refuse.
    expect(members!.sort()).toEqual(['carol@example.com']);
    expect(bobsMembers!.sort()).toEqual(['ann@example.com']);
    expect(prefix).toEqual(['carol@example.com']);
  });

  it('without a session the callback offers nothing and prints nothing', async () => {
    const t = await fresh();
    await t.seed('ann@example.com');
    const direct = await execa(
      'node',
      [BIN, '__complete', '--store', t.store, '--config-dir', join(t.dir, 'nobody'), 'company', 'switch', ''],
      { reject: false },
    );
    expect(direct.exitCode).toBe(0);
    expect(direct.stderr).toBe('');
    expect(direct.stdout).toBe(':none');
  });
});
