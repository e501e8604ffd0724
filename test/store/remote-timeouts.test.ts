/**
 * Every request to a remote store has its own deadline (PLATFORMCTL_STORE_TIMEOUT_MS):
 * one request that times out fails alone (exit 7, STORE_UNAVAILABLE), the next ones of
 * the same process are sent as usual, and a request that ended leaves no listener behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { RemoteStore } from '../../src/store/remote.js';
import { NO_SQLD, Sqld, sqldBinary } from '../e2e/sqld.js';
import { cannotRun } from '../helpers/cannot-run.js';

/**
 * A pass-through proxy in front of sqld. The next request whose body `stall` matches is
 * left unanswered until the proxy closes, as by a server that stopped answering: held
 * back from sqld ('hold'), or passed on and only its answer dropped ('swallow').
 */
class StallingProxy {
  stall: { match: RegExp; mode: 'hold' | 'swallow' } | undefined;
  private held: ServerResponse[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly upstream: number) {}

  async start(): Promise<this> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const stall = this.stall?.match.test(body.toString('utf8')) ? this.stall : undefined;
        if (stall) {
          this.stall = undefined;
          this.held.push(res);
          if (stall.mode === 'hold') return;
        }
        const up = request(
          { host: '127.0.0.1', port: this.upstream, method: req.method, path: req.url, headers: req.headers },
          (u) => {
            if (stall) return void u.resume();
            res.writeHead(u.statusCode!, u.headers);
            u.pipe(res);
          },
        );
        up.end(body);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.held) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'a documented error, not a raw one (exit 1)').toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

describe('remote request timeouts', () => {
  let sqld: Sqld | undefined;
  let proxy: StallingProxy;
  let dir: string;
  beforeEach((ctx: TestContext) => {
    if (!sqldBinary()) cannotRun(ctx, NO_SQLD);
  });
  beforeAll(async () => {
    if (!sqldBinary()) return;
    dir = mkdtempSync(join(tmpdir(), 'platformctl-timeouts-'));
    sqld = await new Sqld({ dataDir: join(dir, 'sqld') }).start();
    proxy = await new StallingProxy(sqld.port).start();
    const setup = await RemoteStore.open(sqld.url, sqld.url, undefined, { busyMs: 0, requestMs: 10_000 });
    await setup.write((tx) => tx.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`));
    await setup.close();
  });
  afterAll(async () => {
    await proxy?.close();
    await sqld?.stop('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a read that times out fails alone: the next reads and writes of the process are sent as usual', async () => {
    const store = await RemoteStore.open(proxy.url, proxy.url, undefined, { busyMs: 0, requestMs: 1000 });
    try {
      expect(await store.read((tx) => tx.get<{ n: number }>(`SELECT 1 AS n`))).toEqual({ n: 1 });
      proxy.stall = { match: /SELECT 2/, mode: 'hold' };
      const e = await failure(store.read((tx) => tx.get(`SELECT 2 AS n`)));
      expect(e.code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toMatch(/did not answer within 1 s \(PLATFORMCTL_STORE_TIMEOUT_MS\)\. Nothing was changed\./);
      expect(await store.read((tx) => tx.get<{ n: number }>(`SELECT 3 AS n`))).toEqual({ n: 3 });
      await store.write((tx) => tx.run(`INSERT INTO t (v) VALUES ('after a timeout')`));
      expect(await store.read((tx) => tx.all(`SELECT v FROM t`))).toEqual([{ v: 'after a timeout' }]);
    } finally {
      await store.close();
    }
  });
  it('a COMMIT that times out says the outcome is unknown, and the next write of the process is sent', async () => {
    const store = await RemoteStore.open(proxy.url, proxy.url, undefined, { busyMs: 0, requestMs: 1000 });
    try {
      // sqld commits it; its answer never comes back.
      proxy.stall = { match: /"COMMIT"/, mode: 'swallow' };
      const e = await failure(store.write((tx) => tx.run(`INSERT INTO t (v) VALUES ('lost answer')`)));
      expect(e.code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toMatch(
        /did not answer within 1 s \(PLATFORMCTL_STORE_TIMEOUT_MS\)\. The connection was lost while committing: the change may or may not have been applied; check before retrying\./,
      );
      await store.write((tx) => tx.run(`INSERT INTO t (v) VALUES ('next')`));
      const rows = await store.read((tx) =>
        tx.all<{ v: string }>(`SELECT v FROM t WHERE v IN ('lost answer', 'next')`),
      );
      expect(rows.map((r) => r.v).sort()).toEqual(['lost answer', 'next']);
    } finally {
      await store.close();
    }
  });

  it('requests in flight together add no listener to a shared signal (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const store = await RemoteStore.open(proxy.url, proxy.url, undefined, { busyMs: 0, requestMs: 10_000 });
    try {
      // Separate reads, each its own request, all in flight at once (more than the 10
      // listeners an EventTarget takes before Node warns).
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) => store.read((tx) => tx.get<{ n: number }>(`SELECT ${i} AS n`))),
      );
      expect(answers.map((a) => a?.n)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      for (let i = 0; i < 50; i++) await store.read((tx) => tx.get(`SELECT 1`));
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => /MaxListeners|memory leak/i.test(w))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await store.close();
    }
  });
});
