import { describe, expect, it } from 'vitest';
import { bulkTuning } from '../../../src/commands/member/shared/bulk-input.js';

/** The bulk engine's tuning variables (docs/bulk.md): whole numbers, or a usage error (exit 2). */
describe('bulkTuning', () => {
  it('reads the three variables; unset or empty leaves the engine its own', () => {
    expect(bulkTuning({})).toEqual({ oneTransaction: undefined, chunkRows: undefined, pauseMs: undefined });
    expect(
      bulkTuning({ PLATFORMCTL_BULK_TX_CHANGES: '0', PLATFORMCTL_BULK_CHUNK_ROWS: '7', PLATFORMCTL_BULK_PAUSE_MS: '' }),
    ).toEqual({ oneTransaction: 0, chunkRows: 7, pauseMs: undefined });
  });

  it.each([
    ['PLATFORMCTL_BULK_PAUSE_MS', 'abc', 'at least 0'],
    ['PLATFORMCTL_BULK_PAUSE_MS', '-1', 'at least 0'],
    ['PLATFORMCTL_BULK_CHUNK_ROWS', '0', 'at least 1'],
    ['PLATFORMCTL_BULK_CHUNK_ROWS', '2.5', 'at least 1'],
    ['PLATFORMCTL_BULK_TX_CHANGES', '1e3x', 'at least 0'],
  ])('%s=%s is refused with exit 2, naming the variable', (name, value, floor) => {
    let e: unknown;
    try {
      bulkTuning({ [name]: value });
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(String((e as Error).message)).toBe(`${name} must be a whole number of ${floor}; it is "${value}".`);
  });
});
