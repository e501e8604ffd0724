import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the package', () => {
  it('ships the launcher, the bundle, the man pages, the docs the README links and the licence: no source, no source map (which carries every source file)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/platformctl.js');
    expect(files).toContain('dist/main.js');
    expect(files).toContain('man/man1/platformctl.1');
    // What the README links to, and the licence it declares.
    expect(files).toContain('docs/bulk.md');
    expect(files).toContain('LICENSE');
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it('every runtime dependency is imported by the code (an unused one is only installed, audited and shipped)', () => {
    const text = sources(join(root, 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(pkg.dependencies).filter(
      (d) => !new RegExp(`(from|import\\()\\s*['"]${d.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(text),
    );
    expect(unused).toEqual([]);
  });
});
