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

/** One sqld server on a free loopback port with its own data directory. */
export class Sqld {
  proc: ChildProcess | undefined;
  readonly dataDir: string;
  port = 0;
  extraArgs: string[];

  constructor(opts: { dataDir?: string; args?: string[] } = {}) {
    this.dataDir = opts.dataDir ?? join(mkdtempSync(join(tmpdir(), 'platformctl-sqld-')), 'data');
    this.extraArgs = opts.args ?? [];
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port and data) and waits until /health answers. */
  async start(): Promise<this> {
    const bin = sqldBinary();
    if (!bin) throw new Error('sqld not found: run scripts/fetch-sqld.sh or set SQLD_BIN');
    if (!this.port) this.port = await freePort();
    for (let attempt = 0; ; attempt++) {
      this.proc = spawn(bin, ['-d', this.dataDir, '--http-listen-addr', `127.0.0.1:${this.port}`, ...this.extraArgs], {
        stdio: 'ignore',
      });
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
      // The port may have been taken between choosing and binding: try another.
      this.port = await freePort();
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
      p.kill(signal);
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    });
  }
}
