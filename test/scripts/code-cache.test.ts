import { execa, execaSync } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The launcher loads dist/main.js with V8's code cache (bin/load-main.js). A cache that is
// missing, stale, damaged or not a file must never change what the program does: it is
// then compiled as usual. The cases run a copy of the built package (the cache is made
// again there: a cache names the place it was made for).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the code cache of the built program', () => {
  let dir: string;
  let good: Buffer;
  const cache = () => join(dir, 'dist/main.js.cache');
  const main = () => join(dir, 'dist/main.js');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-code-cache-'));
    for (const d of ['bin', 'dist']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    mkdirSync(join(dir, 'scripts'));
    cpSync(join(ROOT, 'scripts/code-cache.cjs'), join(dir, 'scripts/code-cache.cjs'));
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    // As the build makes it, for this copy.
    rmSync(cache(), { force: true });
    await execa('node', [join(dir, 'scripts/code-cache.cjs'), '--store', join(dir, 'made.db'), 'store', 'init']);
    good = readFileSync(cache());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[]) =>
    execa('node', [join(dir, 'bin/platformctl.js'), ...args], {
      reject: false,
      timeout: 20_000,
      env: { PLATFORMCTL_TOKEN: undefined, PLATFORMCTL_STORE: undefined },
    });
  const init = async (store: string) => {
    const r = await run(['--store', join(dir, store), '--json', 'store', 'init']);
    return { code: r.exitCode, stderr: r.stderr, json: r.exitCode === 0 ? JSON.parse(r.stdout) : undefined };
  };
  const accepted = async () => {
    const probe = `const { script } = require(${JSON.stringify(join(dir, 'bin/load-main.js'))}).loadMain();
      console.log(JSON.stringify(script.cachedDataRejected));`;
    return (await execa('node', ['-e', probe])).stdout;
  };

  it('is made for this very bundle, and this Node accepts it (else it only costs a file read)', async () => {
    const head = JSON.parse(good.subarray(0, good.indexOf(10)).toString());
    expect(head).toMatchObject({ file: main() });
    expect(await accepted()).toBe('false');
  });

  it('runs the same with the cache, without it, and with a damaged, foreign or odd one', async () => {
    const expected = await init('a.db');
    expect(expected.code, expected.stderr).toBe(0);
    expect(expected.json).toMatchObject({ engine: 'local', migratedFrom: 0 });
    const nl = good.indexOf(10);
    const damaged = (at: number) => {
      const b = Buffer.from(good);
      b.write('XXXX', nl + 1 + at, 'latin1');
      return b;
    };
    const variants: [string, () => void][] = [
      ['missing', () => undefined],
      // Bytes of the V8 data changed where, unchecked, they crash the process (exit 139 / 133).
      ['damaged near the start', () => writeFileSync(cache(), damaged(60))],
      ['damaged in the middle', () => writeFileSync(cache(), damaged(Math.floor((good.length - nl) / 2)))],
      [
        'made at another place',
        () => writeFileSync(cache(), good.toString('latin1').replace(main(), '/elsewhere/dist/main.js'), 'latin1'),
      ],
      ['truncated', () => writeFileSync(cache(), good.subarray(0, 100))],
      ['empty', () => writeFileSync(cache(), '')],
      ['a directory', () => mkdirSync(cache())],
      ['a FIFO (it would block)', () => execaSync('mkfifo', [cache()])],
      ['an endless device', () => symlinkSync('/dev/zero', cache())],
    ];
    for (const [name, damage] of variants) {
      rmSync(cache(), { recursive: true, force: true });
      damage();
      const r = await init(`${name.replace(/\W/g, '-')}.db`);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).toBe('');
      expect(r.json, name).toEqual({ ...expected.json, store: r.json.store });
    }
    rmSync(cache(), { recursive: true, force: true });
    writeFileSync(cache(), good);
  });

  it('is not used once dist/main.js is edited, even to the same length', async () => {
    const source = readFileSync(main(), 'utf8');
    const old = await run(['--store', join(dir, 'nowhere', 'x.db'), 'store', 'check']);
    const edited = source.replaceAll('There is no store at', 'THERE IS NO STORE AT');
    expect(edited.length).toBe(source.length);
    expect(edited).not.toBe(source);
    writeFileSync(main(), edited);
    try {
      expect(await accepted()).toBe('undefined'); // not even offered to V8
      const r = await run(['--store', join(dir, 'nowhere', 'x.db'), 'store', 'check']);
      expect(old.stderr).toContain('There is no store at');
      expect(r.stderr).toContain('THERE IS NO STORE AT');
      expect(r.stderr.replace('THERE IS NO STORE AT', 'There is no store at')).toBe(old.stderr);
    } finally {
      writeFileSync(main(), source);
    }
  });
});
