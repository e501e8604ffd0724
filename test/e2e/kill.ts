import { execa } from 'execa';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, type TestStore } from './harness.js';

/**
 * When to SIGKILL the CLI: after a delay, once the local write-ahead log grows (plus a
 * spin), once a check of the store's state passes (progress a test can observe, on any
 * engine: a delay alone misses a run that got faster), or never.
 */
export type KillPoint =
  | { kind: 'delay'; ms: number }
  | { kind: 'wal'; spinMs: number }
  | { kind: 'when'; name: string; check: () => Promise<boolean> }
  | { kind: 'none' };

export const label = (p: KillPoint) =>
  p.kind === 'delay' ? `${p.ms}ms` : p.kind === 'wal' ? `wal+${p.spinMs}ms` : p.kind === 'when' ? p.name : 'none';

/** Size of a file, -1 when it does not exist. */
export const walSize = (p: string) => {
  try {
    return statSync(p).size;
  } catch {
    return -1;
  }
};

/**
 * Starts the CLI on the test's store and SIGKILLs it at the kill point. A "wal" point
 * polls the write-ahead log every millisecond and kills a spin after it starts growing
 * (past minWalBytes: a WAL's 32-byte header alone is no commit yet, which matters when the
 * command reads for long before it writes). Returns whether the process finished first,
 * with its result.
 */
export async function runAndKill(
  t: TestStore,
  args: string[],
  env: Record<string, string>,
  point: KillPoint,
  opts: { wal?: string; minWalBytes?: number } = {},
) {
  const wal = opts.wal ?? `${t.store}-wal`;
  const base = walSize(wal);
  const child = execa('node', [BIN, '--store', t.store, '--config-dir', join(t.dir, 'config-kill'), ...args], {
    reject: false,
    env,
    input: '',
  });
  let finished = false;
  void child.finally(() => (finished = true));
  if (point.kind === 'none') await child;
  else if (point.kind === 'delay') await new Promise((r) => setTimeout(r, point.ms));
  else if (point.kind === 'when') {
    const deadline = Date.now() + 60_000;
    while (!finished && Date.now() < deadline && !(await point.check().catch(() => false)))
      await new Promise((r) => setTimeout(r, 10));
  } else {
    const deadline = Date.now() + 20_000;
    while (!finished && Date.now() < deadline) {
      if (walSize(wal) > Math.max(base, opts.minWalBytes ?? -1)) {
        const until = performance.now() + point.spinMs;
        while (performance.now() < until);
        break;
      }
      // Poll every millisecond: a commit writes to the log for longer than that, and a
      // loop that only yielded (setImmediate) kept one of CI's two cores busy for the
      // seconds the child reads and checks its input before it writes (~19 s CPU a run).
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const early = finished || child.exitCode !== null;
  child.kill('SIGKILL');
  const result = await child;
  return { outcome: early || !result.isTerminated ? ('finished' as const) : ('killed' as const), result };
}
