import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The launcher loads dist/main.js with V8's code cache (bin/load-main.js). A cache that is
// missing, from another build or damaged must never change what the program does: it is
// then compiled as usual. Each case runs a copy of the built package whose cache differs.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the code cache of the built program', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-code-cache-'));
    for (const d of ['bin', 'dist']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cache = () => join(dir, 'dist/main.js.cache');
  const run = async (store: string) => {
    const r = await execa(
      'node',
      [join(dir, 'bin/platformctl.js'), '--store', join(dir, store), '--json', 'store', 'init'],
      { reject: false, env: { PLATFORMCTL_TOKEN: undefined, PLATFORMCTL_STORE: undefined } },
    );
    return { code: r.exitCode, stderr: r.stderr, json: r.exitCode === 0 ? JSON.parse(r.stdout) : undefined };
  };

  it('is made by the build, for this build', () => {
    const id = /^\/\* platformctl build ([0-9a-f]+) \*\//.exec(readFileSync(join(dir, 'dist/main.js'), 'utf8'))?.[1];
    expect(id).toBeDefined();
    expect(
      readFileSync(cache())
        .subarray(0, id!.length + 1)
        .toString(),
    ).toBe(`${id}\n`);
  });

  it('is accepted by this Node (else it only costs a file read)', async () => {
    const probe = `const { script } = require(${JSON.stringify(join(dir, 'bin/load-main.js'))}).loadMain();
      console.log(JSON.stringify(script.cachedDataRejected));`;
    const r = await execa('node', ['-e', probe]);
    expect(r.stdout).toBe('false');
  });

  it('runs the same with the cache, without it, with another build’s, and with a damaged one', async () => {
    const good = readFileSync(cache());
    const expected = await run('a.db');
    expect(expected.code, expected.stderr).toBe(0);
    expect(expected.json).toMatchObject({ engine: 'local', migratedFrom: 0 });

    const variants: [string, (() => void) | undefined][] = [
      ['missing', () => rmSync(cache())],
      [
        'another build',
        () => writeFileSync(cache(), Buffer.concat([Buffer.from('0'.repeat(32) + '\n'), good.subarray(33)])),
      ],
      [
        'damaged',
        () => writeFileSync(cache(), Buffer.concat([good.subarray(0, 33), Buffer.alloc(good.length - 33, 7)])),
      ],
      ['truncated', () => writeFileSync(cache(), good.subarray(0, 100))],
      ['empty', () => writeFileSync(cache(), '')],
    ];
    for (const [name, damage] of variants) {
      damage?.();
      const r = await run(`${name.replace(/\W/g, '-')}.db`);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toBe('');
      expect(r.json, name).toEqual({ ...expected.json, store: r.json.store });
    }
  });
});
