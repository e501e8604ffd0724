/**
 * Every failure a libSQL server (a primary, or a replica forwarding to one) can answer
 * with, against a fake Hrana-over-HTTP server that answers as sqld 0.24 does (the shapes
 * docs/remote.md lists, captured from a real primary and replica): each maps to a
 * documented code (README: exit codes), never to exit 1. Also: nothing more is sent on a transaction the server has ended, and a value
 * too large for a replica is refused before anything is sent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/errors.js';
import { RemoteStore } from '../../src/store/remote.js';
import type { Store } from '../../src/store/types.js';

type Stmt = { sql?: string; sql_id?: number };
type HranaRequest = { type: string; sql?: string; sql_id?: number; stmt?: Stmt; batch?: { steps: { stmt: Stmt }[] } };
/** What the fake answers to one pipeline request: an error object, an HTTP reply, or ok. */
type Answer = { code: string; message: string } | { status: number; type: string; body: string } | 'ok';

const ok = (r: HranaRequest) => {
  const result = { cols: [], rows: [], affected_row_count: 0, last_insert_rowid: null, replication_index: '7' };
  if (r.type === 'execute') return { type: 'ok', response: { type: 'execute', result } };
  if (r.type === 'batch') {
    const n = r.batch!.steps.length;
    return {
      type: 'ok',
      response: {
        type: 'batch',
        result: { step_results: Array(n).fill(result), step_errors: Array(n).fill(null), replication_index: '7' },
      },
    };
  }
  return { type: 'ok', response: { type: r.type } };
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
 * A fake server: `answer(n)` decides the n-th (from 1) pipeline's execute/batch request.
 * Returns the store on it and the SQL the server received.
 */
async function fake(answer: (n: number) => Answer) {
  const seen: string[] = [];
  const stored = new Map<number, string>();
  let n = 0;
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { requests: HranaRequest[] };
      const a = answer(++n);
      if (a !== 'ok' && 'status' in a) {
        res.writeHead(a.status, { 'content-type': a.type });
        res.end(a.body);
        return;
      }
      const sqlOf = (st: Stmt | undefined) => st?.sql ?? stored.get(st?.sql_id ?? -1) ?? '?';
      const results = body.requests.map((r) => {
        if (r.type === 'store_sql') stored.set(r.sql_id!, r.sql!);
        if (r.type === 'execute') seen.push(sqlOf(r.stmt));
        if (r.type === 'batch') for (const s of r.batch!.steps) seen.push(sqlOf(s.stmt));
        if (a !== 'ok' && (r.type === 'execute' || r.type === 'batch')) return { type: 'error', error: a };
        return ok(r);
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ baton: 'b', base_url: null, results }));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  store = await RemoteStore.open(url, url, undefined, { busyMs: 0, requestMs: 5000 });
  return { store, seen };
}

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'a documented error, not a raw one (exit 1)').toBeInstanceOf(PlatformError);
  return e as PlatformError;
}

const proxy = (text: string) => ({ code: 'PROXY_ERROR', message: `error executing a request on the primary: ${text}` });

describe('remote store errors map to documented codes, never to exit 1', () => {
  it.each<[string, Answer, string, RegExp]>([
    [
      'lock taken away (primary)',
      { code: 'TRANSACTION_TIMEOUT', message: 'Transaction timed out' },
      'STORE_BUSY',
      /another writer was waiting too long\. Nothing was changed; try again\./,
    ],
    [
      'lock taken away (through a replica)',
      proxy('Transaction timed-out'),
      'STORE_BUSY',
      /another writer was waiting too long/,
    ],
    ['database locked (through a replica)', proxy('database is locked'), 'STORE_BUSY', /is busy/],
    [
      'stream expired',
      { code: 'STREAM_EXPIRED', message: 'The stream has expired due to inactivity' },
      'STORE_BUSY',
      /try again/,
    ],
    [
      'transaction closed',
      { code: 'TRANSACTION_CLOSED', message: 'Statement in a batch was not executed' },
      'STORE_BUSY',
      /try again/,
    ],
    [
      'server out of transactions',
      { code: 'TRANSACTION_BUSY', message: 'Server cannot handle additional transactions' },
      'STORE_BUSY',
      /try again/,
    ],
    [
      'constraint (through a replica)',
      proxy('UNIQUE constraint failed: users.email'),
      'CONFLICT',
      /refused the change: UNIQUE constraint failed: users\.email\./,
    ],
    [
      'constraint (primary)',
      { code: 'SQLITE_CONSTRAINT', message: 'SQLite error: UNIQUE constraint failed: users.email' },
      'CONFLICT',
      /UNIQUE constraint failed: users\.email/,
    ],
    [
      'trigger refusal (through a replica)',
      proxy('platformctl: a new user must take a never-used id'),
      'CONFLICT',
      /never-used id/,
    ],
    [
      'read-only token (through a replica)',
      proxy("Authorization forbidden: Current session doesn't not have Write permission to namespace default"),
      'STORE_UNAVAILABLE',
      /refused the write: the token only allows reading\. Nothing was changed\./,
    ],
    [
      'answer too large',
      { code: 'RESPONSE_TOO_LARGE', message: 'Response is too large' },
      'STORE_UNAVAILABLE',
      /larger than its limit \(sqld's --max-response-size/,
    ],
    [
      'value too large (primary)',
      { code: 'ARGS_INVALID', message: 'Arguments do not match SQL parameters: string or blob too big' },
      'INVALID_INPUT',
      /larger than the store .* accepts \(5 MB\)/,
    ],
    [
      'value too large in a result',
      { code: 'SQLITE_TOOBIG', message: 'SQLite error: string or blob too big' },
      'INVALID_INPUT',
      /5 MB/,
    ],
    ['value too large (through a replica)', proxy('string or blob too big'), 'INVALID_INPUT', /5 MB/],
    [
      'a forwarded read of a missing table',
      proxy('no such table: nope'),
      'STORE_UNAVAILABLE',
      /refused a statement \(no such table: nope\)\. Nothing was changed\./,
    ],
    [
      'a statement the server cannot parse',
      { code: 'SQL_PARSE_ERROR', message: 'SQL string could not be parsed: syntax error' },
      'STORE_UNAVAILABLE',
      /refused a statement/,
    ],
    [
      'an error code of a later server',
      { code: 'SOMETHING_NEW', message: 'what is this' },
      'STORE_UNAVAILABLE',
      /refused a statement \(what is this\)/,
    ],
    [
      'read-only token, batch through a replica (400 with a JSON body)',
      {
        status: 400,
        type: 'application/json',
        body: '{"error":"Failed to execute query via RPC. Error code: 3, message: Authorization forbidden: Current session doesn\'t not have Write permission to namespace default"}',
      },
      'STORE_UNAVAILABLE',
      /only allows reading/,
    ],
    [
      'read-only token at the primary (403)',
      { status: 403, type: 'application/json', body: '{"error":"Authorization forbidden"}' },
      'STORE_UNAVAILABLE',
      /only allows reading/,
    ],
    [
      'token refused (401)',
      { status: 401, type: 'application/json', body: '{"error":"Unauthorized"}' },
      'STORE_UNAVAILABLE',
      /Authentication to the store .* failed/,
    ],
    [
      'too many requests (429)',
      { status: 429, type: 'text/plain', body: 'Too many concurrent requests' },
      'STORE_BUSY',
      /try again/,
    ],
    [
      'a balancer without sticky sessions',
      { status: 400, type: 'text/plain', body: 'Received an invalid baton' },
      'STORE_UNAVAILABLE',
      /lost this command's transaction between two servers/,
    ],
    [
      'a replica that cannot reach its primary (500)',
      { status: 500, type: 'text/plain', body: '' },
      'STORE_UNAVAILABLE',
      /answered HTTP 500/,
    ],
  ])('%s → %s', async (_what, answer, code, message) => {
    const { store: s } = await fake((n) => (n === 1 ? answer : 'ok'));
    const e = await failure(s.write((tx) => tx.run(`INSERT INTO t VALUES (1)`)));
    expect([e.code, e.exitCode]).toEqual([code, code === 'CONFLICT' ? 6 : code === 'INVALID_INPUT' ? 2 : 7]);
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/PROXY_ERROR|error executing a request on the primary/);
  });

  it('reads map the same way', async () => {
    const { store: s } = await fake(() => proxy('no such table: nope'));
    const e = await failure(s.read((tx) => tx.get(`SELECT * FROM nope`)));
    expect(e.code).toBe('STORE_UNAVAILABLE');
  });

  it('after the server ended the transaction, not one more statement is sent on it (it would commit on its own)', async () => {
    const { store: s, seen } = await fake((n) => (n === 2 ? proxy('Transaction timed-out') : 'ok'));
    const e = await failure(
      s.write(async (tx) => {
        await tx.run(`INSERT INTO t VALUES ('first')`);
        await tx.run(`INSERT INTO t VALUES ('second')`).catch(() => undefined);
        // A caller that goes on anyway gets the same error, without a request.
        await tx.run(`INSERT INTO t VALUES ('third')`);
      }),
    );
    expect(e.code).toBe('STORE_BUSY');
    expect(seen).toEqual(['BEGIN IMMEDIATE', `INSERT INTO t VALUES ('first')`, `INSERT INTO t VALUES ('second')`]);
  });

  it('a value over 5 MB is refused before anything is sent (a replica would drop it silently)', async () => {
    const { store: s, seen } = await fake(() => 'ok');
    const big = 'x'.repeat(5 * 1024 * 1024);
    const e = await failure(s.write((tx) => tx.run(`INSERT INTO t VALUES (:v)`, { v: big })));
    expect([e.code, e.message]).toEqual([
      'INVALID_INPUT',
      'A value of 5.0 MB is larger than a remote store accepts (5 MB); nothing was sent.',
    ]);
    expect(seen).toEqual([]);
  });
});
