import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, useStore, type Engine } from './harness.js';
import { dumpStore, rowsOf } from './store-dump.js';

/**
 * A chunked import leaves gaps between its chunks so that other writers get the write
 * lock (docs/bulk.md): someone who writes while an import runs succeeds (exit 0) and the
 * import still completes, whole, on both engines. How long the writer waited is measured
 * by `npm run bench:scale`, never here.
 */

const ROWS = 3_000;
const CHUNK = 100;

describe.each(engines())('a writer during a chunked import on %s', (engine: Engine) => {
  const fresh = useStore(engine);

  it('is let in between chunks: the invitation succeeds and the import completes', { timeout: 180_000 }, async () => {
    const t = await fresh();
    const [ann, bob] = await t.seedMany([
      { email: 'ann@example.com', first: 'Ann', last: 'Smith' },
      { email: 'bob@example.com', first: 'Bob', last: 'Jones' },
    ]);
    await ann.grantStaff('ann@example.com');
    await ann.setPlan('Smith Company', 'ENTERPRISE');
    const file = join(t.dir, 'import.csv');
    writeFileSync(
      file,
      'email,role\n' +
        Array.from({ length: ROWS }, (_, i) => `n${String(i).padStart(5, '0')}@example.org,DESIGNER\n`).join(''),
    );
    // Small chunks (the engine's sizes are for millions of rows), the engine's own pacing.
    const importing = ann.run(['--json', 'member', 'import', file], {
      env: { PLATFORMCTL_BULK_TX_CHANGES: '100', PLATFORMCTL_BULK_CHUNK_ROWS: String(CHUNK) },
      timeout: 170_000,
    });
    let finished = false;
    void importing.then(() => (finished = true));
    // Bob writes once the run has committed its first chunk and is still running.
    const run = async () => rowsOf(await dumpStore(engine, t.store, ['bulk_runs']), 'bulk_runs')[0];
    let seen: Record<string, unknown> | undefined;
    while (!finished) {
      seen = await run();
      if (seen && Number(seen.rows) >= CHUNK) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(finished, 'the import ended before a writer could be started during it').toBe(false);
    expect(seen).toMatchObject({ status: 'running' });
    const invite = await bob.run(['--json', 'member', 'invite', 'carl@example.com', '--role', 'DESIGNER']);
    expect(invite.exitCode, invite.stderr).toBe(0);

    const imp = await importing;
    expect(imp.exitCode, imp.stderr).toBe(0);
    const report = JSON.parse(imp.stdout);
    expect(report).toMatchObject({ invited: ROWS, failed: 0 });
    expect(report.run).toMatchObject({ mode: 'chunked', status: 'done' });
    const bobs = await bob.json<{ email: string; status: string }[]>(['member', 'list']);
    expect(bobs.map((m) => [m.email, m.status])).toContainEqual(['carl@example.com', 'PENDING']);
    expect(rowsOf(await dumpStore(engine, t.store, ['invitations']), 'invitations')).toHaveLength(ROWS + 1);
    await t.expectClean();
  });
});
