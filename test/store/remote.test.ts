/**
 * The store engines through the Store interface: the remote one against a real sqld,
 * the local one on a temp file, so the two are held to the same semantics.
 */
import { createClient } from '@libsql/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { LocalStore } from '../../src/store/local.js';
import { DEFAULT_TIMEOUTS } from '../../src/store/timeouts.js';
import { RemoteStore } from '../../src/store/remote.js';
import type { Store, Tx } from '../../src/store/types.js';
import { countingProxy } from '../helpers/counting-proxy.js';
import { NO_SQLD, Sqld, freePort, sqldBinary, startPair } from '../e2e/sqld.js';
import { cannotRun } from '../helpers/cannot-run.js';

const engines = ['local', 'libsql'] as const;

/** Without sqld the libsql tests are skipped as tests that cannot run here, never dropped. */
const requireSqld = (ctx: TestContext) => {
  if (!sqldBinary()) cannotRun(ctx, NO_SQLD);
};

describe.each(engines)('Store semantics on %s', (engine) => {
  let store: Store;
  let sqld: Sqld | undefined;
  let dir: string;
  if (engine === 'libsql') beforeEach(requireSqld);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platformctl-store-'));
    if (engine === 'local') store = await LocalStore.open(join(dir, 'x.db'), DEFAULT_TIMEOUTS);
    else if (sqldBinary()) {
      sqld = await new Sqld({ dataDir: join(dir, 'sqld') }).start();
      store = await RemoteStore.open(sqld.url, sqld.url, undefined, DEFAULT_TIMEOUTS);
    }
    await store?.write((tx) =>
      tx.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER CHECK (n >= 0))`),
    );
  });
  afterAll(async () => {
    await store?.close();
    await sqld?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds {k} to :k, @k and $k, ignores unused keys, and leaves names inside literals alone', async () => {
    const row = await store.read((tx) =>
      tx.get<Record<string, unknown>>(
        `SELECT :a AS a, @b AS b, $c AS c, ':a' AS lit, "n" AS q FROM (SELECT 1 AS n) -- :zz`,
        { a: 1, b: 'two', c: null, unused: 5 },
      ),
    );
    expect(row).toEqual({ a: 1, b: 'two', c: null, lit: ':a', q: 1 });
    const pos = await store.read((tx) => tx.get<{ x: number; y: string }>(`SELECT ? AS x, ? AS y`, [7, 'z']));
    expect(pos).toEqual({ x: 7, y: 'z' });
  });

  it('returns integers as numbers and the last rowid of an insert', async () => {
    const r = await store.write((tx) => tx.run(`INSERT INTO t (v, n) VALUES (:v, :n)`, { v: 'a', n: 2 ** 40 }));
    expect(r).toEqual({ changes: 1, lastInsertRowid: expect.any(Number) });
    const row = await store.read((tx) =>
      tx.get<{ n: number }>(`SELECT n FROM t WHERE id = :id`, { id: r.lastInsertRowid }),
    );
    expect(row!.n).toBe(2 ** 40);
    await store.write((tx) => tx.run(`DELETE FROM t`));
  });

  it('a write that throws leaves nothing behind', async () => {
    await expect(
      store.write(async (tx) => {
        await tx.run(`INSERT INTO t (v) VALUES ('x')`);
        throw new PlatformError('CONFLICT', 'changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await store.read((tx) => tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`))).toEqual({ c: 0 });
  });

  it('runMany over several network batches is all-or-nothing inside the transaction', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => ({ v: `r${i}`, n: i === 2300 ? -1 : i }));
    await expect(store.write((tx) => tx.runMany(`INSERT INTO t (v, n) VALUES (:v, :n)`, rows))).rejects.toThrow();
    expect(await store.read((tx) => tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`))).toEqual({ c: 0 });
    await store.write((tx) =>
      tx.runMany(
        `INSERT INTO t (v, n) VALUES (:v, :n)`,
        rows.map((r) => ({ ...r, n: Math.abs(r.n) })),
      ),
    );
    expect(await store.read((tx) => tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`))).toEqual({ c: 2500 });
    await store.write((tx) => tx.run(`DELETE FROM t`));
  });

  it('a read: locally one snapshot; remotely each request its own moment (statements sent together share one)', async () => {
    const other =
      engine === 'local'
        ? await LocalStore.open(join(dir, 'x.db'), DEFAULT_TIMEOUTS)
        : await RemoteStore.open(sqld!.url, sqld!.url, undefined, DEFAULT_TIMEOUTS);
    const count = (tx: Tx) => tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`).then((r) => r!.c);
    try {
      const seen = await store.read(async (tx) => {
        const first = await count(tx);
        await other.write((w) => w.run(`INSERT INTO t (v) VALUES ('meanwhile')`));
        const second = await count(tx);
        return [first, second];
      });
      // A remote read is not a transaction: a replica answers each request by itself.
      expect(seen).toEqual(engine === 'local' ? [0, 0] : [0, 1]);
      expect(await store.read(count)).toBe(1);
    } finally {
      await other.close();
      await store.write((tx) => tx.run(`DELETE FROM t`));
    }
  });

  it('statements issued together travel together: one request, in order, each with its own answer', async () => {
    const proxy = engine === 'libsql' ? await countingProxy(sqld!.port) : undefined;
    const s = proxy ? await RemoteStore.open(proxy.url, proxy.url, undefined, DEFAULT_TIMEOUTS) : store;
    try {
      await s.write((tx) =>
        tx.runMany(`INSERT INTO t (v, n) VALUES (?, ?)`, [
          ['a', 1],
          ['b', 2],
          ['c', 3],
        ]),
      );
      if (proxy) proxy.count = 0;
      const [a, all, none] = await s.read((tx) =>
        Promise.all([
          tx.get<{ n: number }>(`SELECT n FROM t WHERE v = :v`, { v: 'a' }),
          tx.all<{ v: string }>(`SELECT v FROM t ORDER BY v`),
          tx.get(`SELECT n FROM t WHERE v = 'zz'`),
        ]),
      );
      expect([a, all, none]).toEqual([{ n: 1 }, [{ v: 'a' }, { v: 'b' }, { v: 'c' }], undefined]);
      if (proxy) expect(proxy.count).toBe(1);
      // Awaited one after the other: one request each.
      await s.read(async (tx) => {
        await tx.get(`SELECT 1`);
        await tx.get(`SELECT 2`);
      });
      if (proxy) expect(proxy.count).toBe(3);
      // A failing statement fails the ones sent with it, and nothing after it is sent.
      await expect(
        s.read((tx) => Promise.all([tx.get(`SELECT 1`), tx.get(`SELECT nope FROM t`), tx.get(`SELECT 3`)])),
      ).rejects.toThrow();
    } finally {
      await s.write((tx) => tx.run(`DELETE FROM t`));
      if (proxy) {
        await s.close();
        await proxy.close();
      }
    }
  });

  it('deferred writes: sent with the next read or with the COMMIT, seen by later reads, all or nothing', async () => {
    const proxy = engine === 'libsql' ? await countingProxy(sqld!.port) : undefined;
    const s = proxy ? await RemoteStore.open(proxy.url, proxy.url, undefined, DEFAULT_TIMEOUTS) : store;
    const count = () => s.read((tx) => tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`).then((r) => r!.c));
    try {
      await count(); // the first request of a store also checks it: not counted below
      // Only deferred writes: BEGIN, the writes and COMMIT are one request (then the stream is closed).
      if (proxy) proxy.count = 0;
      await s.write(async (tx) => {
        tx.defer(`INSERT INTO t (v, n) VALUES ('a', 1)`);
        tx.defer(`INSERT INTO t (v, n) VALUES (:v, :n)`, { v: 'b', n: 2 });
      });
      if (proxy) {
        // The SQL text of the first request (later ones may name it by id).
        const first = proxy.bodies.at(-proxy.count)!;
        for (const part of ['BEGIN IMMEDIATE', "VALUES ('a', 1)", 'VALUES (:v, :n)', '"COMMIT"'])
          expect(first, `BEGIN, the writes and COMMIT in one request: ${part}`).toContain(part);
      }
      expect(await count()).toBe(2);
      // A read after deferred writes sees them (they go out first, in the same request).
      if (proxy) proxy.count = 0;
      const seen = await s.write(async (tx) => {
        await tx.get(`SELECT 1`);
        const before = proxy?.count ?? 0;
        tx.defer(`INSERT INTO t (v, n) VALUES ('c', 3)`);
        const c = await tx.get<{ c: number }>(`SELECT count(*) AS c FROM t`);
        return { c: c!.c, requests: (proxy?.count ?? 0) - before };
      });
      expect(seen.c).toBe(3);
      if (proxy) expect(seen.requests, 'the deferred write travelled with the read').toBe(1);
      // A deferred write that fails (CHECK n >= 0) fails the transaction: nothing of it remains,
      // whether it went out with a read or with the COMMIT; the error is the store's refusal.
      await expect(
        s.write(async (tx) => {
          tx.defer(`INSERT INTO t (v, n) VALUES ('d', 4)`);
          tx.defer(`INSERT INTO t (v, n) VALUES ('e', -1)`);
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(
        s.write(async (tx) => {
          tx.defer(`INSERT INTO t (v, n) VALUES ('d', 4)`);
          tx.defer(`INSERT INTO t (v, n) VALUES ('e', -1)`);
          await tx.get(`SELECT 1`);
        }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      // A transaction that throws after deferring writes leaves nothing behind.
      await expect(
        s.write(async (tx) => {
          tx.defer(`INSERT INTO t (v, n) VALUES ('f', 5)`);
          throw new PlatformError('CONFLICT', 'changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await count()).toBe(3);
      // Only for writes: a read has no transaction to carry them.
      await expect(s.read(async (tx) => tx.defer(`INSERT INTO t (v, n) VALUES ('g', 6)`))).rejects.toThrow(
        /write transactions only/,
      );
      expect(await count()).toBe(3);
    } finally {
      await s.write((tx) => tx.run(`DELETE FROM t`));
      if (proxy) {
        await s.close();
        await proxy.close();
      }
    }
  });

  it('rows walked with tx.jsonEach (jsonb_each locally, json_each on sqld) give back every value as sent', async () => {
    // What bulk writes store: odd text (quotes, escapes, control characters, non-BMP,
    // JSON-looking), the JSON text of audit details, integers past 2^53 in details, nulls.
    const odd = [
      'a"b',
      'a\\b',
      '\n\t\b\f\r\u0001\u001f\u007f',
      'é€😀',
      '\u2028\u2029',
      '',
      ' x ',
      '{"not":"json"}',
      '\\u0041',
    ];
    const rows = odd.map((s, i) => [i, s, JSON.stringify({ error: s, big: 2 ** 53 + 2, f: 1.5 }), i % 2 ? null : -7]);
    const got = await store.read((tx) =>
      tx.all<{ i: number; s: string; d: string; n: number | null }>(
        `SELECT value ->> 0 AS i, value ->> 1 AS s, value ->> 2 AS d, value ->> 3 AS n FROM ${tx.jsonEach}(:rows) ORDER BY key`,
        { rows: JSON.stringify(rows) },
      ),
    );
    expect(got).toEqual(rows.map(([i, s, d, n]) => ({ i, s, d, n })));
  });

  it('integrityCheck is empty on a healthy store', async () => {
    expect(await store.integrityCheck()).toEqual([]);
  });
});

describe('RemoteStore errors', () => {
  beforeEach(requireSqld);
  it('a closed port is STORE_UNAVAILABLE naming the location without its credentials', async () => {
    const port = await freePort();
    const store = await RemoteStore.open(
      `http://bob:hunter22@127.0.0.1:${port}`,
      `http://127.0.0.1:${port}/`,
      'tok-secret-123',
      DEFAULT_TIMEOUTS,
    );
    const e = await store.read((tx) => tx.get(`SELECT 1`)).catch((x: unknown) => x);
    await store.close();
    expect(e).toBeInstanceOf(PlatformError);
    expect((e as PlatformError).code).toBe('STORE_UNAVAILABLE');
    expect((e as PlatformError).message).toBe(
      `The store http://127.0.0.1:${port}/ is unreachable (ECONNREFUSED). Nothing was changed.`,
    );
  });

  it.each(['directly', 'through a replica'] as const)(
    'sqld ending a transaction that held the lock too long is STORE_BUSY (%s), and nothing of it remains',
    async (how) => {
      const dir = mkdtempSync(join(tmpdir(), 'platformctl-store-'));
      const pair = how === 'directly' ? undefined : await startPair(join(dir, 'pair'));
      const sqld = pair?.primary ?? (await new Sqld({ dataDir: join(dir, 'sqld') }).start());
      const via = pair?.replica.url ?? sqld.url;
      // No retry: this test is about the first failure, not the busy-timeout loop.
      const store = await RemoteStore.open(via, via, undefined, { ...DEFAULT_TIMEOUTS, busyMs: 0 });
      const waiter = createClient({ url: sqld.url });
      try {
        await store.write((tx) => tx.exec(`CREATE TABLE t (v TEXT)`));
        const e = await store
          .write(async (tx) => {
            await tx.run(`INSERT INTO t VALUES ('slow')`);
            // Another writer waits for the lock; sqld takes it from us after ~5 s.
            await waiter.execute(`INSERT INTO t VALUES ('other')`);
            await tx.run(`INSERT INTO t VALUES ('late')`);
          })
          .catch((x: unknown) => x);
        // Through a replica sqld says PROXY_ERROR "Transaction timed-out": the same answer.
        expect((e as PlatformError).code).toBe('STORE_BUSY');
        // 'late' was never sent: after a lost lock sqld would have committed it on its own.
        expect((await waiter.execute(`SELECT v FROM t`)).rows.map((r) => r.v)).toEqual(['other']);
      } finally {
        waiter.close();
        await store.close();
        await pair?.replica.stop('SIGKILL');
        await sqld.stop('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
    30_000,
  );
});
