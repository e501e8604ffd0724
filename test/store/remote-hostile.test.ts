/**
 * Answers no sqld gives but a proxy, a load balancer or a hostile server in between can:
 * an HTML error page, an empty or cut-off body, an integer past 2^53, an answer that never
 * ends. Found from outside (a mutating proxy in front of sqld): each gave exit 1, one after
 * a COMMIT that had been applied. Every one is a store error (exit 7) whose message says
 * whether anything may have changed, and an endless answer is not read into memory.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { RemoteStore } from '../../src/store/remote.js';
import type { Store } from '../../src/store/types.js';

type Stmt = { sql?: string; sql_id?: number };
type HranaRequest = { type: string; sql?: string; sql_id?: number; stmt?: Stmt; batch?: { steps: { stmt: Stmt }[] } };
type Mode = 'html502' | 'empty200' | 'cut' | 'bigint' | 'endless' | 'baseurl';

let server: Server | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const result = (rows: unknown[][]) => ({
  cols: [{ name: 'v', decltype: null }],
  rows,
  affected_row_count: 0,
  last_insert_rowid: null,
  replication_index: '1',
});

/** A server that answers well until a statement's SQL contains `when`, then answers in `mode`. */
async function hostile(mode: Mode, when: string, elsewhere = '') {
  const stored = new Map<number, string>();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requests: HranaRequest[] };
      let bad = false;
      const results = body.requests.map((r) => {
        if (r.type === 'store_sql') stored.set(r.sql_id!, r.sql!);
        const stmts = r.stmt ? [r.stmt] : (r.batch?.steps.map((st) => st.stmt) ?? []);
        for (const st of stmts) if ((st.sql ?? stored.get(st.sql_id ?? -1) ?? '').includes(when)) bad = true;
        if (r.type === 'execute') return { type: 'ok', response: { type: 'execute', result: result([]) } };
        if (r.type === 'batch') {
          const n = r.batch!.steps.length;
          return {
            type: 'ok',
            response: {
              type: 'batch',
              result: { step_results: Array(n).fill(result([])), step_errors: Array(n).fill(null) },
            },
          };
        }
        return { type: 'ok', response: { type: r.type } };
      });
      if (!bad || mode === 'baseurl') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ baton: 'b', base_url: bad ? elsewhere : null, results }));
      }
      if (mode === 'html502') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<html><body>502 Bad Gateway</body></html>');
      }
      if (mode === 'empty200') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end();
      }
      const whole = JSON.stringify({ baton: 'b', base_url: null, results });
      if (mode === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(whole.slice(0, whole.length / 2));
      }
      if (mode === 'bigint') {
        const big = results.map((x) =>
          x.response.type === 'execute'
            ? {
                type: 'ok',
                response: { type: 'execute', result: result([[{ type: 'integer', value: '9007199254740993' }]]) },
              }
            : x,
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ baton: 'b', base_url: null, results: big }));
      }
      // endless: a JSON string that never closes, 1 MiB at a time.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"baton":"');
      const mib = 'x'.repeat(2 ** 20);
      const more = () => {
        if (res.destroyed) return;
        if (res.write(mib)) setImmediate(more);
        else res.once('drain', more);
      };
      more();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = await RemoteStore.open(url, url, undefined, { busyMs: 0, requestMs: 20_000 });
  return store;
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'a documented error, not a raw one (exit 1)').toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

it.each<[Mode, RegExp]>([
  ['html502', /HTTP 502|cannot read/],
  ['empty200', /cannot read/],
  ['cut', /cannot read/],
  ['bigint', /cannot read/],
  ['endless', /larger than 64 MiB/],
])('a read answered %s is a store error: exit 7, nothing changed', async (mode, words) => {
  const s = await hostile(mode, 'SELECT');
  const e = await failure(s.read((tx) => tx.all(`SELECT 1 AS v`)));
  expect(e.code).toBe('STORE_UNAVAILABLE');
  expect(e.message).toMatch(words);
  expect(e.message).toMatch(/Nothing was changed/);
});

it.each<Mode>(['html502', 'empty200', 'cut'])(
  'a COMMIT answered %s: exit 7 and the outcome is unknown (the change may have been applied)',
  async (mode) => {
    const s = await hostile(mode, 'COMMIT');
    await s.read((tx) => tx.all(`SELECT 1 AS v`)); // the store was reached before
    const e = await failure(s.write((tx) => tx.run(`INSERT INTO t VALUES (1)`)));
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message, e.message).toMatch(/may or may not have been applied/);
  },
);

it('a base_url naming another server is not followed: the store token and SQL never go there (exit 7)', async () => {
  let reached = 0;
  const other = createServer((_req, res) => {
    reached++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  try {
    const elsewhere = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    const s = await hostile('baseurl', 'INSERT', elsewhere);
    await s.read((tx) => tx.all(`SELECT 1 AS v`));
    const e = await failure(s.write((tx) => tx.run(`INSERT INTO t VALUES (1)`)));
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toMatch(/another server \(http:\/\/127\.0\.0\.1:\d+\); refused, nothing was sent there/);
    expect(reached).toBe(0);
  } finally {
    other.closeAllConnections();
    await new Promise<void>((r) => other.close(() => r()));
  }
});
