import { execaSync } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/main.js';
import { cannotRun } from '../helpers/cannot-run.js';
// @ts-expect-error: a build script, plain JavaScript
import { esc } from '../../scripts/man.mjs';

const root = new URL('../../', import.meta.url);
const manRoot = fileURLToPath(new URL('man/', root));
const manDir = fileURLToPath(new URL('man/man1/', root));
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** Whether a program is installed: it answers a harmless probe (groff -v, man --version). */
function installed(cmd: string, args: string[]): boolean {
  try {
    execaSync(cmd, args);
    return true;
  } catch {
    return false;
  }
}
// .ci/run installs both: under CI, a skip for want of them fails the run (cannotRun).
const groff = installed('groff', ['-v']);
const man = installed('man', ['--version']);

/** groff's warnings (-ww: all of them) and its output for a page. */
function render(input: string) {
  const r = execaSync('groff', ['-ww', '-man', '-Tutf8'], { input, reject: false, env: { LC_ALL: 'C.UTF-8' } });
  return { code: r.exitCode, stderr: r.stderr, text: r.stdout.replace(/.\x08/g, '') };
}

const program = buildProgram(() => {
  throw new Error('man pages never run commands');
});
const groups = program.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];

describe('man pages', () => {
  it('package.json "man" lists exactly the generated pages in man/man1/: platformctl.1 and one per command group', () => {
    const expected = ['platformctl.1', ...groups.map((g) => `platformctl-${g.name()}.1`)];
    expect([...pkg.man].sort()).toEqual(expected.map((f) => `man/man1/${f}`).sort());
    expect(readdirSync(manDir).sort()).toEqual(expected.sort());
    expect(readdirSync(manRoot)).toEqual(['man1']);
    // npm install -g / npm link link each entry by its number and basename into
    // <prefix>/share/man/man1/: the entries must end in .1 and be shipped ("files").
    for (const m of pkg.man as string[]) expect(m).toMatch(/^man\/man1\/[^/]+\.1$/);
    expect(pkg.files).toContain('man');
  });

  it('MANPATH=<checkout>/man finds every page with man -w, as a user would look one up', (ctx) => {
    if (!man) cannotRun(ctx, 'man is not installed (apt-get install man-db)', 'tool');
    for (const page of ['platformctl', ...groups.map((g) => `platformctl-${g.name()}`)]) {
      // As typed in a checkout: MANPATH=$PWD/man
      const r = execaSync('man', ['-w', page], { env: { MANPATH: manRoot.replace(/\/$/, '') }, reject: false });
      expect(r.stderr, page).toBe('');
      expect(r.stdout.trim()).toBe(`${manDir}${page}.1`);
    }
  });

  it.for(readdirSync(manDir))('%s renders without a groff warning', (file, ctx) => {
    if (!groff) cannotRun(ctx, 'groff is not installed (apt-get install groff-base)', 'tool');
    const r = render(readFileSync(manDir + file, 'utf8'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/NAME\n\s+platformctl/);
  });

  it('each group page documents every command under it with its flags and examples', () => {
    for (const g of groups) {
      const source = readFileSync(`${manDir}platformctl-${g.name()}.1`, 'utf8');
      for (const c of all(g)) {
        for (const o of c.options) expect(source, `${g.name()}: ${o.flags}`).toContain(esc(o.long ?? o.short));
        for (const a of c.registeredArguments) expect(source).toContain(esc(a.name()));
      }
    }
    const top = readFileSync(manDir + 'platformctl.1', 'utf8');
    for (const g of groups) expect(top).toContain(`\\fBplatformctl\\-${esc(g.name())}\\fR(1)`);
    for (const o of program.options) expect(top).toContain(esc(o.long!));
    expect(top).toContain('.SH EXIT STATUS');
  });

  it('groff specials in text are escaped: leading dots and quotes, backslashes, quotes, non-ASCII', (ctx) => {
    if (!groff) cannotRun(ctx, 'groff is not installed (apt-get install groff-base)', 'tool');
    const tricky = [
      '.TH not a request',
      "'also not a request",
      'back\\slash \\fB not bold',
      'say "hi" — it\'s “fine” ✓',
      '--flag-name',
    ];
    const page =
      ['.TH T 1', '.SH NAME', 't \\- test', '.SH DESCRIPTION', ...tricky.flatMap((t) => [esc(t), '.br'])].join('\n') +
      '\n';
    const r = render(page);
    expect(r.stderr).toBe('');
    const text = r.text.replace(/\s+/g, ' ');
    for (const t of tricky) expect(text).toContain(t);
  });
});
