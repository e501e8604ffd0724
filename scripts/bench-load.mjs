#!/usr/bin/env node
// Load bench: N concurrent CLI processes mixing invite, set-role, remove, switch, leave
// and list on one store, for the local engine and a sqld it starts itself. Prints
// operations/s, p50/p99 latency per operation, and any exit 1/7 (there should be none).
//
//   npm run bench:load                       # 60 s per engine, 2 x cores workers
//   BENCH_SECONDS=20 BENCH_WORKERS=4 npm run bench:load
//   BENCH_ENGINES=local npm run bench:load
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSqld } from './lib/sqld.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'platformctl.js');
const SECONDS = Number(process.env.BENCH_SECONDS) || 60;
const WORKERS = Number(process.env.BENCH_WORKERS) || 2 * cpus().length;
const ENGINES = (process.env.BENCH_ENGINES || 'local,libsql').split(',');
const PASSWORD = 'correct horse battery';

if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
  console.error('dist/main.js is missing: run `npm run build` first.');
  process.exit(2);
}

/** Runs the CLI once; resolves with exit code and wall time in ms. */
function cli(store, configDir, args, input = '') {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = execFile(
      'node',
      [BIN, '--store', store, '--config-dir', configDir, ...args],
      { env: { ...process.env, NO_COLOR: '1', PLATFORMCTL_TOKEN: '' } },
      (err, stdout, stderr) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, ms, stdout, stderr });
      },
    );
    child.stdin.end(input);
  });
}

const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

async function bench(engine) {
  const dir = mkdtempSync(join(tmpdir(), 'platformctl-bench-'));
  let sqld;
  try {
    const store = engine === 'local' ? join(dir, 'platform.db') : (sqld = await startSqld(dir)).url;
    const names = ['ann', 'bob', 'cat', 'dan', 'eve'];
    const cfg = (n) => join(dir, `config-${n}`);
    // Registration is deliberately slow (scrypt); it is setup, not measured.
    await cli(store, cfg('ann'), ['store', 'init']);
    const regs = await Promise.all(
      names.map((n, i) =>
        cli(
          store,
          cfg(n),
          [
            'account',
            'register',
            '--email',
            `${n}@example.com`,
            '--first-name',
            n,
            '--last-name',
            `Bench${i}`,
            '--password-stdin',
          ],
          PASSWORD + '\n',
        ),
      ),
    );
    if (regs.some((r) => r.code !== 0)) throw new Error('setup failed: ' + regs.map((r) => r.stderr).join(' '));
    await cli(store, cfg('ann'), ['staff', 'grant', 'ann@example.com']);
    await cli(store, cfg('ann'), ['plan', 'set', 'Bench0 Company', 'TEAM']);
    const company = 'Bench0 Company';
    const pool = [
      ...names.slice(1).map((n) => `${n}@example.com`),
      ...Array.from({ length: 10 }, (_, i) => `p${i}@example.org`),
    ];
    const roles = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'];
    const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
    const ops = {
      invite: () =>
        cli(store, cfg('ann'), ['member', 'invite', pick(pool), '--role', pick(roles), '--company', company]),
      'set-role': () =>
        cli(store, cfg('ann'), ['member', 'set-role', pick(pool), '--role', pick(roles), '--company', company]),
      remove: () => cli(store, cfg('ann'), ['--yes', 'member', 'remove', pick(pool), '--company', company]),
      switch: () => cli(store, cfg(pick(names.slice(1))), ['company', 'switch', company]),
      leave: () => cli(store, cfg(pick(names.slice(1))), ['--yes', 'company', 'leave', company]),
      list: () => cli(store, cfg('ann'), ['--json', 'member', 'list', '--company', company]),
    };
    const lat = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
    const codes = {};
    const deadline = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (Date.now() < deadline) {
          const op = pick(Object.keys(ops));
          const r = await ops[op]();
          lat[op].push(r.ms);
          codes[r.code] = (codes[r.code] ?? 0) + 1;
          if (r.code === 1 || r.code === 7) console.error(`  ${op} exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    const all = Object.values(lat)
      .flat()
      .sort((a, b) => a - b);
    console.log(
      `\n${engine}: ${WORKERS} workers, ${elapsed.toFixed(1)} s, ${all.length} operations, ${(all.length / elapsed).toFixed(1)} ops/s`,
    );
    console.log(`  all        p50 ${pct(all, 50).toFixed(0)} ms  p99 ${pct(all, 99).toFixed(0)} ms`);
    for (const [op, xs] of Object.entries(lat)) {
      xs.sort((a, b) => a - b);
      console.log(
        `  ${op.padEnd(10)} n=${String(xs.length).padEnd(5)} p50 ${pct(xs, 50).toFixed(0)} ms  p99 ${pct(xs, 99).toFixed(0)} ms`,
      );
    }
    console.log(`  exit codes ${JSON.stringify(codes)}`);
    const check = await cli(store, cfg('ann'), ['store', 'check']);
    console.log(`  store check: ${check.code === 0 ? 'clean' : 'FAILED ' + check.stdout + check.stderr}`);
    return (codes[1] ?? 0) + (codes[7] ?? 0) === 0 && check.code === 0;
  } finally {
    sqld?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let ok = true;
for (const engine of ENGINES) ok = (await bench(engine)) && ok;
process.exitCode = ok ? 0 : 1;
