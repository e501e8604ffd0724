import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const config = fileURLToPath(new URL('fixture/vitest.config.ts', import.meta.url));

/** Runs vitest on the fixture (two cannot-run skips, one ordinary skip, one pass). */
const runFixture = (env: Record<string, string | undefined>) =>
  execa('npx', ['vitest', 'run', '--config', config], {
    reject: false,
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
    extendEnv: true,
  });

describe('tests that cannot run', () => {
  it('are skipped with their reasons and listed at the end; outside CI the run still passes', async () => {
    const r = await runFixture({ CI: undefined });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 passed \| 3 skipped/);
    expect(r.stderr).toContain(
      '2 test(s) could not run in this environment:\n' +
        '  needs a widget > uses the widget: no widget here\n' +
        '  needs a gadget: no gadget here',
    );
  });

  it('fail the run under CI, which must run them all; an ordinary skip does not', async () => {
    const r = await runFixture({ CI: 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('2 test(s) could not run in this environment — CI must run them all:');
    expect(r.stderr).not.toContain('only applies elsewhere');
  });
});
