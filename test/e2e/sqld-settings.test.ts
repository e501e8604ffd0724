import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStore, type TestStore } from './harness.js';

/**
 * A long import on a sqld whose writers' commits checkpoint (its default) is told how to
 * start the server instead (docs/remote.md, Server settings): once, before it writes, on
 * stderr; nothing is said for a shorter import, nor when the primary has
 * --checkpoint-interval-s. A replica forwards the question to its primary.
 */

const ADVICE =
  "! This sqld server checkpoints on its writers' commits (its default): while others write, a long import or " +
  'sync can make it stop answering. Whoever runs it should start its primary with --checkpoint-interval-s 5 ' +
  '(see "Server settings" in docs/remote.md, shipped with platformctl).';
/** The engine's single-transaction size on sqld: from here an import is long. */
const LONG = 10_000;

async function setup(t: TestStore) {
  const ann = await t.seed('ann@example.com', 'Ann', 'Smith');
  await ann.grantStaff('ann@example.com');
  await ann.setPlan('Smith Company', 'ENTERPRISE');
  const file = (name: string, n: number) => {
    const path = join(t.dir, `${name}.csv`);
    writeFileSync(
      path,
      'email,role\n' + Array.from({ length: n }, (_, i) => `${name}${i}@example.org,DESIGNER\n`).join(''),
    );
    return path;
  };
  return { ann, file };
}

describe('sqld with its default checkpoints', () => {
  const fresh = useStore('libsql');

  it('a long import is advised once how to start the server; a shorter one is not', { timeout: 120_000 }, async () => {
    const t = await fresh();
    const { ann, file } = await setup(t);
    const short = await ann.run(['--json', 'member', 'import', file('s', LONG - 1)]);
    expect(short.exitCode, short.stderr).toBe(0);
    expect(short.stderr).toBe('');

    const long = await ann.run(['--json', 'member', 'import', file('l', LONG)]);
    expect(long.exitCode, long.stderr).toBe(0);
    expect(long.stderr).toBe(ADVICE);
    expect(JSON.parse(long.stdout)).toMatchObject({ invited: LONG, failed: 0, applied: true });
  });
});

describe('sqld started with --checkpoint-interval-s', () => {
  const fresh = useStore('libsql', { sqldArgs: ['--checkpoint-interval-s', '5'] });

  it('a long import says nothing about the server', { timeout: 120_000 }, async () => {
    const t = await fresh();
    const { ann, file } = await setup(t);
    const r = await ann.run(['--json', 'member', 'import', file('l', LONG)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ invited: LONG, applied: true });
  });
});

describe('through a replica of a sqld with its default checkpoints', () => {
  const fresh = useStore('libsql', { replica: true });

  it('the primary is asked: a long import through the replica is advised too', { timeout: 120_000 }, async () => {
    const t = await fresh();
    const { ann, file } = await setup(t);
    await t.replica!.caughtUp();
    const r = await ann.run(['--store', t.replica!.url, '--json', 'member', 'import', file('l', LONG)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe(ADVICE);
    expect(JSON.parse(r.stdout)).toMatchObject({ invited: LONG, applied: true });
  });

  it(
    'with the primary not answering, a long import ends with the timeout, once, and changes nothing',
    { timeout: 120_000 },
    async () => {
      const t = await fresh();
      const { ann, file } = await setup(t);
      const rows = file('l', LONG);
      await t.replica!.caughtUp();
      t.sqld!.pause(true);
      let r;
      try {
        r = await ann.run(['--store', t.replica!.url, 'member', 'import', rows], {
          env: { PLATFORMCTL_STORE_TIMEOUT_MS: '1500' },
        });
      } finally {
        t.sqld!.pause(false);
      }
      expect(r.exitCode, r.stderr).toBe(7);
      expect(r.stderr).toMatch(/^error: [^\n]+did not answer within 1\.5 s \(PLATFORMCTL_STORE_TIMEOUT_MS\)\.[^\n]*$/);
      expect(r.stderr).toContain('Nothing was changed');
      const list = await ann.json<unknown[]>(['member', 'list']);
      expect(list).toHaveLength(1);
    },
  );
});
