import { afterAll, describe, expect, it } from 'vitest';
import { bulkTuning } from '../src/commands/member/shared/bulk-input.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TIMEOUTS, timeoutsFrom } from '../src/store/timeouts.js';
import { createContext, replicaWaitFrom } from '../src/context.js';
import { bufferIO } from './helpers/io.js';

/**
 * Numbers from the environment (README, docs/bulk.md): whole numbers in decimal digits,
 * or a usage error (exit 2) naming the variable; unset or empty leaves the default.
 */
function refusal(f: () => unknown): { code?: string; exitCode?: number; message: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; exitCode?: number; message: string };
  }
  throw new Error('expected a refusal');
}

const boom = () => {
  throw new Error('nothing is asked');
};
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('numbers from the environment', () => {
  it('bulk tuning: the four variables; unset or empty leaves the engine its own', () => {
    expect(bulkTuning({})).toEqual({
      oneTransaction: undefined,
      chunkRows: undefined,
      pauseMs: undefined,
      memoryMb: undefined,
    });
    expect(
      bulkTuning({
        PLATFORMCTL_BULK_TX_CHANGES: '0',
        PLATFORMCTL_BULK_CHUNK_ROWS: '7',
        PLATFORMCTL_BULK_PAUSE_MS: '',
        PLATFORMCTL_BULK_MEMORY_MB: '0',
      }),
    ).toEqual({ oneTransaction: 0, chunkRows: 7, pauseMs: undefined, memoryMb: 0 });
    expect(bulkTuning({ PLATFORMCTL_BULK_PAUSE_MS: '2000' }).pauseMs).toBe(2000);
  });

  it('timeouts: the defaults, 0 for no wait on other writers, any whole number of ms', () => {
    expect(timeoutsFrom({})).toEqual(DEFAULT_TIMEOUTS);
    expect(timeoutsFrom({ PLATFORMCTL_BUSY_TIMEOUT_MS: '0', PLATFORMCTL_STORE_TIMEOUT_MS: '2500' })).toEqual({
      busyMs: 0,
      requestMs: 2500,
    });
  });

  it('replica wait: unset or empty leaves the default, any whole number of ms from 1', () => {
    expect(replicaWaitFrom({})).toBeUndefined();
    expect(replicaWaitFrom({ PLATFORMCTL_REPLICA_WAIT_MS: '' })).toBeUndefined();
    expect(replicaWaitFrom({ PLATFORMCTL_REPLICA_WAIT_MS: '300' })).toBe(300);
  });

  it.each(['300ms', '0', '-1', '1e3'])(
    'PLATFORMCTL_REPLICA_WAIT_MS=%j refuses to open a remote store (exit 2) before any request',
    async (value) => {
      const configDir = mkdtempSync(join(tmpdir(), 'platformctl-env-'));
      dirs.push(configDir);
      const ctx = createContext({
        io: bufferIO().io,
        prompter: { password: boom, choose: boom, input: boom },
        env: { PLATFORMCTL_REPLICA_WAIT_MS: value },
        // Nothing listens there: a request would fail with exit 7, not 2.
        globals: { store: 'http://127.0.0.1:9/', configDir },
      });
      await expect(ctx.store()).rejects.toMatchObject({
        code: 'USAGE',
        exitCode: 2,
        message: `PLATFORMCTL_REPLICA_WAIT_MS must be a whole number of at least 1; it is "${value}".`,
      });
      await ctx.close();
    },
  );

  it.each([
    ['PLATFORMCTL_BULK_PAUSE_MS', 'abc', 0],
    ['PLATFORMCTL_BULK_PAUSE_MS', '-1', 0],
    ['PLATFORMCTL_BULK_PAUSE_MS', ' 5', 0],
    ['PLATFORMCTL_BULK_PAUSE_MS', '2001', 0],
    ['PLATFORMCTL_BULK_CHUNK_ROWS', '0', 1],
    ['PLATFORMCTL_BULK_CHUNK_ROWS', '2.5', 1],
    ['PLATFORMCTL_BULK_CHUNK_ROWS', '0x10', 1],
    ['PLATFORMCTL_BULK_TX_CHANGES', '1e3', 0],
    ['PLATFORMCTL_BULK_MEMORY_MB', '64M', 0],
    ['PLATFORMCTL_BULK_MEMORY_MB', '4097', 0],
    ['PLATFORMCTL_BUSY_TIMEOUT_MS', '-5', 0],
    ['PLATFORMCTL_BUSY_TIMEOUT_MS', 'Infinity', 0],
    ['PLATFORMCTL_STORE_TIMEOUT_MS', '0', 1],
    ['PLATFORMCTL_STORE_TIMEOUT_MS', '20s', 1],
  ])('%s=%j is refused with exit 2, naming the variable', (name, value, floor) => {
    const read = name.includes('TIMEOUT') ? () => timeoutsFrom({ [name]: value }) : () => bulkTuning({ [name]: value });
    const e = refusal(read);
    expect(e).toMatchObject({ code: 'USAGE', exitCode: 2 });
    // A pause stays under the 5 s after which a run that has not moved may be taken over.
    const ceiling =
      name === 'PLATFORMCTL_BULK_PAUSE_MS'
        ? ' and at most 2000'
        : name === 'PLATFORMCTL_BULK_MEMORY_MB'
          ? ' and at most 4096'
          : '';
    expect(e.message).toBe(`${name} must be a whole number of at least ${floor}${ceiling}; it is "${value}".`);
  });
});
