import { execa } from 'execa';
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, engines, useStore, type Engine, type TestStore } from './harness.js';
import { dumpStore, rowsOf } from './store-dump.js';
import { writeUntilRead } from './input-read.js';

/**
 * Ctrl-C (a real SIGINT to the built binary) during `member import`: while reading nothing
 * changes (exit 8); while a chunked run applies, it stops between two chunks, records the
 * run as failed with how far it got, says so (exit 8), and running the same import again
 * finishes it and records which run it finished.
 */

const ROWS = 6_000;
const CHUNK = 500;

async function setup(t: TestStore) {
  const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
  await ann.grantStaff('ann@example.com');
  await ann.setPlan('Smith Company', 'ENTERPRISE');
  const token = (await ann.json(['account', 'token', 'create', '--name', 'interrupt'])).token as string;
  const file = join(t.dir, 'big.csv');
  writeFileSync(
    file,
    'email,role\n' +
      Array.from({ length: ROWS }, (_, i) => `n${String(i).padStart(5, '0')}@example.org,DESIGNER\n`).join(''),
  );
  const env = {
    PLATFORMCTL_TOKEN: token,
    PLATFORMCTL_BULK_TX_CHANGES: '100',
    PLATFORMCTL_BULK_CHUNK_ROWS: String(CHUNK),
    PLATFORMCTL_BULK_PAUSE_MS: '40',
  };
  return { ann, file, env };
}

const spawn = (t: TestStore, args: string[], env: Record<string, string>, input?: PassThrough) =>
  execa('node', [BIN, '--store', t.store, '--config-dir', join(t.dir, 'config-int'), ...args], {
    reject: false,
    env,
    ...(input ? { input } : { input: '' }),
  });

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 60_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const runsOf = async (engine: Engine, t: TestStore) =>
  rowsOf(await dumpStore(engine, t.store, ['bulk_runs']), 'bulk_runs');

describe.each(engines())('Ctrl-C during member import on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('while reading the input: exit 8, nothing was changed', { timeout: 120_000 }, async () => {
    const t = await fresh();
    const { env } = await setup(t);
    const stdin = new PassThrough();
    // Enough to see the import reading it, which it does only once its handler for Ctrl-C is
    // in place (a fixed sleep was too short on a loaded machine: the signal came during
    // start-up and killed the process outright).
    const lines = Array.from({ length: 8_000 }, (_, i) => `x${String(i).padStart(5, '0')}@example.org,DESIGNER\n`);
    const child = spawn(t, ['member', 'import', '-'], env, stdin);
    await writeUntilRead(stdin, child, 'email,role\n' + lines.join(''));
    // The import now waits on a standard input that never ends: no lock is held.
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, JSON.stringify([r.stdout, r.stderr])).toBe(8);
    expect(r.stderr).toContain('Interrupted while reading the input; nothing was changed.');
    expect(r.stderr).not.toContain('error:');
    expect(await runsOf(engine, t)).toEqual([]);
  });

  it(
    'while a chunked run applies: stops between chunks, exit 8 with the run and how far it got; the same import again finishes it',
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const { ann, file, env } = await setup(t);
      const child = spawn(t, ['member', 'import', file], env);
      await until(async () => Number((await runsOf(engine, t))[0]?.rows ?? 0) >= CHUNK, 'the first chunk');
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(8);
      const runs = await runsOf(engine, t);
      expect(runs).toHaveLength(1);
      const run = runs[0]!;
      const k = Number(run.rows);
      expect(run).toMatchObject({ status: 'failed', error: 'interrupted (Ctrl-C or SIGTERM)', planned: ROWS });
      expect(k % CHUNK).toBe(0);
      expect(k).toBeGreaterThan(0);
      expect(k).toBeLessThan(ROWS);
      expect(r.stderr).toContain(
        `Interrupted: import run ${String(run.id)} stopped after ${k.toLocaleString('en')} of 6,000 changes (input lines up to ${k + 1}).`,
      );
      expect(r.stderr).toContain('Run the same import again to finish it.');
      // Exactly the prefix the record reports.
      const d = await dumpStore(engine, t.store, ['invitations']);
      expect(rowsOf(d, 'invitations')).toHaveLength(k);
      await t.expectClean();

      // Visible from the CLI: the run's stop entry says how far it got.
      const stops = await ann.json<Record<string, any>[]>(['audit', 'list', '--action', 'member.import.stop']);
      expect(stops).toHaveLength(1);
      expect(stops[0]!.details).toMatchObject({ run: run.id, status: 'failed', applied: k, planned: ROWS });

      const again = await t.run(['--json', 'member', 'import', file], { env });
      expect(again.exitCode, again.stderr).toBe(0);
      const rep = JSON.parse(again.stdout);
      expect(rep).toMatchObject({ invited: ROWS - k, unchanged: k, failed: 0 });
      expect(rep.run).toMatchObject({ status: 'done', finished: [run.id] });
      expect((await runsOf(engine, t)).map((x) => [x.status, x.error])).toEqual([
        ['failed', `interrupted (Ctrl-C or SIGTERM); finished by run ${rep.run.id}`],
        ['done', null],
      ]);
      const summary = await ann.json<Record<string, any>[]>(['audit', 'list', '--action', 'member.import']);
      expect(summary[0]!.details).toMatchObject({ run: rep.run.id, finished: [run.id] });
      const d2 = await dumpStore(engine, t.store, ['invitations']);
      expect(rowsOf(d2, 'invitations')).toHaveLength(ROWS);
    },
  );

  it(
    'SIGTERM stops the same way; a second signal quits at once with the store consistent',
    { timeout: 180_000 },
    async () => {
      const t = await fresh();
      const { file, env } = await setup(t);
      const child = spawn(t, ['member', 'import', file], { ...env, PLATFORMCTL_BULK_PAUSE_MS: '400' });
      await until(async () => Number((await runsOf(engine, t))[0]?.rows ?? 0) >= CHUNK, 'the first chunk');
      child.kill('SIGTERM');
      child.kill('SIGTERM');
      const r = await child;
      // Either the first signal's stop was quicker than the second (8), or the second quit at once (143).
      expect([8, 143], r.stderr).toContain(r.exitCode);
      await t.expectClean();
      const runs = await runsOf(engine, t);
      expect(runs).toHaveLength(1);
      expect(['running', 'failed']).toContain(runs[0]!.status);
      const d = await dumpStore(engine, t.store, ['invitations']);
      const k = rowsOf(d, 'invitations').length;
      expect(k % CHUNK).toBe(0);
      expect(k).toBeLessThan(ROWS);
    },
  );
});
