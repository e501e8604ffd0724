// Start-up time of the built CLI, side by side with a bare `node -e 0` in the same run
// (interleaved, so machine noise hits all three alike): median of BENCH_RUNS runs
// (default 15, at least 15) after warm-up. Targets:
//   platformctl --version                             <= 1.1 x node -e 0
//   platformctl company list --json (small local store, signed in) <= 1.4 x node -e 0
// Every module a command does not need stays unloaded on its path: the remote client
// (dist/libsql-http.js) is never loaded by a local command.
// Exits 1 when a target is missed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/platformctl.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../../dist/main.js', import.meta.url)))) {
  console.error('dist/main.js is missing: run `npm run build` first.');
  process.exit(2);
}
const runs = Math.max(15, Number(process.env.BENCH_RUNS) || 15);
const dir = mkdtempSync(join(tmpdir(), 'platformctl-bench-'));
const env = {
  ...process.env,
  NO_COLOR: undefined,
  FORCE_COLOR: undefined,
  PLATFORMCTL_TOKEN: undefined,
  PLATFORMCTL_STORE: undefined,
  PLATFORMCTL_STORE_TOKEN: undefined,
};
for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
const global = ['--store', join(dir, 'platform.db'), '--config-dir', join(dir, 'config')];

function run(args, input) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, input: input ?? '', encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

try {
  // A small store: one signed-in user with their company and two more companies.
  const register = (email, last) =>
    run(
      [
        bin,
        ...global.slice(0, 2),
        '--config-dir',
        join(dir, `config-${last}`),
        'account',
        'register',
        '--email',
        email,
        '--first-name',
        'Bench',
        '--last-name',
        last,
        '--password-stdin',
      ],
      'bench password 1\n',
    );
  register('owner@example.com', 'Owner');
  run([bin, ...global, 'account', 'login', '--email', 'owner@example.com', '--password-stdin'], 'bench password 1\n');
  for (const last of ['Acme', 'Globex']) {
    register(`${last.toLowerCase()}@example.com`, last);
    run([
      bin,
      ...global.slice(0, 2),
      '--config-dir',
      join(dir, `config-${last}`),
      'member',
      'invite',
      'owner@example.com',
      '--role',
      'MANAGER',
    ]);
  }
  const list = JSON.parse(run([bin, ...global, 'company', 'list', '--json']).stdout);
  if (list.length !== 3) throw new Error(`expected 3 companies, got ${list.length}`);

  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'platformctl --version', args: [bin, '--version'], target: 1.1 },
    { name: 'platformctl company list --json', args: [bin, ...global, 'company', 'list', '--json'], target: 1.4 },
  ];
  for (let i = 0; i < 3; i++) for (const c of cases) run(c.args); // warm the file cache
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, j) => times[j].push(run(c.args).ms));
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const base = median(times[0]);
  let missed = 0;
  console.log(
    `start-up, median of ${runs} interleaved runs (node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores):`,
  );
  cases.forEach((c, j) => {
    const m = median(times[j]);
    const ratio = m / base;
    const verdict =
      c.target === undefined
        ? ''
        : ratio <= c.target
          ? `ok (target <= ${c.target}x)`
          : `MISSED (target <= ${c.target}x)`;
    if (c.target !== undefined && ratio > c.target) missed++;
    const min = Math.min(...times[j]);
    console.log(
      `  ${c.name.padEnd(34)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x  ${verdict.padEnd(24)} (fastest ${min.toFixed(1)} ms, ${(min / Math.min(...times[0])).toFixed(2)}x)`,
    );
  });
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
