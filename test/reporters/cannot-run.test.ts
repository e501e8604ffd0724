import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const config = fileURLToPath(new URL('fixture/vitest.config.ts', import.meta.url));

/**
 * Runs vitest on fixture files: skips (two skips for a missing tool, one ordinary skip,
 * one pass), privileges (one skip for a missing privilege, one pass).
 */
const runFixture = (env: Record<string, string | undefined>, files = ['skips']) =>
  execa('npx', ['vitest', 'run', '--config', config, ...files], {
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

  it('a missing privilege of the machine is listed with its reason but never fails the run, even under CI', async () => {
    const r = await runFixture({ CI: 'true' }, ['privileges']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 passed \| 1 skipped/);
    expect(r.stderr).toContain(
      '1 test(s) could not run without a privilege this machine does not grant (not a failure, even under CI):\n' +
        '  needs root: not root here',
    );
    expect(r.stderr).not.toContain('could not run in this environment');
  });

  it('both kinds: each listed under its own heading; under CI the missing tools alone fail the run', async () => {
    for (const ci of [undefined, 'true']) {
      const r = await runFixture({ CI: ci }, ['skips', 'privileges']);
      expect(r.exitCode, `CI=${ci}`).toBe(ci ? 1 : 0);
      expect(r.stderr).toMatch(
        /\n2 test\(s\) could not run in this environment(| — CI must run them all):\n {2}needs a widget > uses the widget: no widget here\n {2}needs a gadget: no gadget here\n/,
      );
      expect(r.stderr).toContain(
        '1 test(s) could not run without a privilege this machine does not grant (not a failure, even under CI):\n' +
          '  needs root: not root here',
      );
    }
  });
});
