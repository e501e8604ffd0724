/**
 * Read-your-writes on a replica (docs/remote.md): a read is pinned to the caller's last
 * replication index and waits for the replica at most PLATFORMCTL_REPLICA_WAIT_MS. Once a
 * pinned read has been answered, the replica has caught up: the command's later reads are
 * not pinned again, so a long read (a big `store check`, a page of a big list) is never
 * taken for a replica that lags, sent twice, and warned about as possibly stale (reported
 * by a support engineer: every `store check` of a 200,000-member store on sqld warned).
 * A write of the command raises the index, and the next read is pinned again.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { RemoteStore, type RemoteOptions } from '../../src/store/remote.js';
import type { Store } from '../../src/store/types.js';

type Stmt = { sql?: string; sql_id?: number; replication_index?: string };
type HranaRequest = {
  type: string;
  sql?: string;
  sql_id?: number;
  stmt?: Stmt;
  batch?: { steps: { stmt: Stmt }[]; replication_index?: string };
};

let server: Server | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/**
 * A fake replica at replication index `at` (a write moves it on by one): it answers a
 * statement after `slowMs` when its SQL contains "slow", at once otherwise, and records
 * each statement's SQL with the index it was pinned to.
 */
async function replica(slowMs: number) {
  const seen: { sql: string; pin: string | undefined }[] = [];
  const stored = new Map<number, string>();
  let at = 7;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requests: HranaRequest[] };
      let slow = false;
      const results = body.requests.map((r) => {
        if (r.type === 'store_sql') stored.set(r.sql_id!, r.sql!);
        const stmts = r.type === 'execute' ? [r.stmt!] : r.type === 'batch' ? r.batch!.steps.map((s) => s.stmt) : [];
        for (const st of stmts) {
          const sql = st.sql ?? stored.get(st.sql_id ?? -1) ?? '?';
          seen.push({ sql, pin: st.replication_index ?? r.batch?.replication_index });
          if (sql.includes('slow')) slow = true;
          if (/^\s*(INSERT|UPDATE|DELETE)/i.test(sql)) at++;
        }
        const result = {
          cols: [],
          rows: [],
          affected_row_count: 0,
          last_insert_rowid: null,
          replication_index: String(at),
        };
        if (r.type === 'execute') return { type: 'ok', response: { type: 'execute', result } };
        if (r.type === 'batch') {
          const n = r.batch!.steps.length;
          return {
            type: 'ok',
            response: {
              type: 'batch',
              result: {
                step_results: Array(n).fill(result),
                step_errors: Array(n).fill(null),
                replication_index: String(at),
              },
            },
          };
        }
        return { type: 'ok', response: { type: r.type } };
      });
      const send = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ baton: null, base_url: null, results }));
      };
      if (slow) setTimeout(send, slowMs);
      else send();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

/** The store at `url` as a command opens it (timeouts as in the tests above), with the stale warnings it gave. */
async function openAt(url: string, o: Omit<RemoteOptions, 'onStale'>) {
  const stale: number[] = [];
  store = await RemoteStore.open(
    url,
    url,
    undefined,
    { busyMs: 0, requestMs: 5000 },
    {
      ...o,
      onStale: (ms) => stale.push(ms),
    },
  );
  return { opened: store, stale };
}

it('pins reads only until the replica has answered one at the caller index; a long read later is not taken for lag', async () => {
  const { url, seen } = await replica(400);
  const { stale, opened } = await openAt(url, { replicationIndex: '7', replicaWaitMs: 150 });
  await opened.read((tx) => tx.all(`SELECT 'first'`));
  // 400 ms of work, longer than the 150 ms a pinned read may wait for the replica.
  await opened.read((tx) => tx.all(`SELECT 'slow read'`));
  expect(stale, 'no stale warning for a replica that answered').toEqual([]);
  expect(seen.filter((s) => s.sql.includes('first')).map((s) => s.pin)).toEqual(['7']);
  // Sent once, not pinned: the replica was known to be at 7.
  expect(seen.filter((s) => s.sql.includes('slow')).map((s) => s.pin)).toEqual([undefined]);
});

it('a write raises the index: the next read is pinned to it again', async () => {
  const { url, seen } = await replica(0);
  store = await RemoteStore.open(url, url, undefined, { busyMs: 0, requestMs: 5000 }, { replicationIndex: '7' });
  await store.read((tx) => tx.all(`SELECT 'first'`));
  await store.write((tx) => tx.run(`INSERT INTO t VALUES (1)`));
  await store.read((tx) => tx.all(`SELECT 'after the write'`));
  await store.read((tx) => tx.all(`SELECT 'later'`));
  expect(seen.filter((s) => s.sql.includes('after the write')).map((s) => s.pin)).toEqual(['8']);
  expect(seen.filter((s) => s.sql.includes('later')).map((s) => s.pin)).toEqual([undefined]);
});

it('a pinned read slower than the wait is not called stale when the answer shows the endpoint had the index', async () => {
  // A primary (or a replica that has caught up) at 7: the caller's index. The wait (150 ms)
  // ends before the answer (400 ms); the answer asked again without the pin is at 7.
  const { url } = await replica(400);
  const { stale, opened } = await openAt(url, { replicationIndex: '7', replicaWaitMs: 150 });
  await opened.read((tx) => tx.all(`SELECT 'slow first'`));
  expect(stale).toEqual([]);
});

it('a replica behind the caller index past the wait is answered from what it has, with the stale warning', async () => {
  const { url } = await replica(400);
  const { stale, opened } = await openAt(url, { replicationIndex: '9', replicaWaitMs: 150 });
  await opened.read((tx) => tx.all(`SELECT 'slow first'`));
  expect(stale).toEqual([150]);
});

it('an endpoint an earlier command found behind is waited for briefly, not the whole wait, and said stale once a command while behind', async () => {
  const { url, seen } = await replica(400);
  const { stale, opened } = await openAt(url, { replicationIndex: '9', replicationBehind: true, replicaWaitMs: 2000 });
  await opened.read((tx) => tx.all(`SELECT 'slow first'`));
  await opened.read((tx) => tx.all(`SELECT 'slow second'`));
  // 150 ms (not 2 s) for the first read, then answered from what it has; the second read
  // of the command is not held up again, nor warned about twice.
  expect(stale).toEqual([150]);
  expect(seen.filter((s) => s.sql.includes('second')).map((s) => s.pin)).toEqual([undefined]);
  expect((opened as unknown as { replication: { index: string; stale: boolean } }).replication).toMatchObject({
    index: '9',
    stale: true,
  });
});

it("after a read gave up waiting, a write in the same command pins the next read to the write's index again", async () => {
  const { url, seen } = await replica(400);
  const { stale, opened } = await openAt(url, { replicationIndex: '9', replicaWaitMs: 150 });
  await opened.read((tx) => tx.all(`SELECT 'slow first'`));
  // The primary answers the write at 8: its log was numbered anew (below the 9 remembered).
  await opened.write((tx) => tx.run(`INSERT INTO t VALUES (1)`));
  await opened.read((tx) => tx.all(`SELECT 'after the write'`));
  expect(stale).toEqual([150]);
  expect(seen.filter((s) => s.sql.includes('after the write')).map((s) => s.pin)).toEqual(['8']);
});
