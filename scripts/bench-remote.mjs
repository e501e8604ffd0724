#!/usr/bin/env node
// Read commands on sqld, primary and replica, next to the same commands on a local file:
// requests per command, CPU time of the CLI process and wall time (medians of
// interleaved runs), reads through the replica with its primary stopped, and 20 commands
// at once. Usage: node scripts/bench-remote.mjs [runs]   (default 15)
// Needs `npm run build` and .sqld/sqld (scripts/fetch-sqld.sh).
// Targets (docs/remote.md): a read command on sqld costs at most 1.5x the CPU of the same
// command locally and at most 2 requests; a read through the replica with the primary
// stopped takes at most 2x the time of the same read on the primary when it is up.
// Exits 1 when a target is missed. The machine's load is printed: judge the times by it.
import { execFile } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPair } from './lib/sqld.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/platformctl.js');
const probe = join(root, 'scripts/bench/_cpu-probe.mjs');
const runs = Math.max(5, Number(process.argv[2] ?? 15));
const dir = mkdtempSync(join(tmpdir(), 'platformctl-bench-'));
const cpuFile = join(dir, 'cpu.txt');

const { primary, replica } = await startPair(dir);

/** A pass-through proxy that counts requests (the CLI's round trips). */
async function countingProxy(port) {
  const state = { count: 0, url: '' };
  const server = createServer((req, res) => {
    state.count++;
    const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (u) => {
      res.writeHead(u.statusCode, u.headers);
      u.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () => server.close();
  return state;
}
const P = await countingProxy(primary.port);
const R = await countingProxy(replica.port);
const local = join(dir, 'local.db');

/** Runs the CLI; resolves with wall ms and the process's own CPU ms. */
function cli(store, args, input = '', env = {}) {
  return new Promise((resolve, reject) => {
    writeFileSync(cpuFile, '');
    const t0 = performance.now();
    const p = execFile(
      process.execPath,
      ['--import', probe, bin, '--store', store, '--config-dir', join(dir, 'config'), ...args],
      { env: { ...process.env, PLATFORMCTL_STORE_TOKEN: '', PLATFORMCTL_TOKEN: '', BENCH_CPU_FILE: cpuFile, ...env } },
      (err, stdout, stderr) => {
        const wall = performance.now() - t0;
        if (err) return reject(new Error(`${args.join(' ')}: ${stderr}`));
        resolve({ wall, cpu: Number(readFileSync(cpuFile, 'utf8').trim()), stdout, stderr });
      },
    );
    p.stdin.end(input);
  });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The same small store on both engines: Ann with two members and an invitation, Bob.
const register = (store, email, last) =>
  cli(
    store,
    ['account', 'register', '--email', email, '--first-name', 'Bench', '--last-name', last, '--password-stdin'],
    'correct horse battery\n',
  );
for (const s of [local, P.url]) {
  await register(s, 'bob@example.com', 'Jones');
  await register(s, 'ann@example.com', 'Smith');
  await cli(s, ['member', 'invite', 'bob@example.com', 'carol@example.com', '--role', 'MANAGER']);
}
// The replica has caught up with everything (it answers locally from here on).
await new Promise((r) => setTimeout(r, 1500));

const commands = [
  ['company', 'list'],
  ['account', 'show'],
  ['company', 'show'],
  ['member', 'list'],
  ['billing', 'show'],
  ['plan', 'list'],
];
const baseline = { wall: [], cpu: [] };
const results = new Map();
let missed = 0;
// Warm the file cache and the CLI's identity cache for each URL.
for (const c of commands) for (const s of [local, P.url, R.url]) await cli(s, ['--json', ...c]);
for (let i = 0; i < runs; i++) {
  {
    writeFileSync(cpuFile, '');
    const t0 = performance.now();
    await new Promise((res) =>
      execFile(
        process.execPath,
        ['--import', probe, '-e', '0'],
        { env: { ...process.env, BENCH_CPU_FILE: cpuFile } },
        res,
      ),
    );
    baseline.wall.push(performance.now() - t0);
    baseline.cpu.push(Number(readFileSync(cpuFile, 'utf8').trim()));
  }
  for (const c of commands) {
    for (const [engine, store, proxy] of [
      ['local', local, undefined],
      ['primary', P.url, P],
      ['replica', R.url, R],
    ]) {
      const key = `${c.join(' ')}|${engine}`;
      const r = results.get(key) ?? { wall: [], cpu: [], requests: [] };
      const before = proxy?.count ?? 0;
      const out = await cli(store, ['--json', ...c]);
      r.wall.push(out.wall);
      r.cpu.push(out.cpu);
      if (proxy) r.requests.push(proxy.count - before);
      results.set(key, r);
    }
  }
}

console.log(
  `read commands, median of ${runs} interleaved runs (node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores)`,
);
console.log(
  `  ${'node -e 0'.padEnd(22)} cpu ${median(baseline.cpu).toFixed(0).padStart(4)} ms   wall ${median(baseline.wall).toFixed(0).padStart(4)} ms`,
);
for (const c of commands) {
  const name = c.join(' ');
  const l = results.get(`${name}|local`);
  for (const engine of ['local', 'primary', 'replica']) {
    const r = results.get(`${name}|${engine}`);
    const cpu = median(r.cpu);
    const ratio = cpu / median(l.cpu);
    const req = r.requests.length ? Math.max(...r.requests) : undefined;
    let verdict = '';
    if (engine !== 'local') {
      const okCpu = ratio <= 1.5;
      const okReq = req <= 2;
      if (!okCpu || !okReq) missed++;
      verdict = `${okCpu ? 'ok' : 'MISSED'} (cpu <= 1.5x), ${okReq ? 'ok' : 'MISSED'} (<= 2 requests)`;
    }
    console.log(
      `  ${(engine === 'local' ? name : '').padEnd(22)} ${engine.padEnd(8)} cpu ${cpu.toFixed(0).padStart(4)} ms ${ratio.toFixed(2)}x  wall ${median(r.wall).toFixed(0).padStart(4)} ms${req === undefined ? '' : `  ${req} request(s)`}  ${verdict}`,
    );
  }
}

// The primary stopped: reads through the replica, against the same reads on the primary up.
const stoppedRuns = [];
const upRuns = results.get('company list|primary').wall;
primary.pause(true);
try {
  for (let i = 0; i < runs; i++) {
    const out = await cli(R.url, ['--json', 'company', 'list'], '', { PLATFORMCTL_STORE_TIMEOUT_MS: '5000' });
    if (out.stderr) console.log(`  (stderr: ${out.stderr.trim()})`);
    stoppedRuns.push(out.wall);
  }
} finally {
  primary.pause(false);
}
const stoppedRatio = median(stoppedRuns) / median(upRuns);
if (stoppedRatio > 2) missed++;
console.log(
  `primary stopped: company list through the replica ${median(stoppedRuns).toFixed(0)} ms vs ${median(upRuns).toFixed(0)} ms on the primary up: ${stoppedRatio.toFixed(2)}x ${stoppedRatio <= 2 ? 'ok' : 'MISSED'} (target <= 2x)`,
);

// 20 commands at once.
for (const [label, store] of [
  ['local', local],
  ['primary', P.url],
  ['replica', R.url],
]) {
  const walls = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => cli(store, ['--json', 'company', 'list'])));
    walls.push(performance.now() - t0);
  }
  results.set(`burst|${label}`, median(walls));
}
const burst = (k) => results.get(`burst|${k}`);
console.log(
  `20 x company list at once: local ${burst('local').toFixed(0)} ms, primary ${burst('primary').toFixed(0)} ms (${(burst('primary') / burst('local')).toFixed(2)}x), replica ${burst('replica').toFixed(0)} ms (${(burst('replica') / burst('local')).toFixed(2)}x)`,
);

P.close();
R.close();
primary.stop();
replica.stop();
rmSync(dir, { recursive: true, force: true });
process.exitCode = missed ? 1 : 0;
