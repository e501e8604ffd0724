import { describe, expect, it } from 'vitest';
import { ENGINE_LIMITS, gapAfterChunk } from '../../../src/domain/bulk/job.js';

/**
 * The pause a chunked import leaves after each chunk (docs/bulk.md). On sqld, writers
 * queue for the lock inside the server, which wakes one of them when a chunk commits;
 * the gap grows with the chunk so that the woken writer takes the lock before the
 * importer's next BEGIN, also on a loaded server. Timing itself is measured by
 * `npm run bench:scale`, never asserted.
 */
describe('the gap after a chunk', () => {
  const libsql = { ...ENGINE_LIMITS.libsql, pauseFixed: false };
  const local = { ...ENGINE_LIMITS.local, pauseFixed: false };

  it('on sqld is a quarter of the time the chunk held the lock, never less than the engine pause', () => {
    expect(gapAfterChunk(libsql, 200)).toBe(50);
    expect(gapAfterChunk(libsql, 1200)).toBe(300);
    expect(gapAfterChunk(libsql, 40)).toBe(libsql.pauseMs);
    expect(gapAfterChunk(libsql, 0)).toBe(libsql.pauseMs);
  });

  it('on a local file stays the engine pause (its writers retry every few ms)', () => {
    expect(gapAfterChunk(local, 60)).toBe(local.pauseMs);
    expect(gapAfterChunk(local, 5000)).toBe(local.pauseMs);
  });

  it('set by PLATFORMCTL_BULK_PAUSE_MS is taken as it is', () => {
    expect(gapAfterChunk({ ...libsql, pauseMs: 0, pauseFixed: true }, 1000)).toBe(0);
    expect(gapAfterChunk({ ...libsql, pauseMs: 40, pauseFixed: true }, 1000)).toBe(40);
  });
});
