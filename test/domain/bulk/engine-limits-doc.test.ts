import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_LIMITS } from '../../../src/domain/bulk/job.js';

/**
 * docs/bulk.md tells users how many changes one transaction applies on each engine and how
 * chunks are paced: the code's numbers are the documented ones.
 */
describe('the bulk engine limits docs/bulk.md states', () => {
  const doc = readFileSync(new URL('../../../docs/bulk.md', import.meta.url), 'utf8');
  const n = (x: number) => x.toLocaleString('en');

  it('one transaction applies at most 20,000 changes locally and 10,000 on sqld', () => {
    expect(doc).toContain(`| local file | ${n(ENGINE_LIMITS.local.oneTransaction)} changes |`);
    expect(doc).toContain(`| sqld (primary or replica) | ${n(ENGINE_LIMITS.libsql.oneTransaction)} changes |`);
    expect([ENGINE_LIMITS.local.oneTransaction, ENGINE_LIMITS.libsql.oneTransaction]).toEqual([20_000, 10_000]);
  });

  it('chunks hold the lock about 60 ms locally and 200 ms on sqld, with pauses of 40 and 25 ms', () => {
    expect(doc).toContain(
      `about ${ENGINE_LIMITS.local.chunkTargetMs} ms on a local file and ${ENGINE_LIMITS.libsql.chunkTargetMs} ms on sqld, and the importer pauses after each (${ENGINE_LIMITS.local.pauseMs} ms\nlocally, ${ENGINE_LIMITS.libsql.pauseMs} ms on sqld)`,
    );
    expect(doc).toContain(
      `(default ${ENGINE_LIMITS.local.pauseMs} ms locally, ${ENGINE_LIMITS.libsql.pauseMs} ms on sqld)`,
    );
  });
});
