#!/usr/bin/env node
// `npm run bench:scale`: a 1M-row `member import` into a 1M-membership company while 50
// administrators keep inviting, re-roling and listing at a steady rate (10 writes/s in
// all, from 5 long-lived processes), on a local file, on the sqld primary and through a sqld
// replica. Prints per engine: import time and peak RSS, the administrators' throughput,
// p50/p99 latency per operation, their write-lock wait (p50/p99/max) before and during
// the import, and how many of their commands failed with exit 7.
// Usage: node scripts/bench-scale.mjs [--rows 1000000] [--members 1000000] [--admins 50]
//          [--procs 5] [--rate 10] [--engines local,primary,replica] [--where team|big]
//          [--checkpoint-interval 5|off]
// The sqld primary runs with `--checkpoint-interval-s 5`, the setting docs/remote.md asks
// for; `--checkpoint-interval off` starts it as sqld's defaults do (SQLite's automatic
// checkpoints), under which the import with administrators writing stops (docs/bulk.md).
// Needs a build (npm run build) and, for sqld, .sqld/sqld. Not a test: nothing here
// fails on a slow machine; the targets are in docs/bulk.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { freePort, sqldBinary } from './lib/sqld.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist/main.js');
const PASSWORD = 'bench password 123';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const ROWS = Number(arg('rows', '1000000'));
const MEMBERS = Number(arg('members', '1000000'));
const ADMINS = Number(arg('admins', '50'));
const PROCS = Number(arg('procs', '5'));
const RATE = Number(arg('rate', '10'));
const ENGINES = arg('engines', 'local,primary,replica').split(',');
// Where administrators write: a team company (default) or the 1M-member company itself (--where big).
const WHERE = arg('where', 'team');
const CHECKPOINT = arg('checkpoint-interval', '5');
const CHECKPOINT_ARGS = CHECKPOINT === 'off' ? [] : ['--checkpoint-interval-s', String(Number(CHECKPOINT))];

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => (Number.isNaN(x) ? '–' : x < 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(0)} ms`);

/** Bundles the worker (the program's own modules, migrations inlined as text). */
async function bundleWorker(dir) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const out = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(ROOT, 'scripts/bench-scale-worker.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: Object.keys(pkg.dependencies),
    nodePaths: [join(ROOT, 'node_modules')],
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'sql-raw',
        setup(b) {
          b.onResolve({ filter: /\.sql\?raw$/ }, (a) => ({
            path: new URL(a.path.replace(/\?raw$/, ''), 'file://' + a.resolveDir + '/').pathname,
            namespace: 'sql-raw',
          }));
          b.onLoad({ filter: /.*/, namespace: 'sql-raw' }, (a) => ({
            contents: readFileSync(a.path, 'utf8'),
            loader: 'text',
          }));
        },
      },
    ],
    logLevel: 'error',
  });
  // Resolve the program's dependencies from the repository, wherever the bundle lives.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  spawnSync('ln', ['-s', join(ROOT, 'node_modules'), join(dir, 'node_modules')]);
  return out;
}

/** Starts sqld; resolves once /health answers. */
async function sqld(dir, args) {
  const port = await freePort();
  // BENCH_SQLD_LOG=<dir>: keep each server's own log there (RUST_LOG applies), for a stall's cause.
  const logs = process.env.BENCH_SQLD_LOG;
  const log = logs ? openSync(join(logs, `${basename(dirname(dir))}-${basename(dir)}.log`), 'a') : 'ignore';
  // BENCH_SQLD_ARGS: more flags for every server (its settings under load), split on spaces.
  const extra = (process.env.BENCH_SQLD_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(sqldBinary(), ['-d', dir, '--http-listen-addr', `127.0.0.1:${port}`, ...args, ...extra], {
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const t0 = Date.now(); Date.now() - t0 < 20_000;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop: () => proc.kill('SIGKILL') };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`sqld ${args.join(' ')} did not start`);
}

async function writeCsv(path, n) {
  const roles = ['ADMINISTRATOR', 'MANAGER', 'DESIGNER'];
  const out = createWriteStream(path);
  out.write('email,role\n');
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += `import${i}@scale.example,${roles[i % 3]}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

async function runEngine(name, dir, worker, csv, cli) {
  const work = join(dir, name);
  mkdirSync(work, { recursive: true });
  const servers = [];
  let store;
  let adminStore;
  if (name === 'local') store = adminStore = join(work, 'platform.db');
  else {
    const grpc = await freePort();
    const primary = await sqld(join(work, 'primary'), ['--grpc-listen-addr', `127.0.0.1:${grpc}`, ...CHECKPOINT_ARGS]);
    servers.push(primary);
    store = adminStore = primary.url;
    if (name === 'replica') {
      const replica = await sqld(join(work, 'replica'), ['--primary-grpc-url', `http://127.0.0.1:${grpc}`]);
      servers.push(replica);
      store = adminStore = replica.url;
    }
  }
  try {
    const config = join(work, 'config');
    const platform = (args, token, input) => {
      const r = spawnSync(process.execPath, [cli, '--store', store, '--config-dir', config, ...args], {
        env: { ...process.env, PLATFORMCTL_TOKEN: token ?? '' },
        input: input ?? '',
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      if (r.status !== 0) throw new Error(`platformctl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.stdout;
    };
    platform(
      [
        'account',
        'register',
        '--email',
        'owner@scale.example',
        '--first-name',
        'Big',
        '--last-name',
        'Scale',
        '--password-stdin',
      ],
      undefined,
      PASSWORD + '\n',
    );
    const token = JSON.parse(platform(['--json', 'account', 'token', 'create', '--name', 'scale'])).token;
    platform(['staff', 'grant', 'owner@scale.example'], token);
    const company = String(JSON.parse(platform(['--json', 'account', 'show'], token)).currentCompany.id);
    platform(['plan', 'set', company, 'ENTERPRISE'], token);

    // Seed through the primary (a replica forwards writes anyway; direct is faster).
    const seedStore = name === 'replica' ? servers[0].url : store;
    const tokensFile = join(work, 'tokens.json');
    let t0 = performance.now();
    const s = spawnSync(
      process.execPath,
      [worker, 'seed', seedStore, company, String(MEMBERS), String(ADMINS), tokensFile],
      {
        encoding: 'utf8',
      },
    );
    if (s.status !== 0) throw new Error(`seed failed: ${s.stderr}`);
    const seedMs = performance.now() - t0;
    const { tokens, team } = JSON.parse(readFileSync(tokensFile, 'utf8'));
    // Administrators invite and re-role in a team company: the write lock is one for the
    // whole store, so their wait is what the import costs them, while an invitation into
    // the 1M-member company would also count its seats (a scan of a million rows under
    // the lock, whatever else runs: reported separately).
    const adminCompany = WHERE === 'big' ? company : String(team);

    // Administrators: PROCS processes, ADMINS in all, RATE writes per second in all.
    const ctrl = join(work, 'ctrl');
    mkdirSync(ctrl, { recursive: true });
    const samples = join(work, 'samples.jsonl');
    const per = Math.ceil(ADMINS / PROCS);
    const admins = [];
    for (let p = 0; p < PROCS; p++) {
      const mine = tokens.slice(p * per, (p + 1) * per);
      if (!mine.length) continue;
      const child = spawn(
        process.execPath,
        [
          worker,
          'admins',
          adminStore,
          adminCompany,
          JSON.stringify(mine),
          samples,
          ctrl,
          String(p),
          String((RATE * mine.length) / ADMINS),
          company,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      admins.push(once(child, 'exit'));
    }
    // A few seconds of administrators alone: their lock wait without an import.
    await new Promise((r) => setTimeout(r, 8000));
    writeFileSync(join(ctrl, 'during'), '');
    const rssFile = join(work, 'rss.json');
    t0 = performance.now();
    const imp = spawnSync(
      process.execPath,
      [cli, '--store', store, '--config-dir', config, '--json', 'member', 'import', csv],
      {
        env: { ...process.env, PLATFORMCTL_TOKEN: token, BENCH_RSS_FILE: rssFile },
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      },
    );
    const importMs = performance.now() - t0;
    // BENCH_PROBE=1: after a failed import on sqld, whether (and when) the server takes a
    // write again, administrators still writing: a write every 2 s, for up to 2 minutes.
    if (imp.status !== 0 && name !== 'local' && process.env.BENCH_PROBE) {
      const p0 = performance.now();
      for (let i = 0; performance.now() - p0 < 120_000; i++) {
        const t = performance.now();
        const r = await fetch(`${store}/v2/pipeline`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            requests: [
              { type: 'execute', stmt: { sql: 'CREATE TABLE IF NOT EXISTS bench_probe (x)' } },
              { type: 'execute', stmt: { sql: 'INSERT INTO bench_probe VALUES (1)' } },
              { type: 'close' },
            ],
          }),
          signal: AbortSignal.timeout(5000),
        }).then(
          async (x) => `HTTP ${x.status} ${(await x.text()).slice(0, 120)}`,
          (e) => String(e?.name ?? e),
        );
        console.error(`probe ${((t - p0) / 1000).toFixed(1)} s: ${(performance.now() - t).toFixed(0)} ms ${r}`);
        if (r.startsWith('HTTP 200') && !r.includes('"type":"error"')) break;
        await new Promise((res) => setTimeout(res, 2000));
      }
    }
    writeFileSync(join(ctrl, 'stop'), '');
    await Promise.all(admins);
    const report = imp.status === 0 ? JSON.parse(imp.stdout) : undefined;
    const rss = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')).rss : NaN;
    const rows = readFileSync(samples, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    return {
      name,
      seedMs,
      importMs,
      importExit: imp.status,
      importErr: imp.status ? imp.stderr.trim() : '',
      report,
      rss,
      rows,
    };
  } finally {
    for (const s of servers.reverse()) s.stop();
  }
}

function summarise(r) {
  const during = r.rows.filter((x) => x.phase === 'during');
  const before = r.rows.filter((x) => x.phase === 'before');
  const writes = (rows) => rows.filter((x) => x.op !== 'list' && x.code === 'OK');
  // The first statement's own time when nobody writes: the median before the import.
  const base =
    pct(
      writes(before).map((x) => x.first),
      50,
    ) || 0;
  const waits = (rows) => writes(rows).map((x) => Math.max(0, x.first - base));
  const lines = [];
  lines.push(
    `${r.name}: import of ${ROWS.toLocaleString('en')} rows ${r.importExit === 0 ? `${(r.importMs / 1000).toFixed(1)} s` : `FAILED (exit ${r.importExit}: ${r.importErr})`}` +
      `${r.report?.run ? ` (${r.report.run.mode}, ${r.report.run.chunks} chunks${r.report.run.txMs ? `, transactions p50 ${ms(r.report.run.txMs.p50)} max ${ms(r.report.run.txMs.max)}` : ''})` : ''}, peak RSS ${(r.rss / 1024).toFixed(0)} MB; seeding ${MEMBERS.toLocaleString('en')} members took ${(r.seedMs / 1000).toFixed(1)} s`,
  );
  const secs = r.importMs / 1000;
  for (const op of ['invite', 'set-role', 'list']) {
    const xs = during.filter((x) => x.op === op);
    const ok = xs.filter((x) => x.code === 'OK');
    lines.push(
      `  ${op.padEnd(8)} ${String(xs.length).padStart(6)} ops ${(xs.length / secs).toFixed(1).padStart(5)}/s  p50 ${ms(
        pct(
          ok.map((x) => x.ms),
          50,
        ),
      ).padStart(8)}  p99 ${ms(
        pct(
          ok.map((x) => x.ms),
          99,
        ),
      ).padStart(
        8,
      )}  failed ${xs.length - ok.length}${xs.length - ok.length ? ` (${[...new Set(xs.filter((x) => x.code !== 'OK').map((x) => x.code))].join(', ')})` : ''}`,
    );
  }
  const w = waits(during);
  const exit7 = during.filter((x) => ['STORE_BUSY', 'STORE_UNAVAILABLE'].includes(x.code)).length;
  lines.push(
    `  write-lock wait during the import: p50 ${ms(pct(w, 50))}, p99 ${ms(pct(w, 99))}, max ${ms(Math.max(0, ...w))} over ${w.length} writes (before it: p99 ${ms(pct(waits(before), 99))}); exit 7: ${exit7}`,
  );
  // Writes whose transaction the store ended (STORE_BUSY) and that ran again.
  const retried = writes(during).filter((x) => (x.attempts ?? 1) > 1);
  lines.push(
    `  writes run more than once during the import: ${retried.length} of ${writes(during).length} (attempts max ${Math.max(1, ...retried.map((x) => x.attempts))}); over 1 s of lock wait: ${w.filter((x) => x > 1000).length}`,
  );
  return {
    lines,
    row: `| ${r.name} | ${r.importExit === 0 ? `${secs.toFixed(1)} s` : 'failed'} | ${(r.rss / 1024).toFixed(0)} MB | ${(writes(during).length / secs).toFixed(1)} | ${[
      'invite',
      'set-role',
      'list',
    ]
      .map((op) => {
        const ok = during.filter((x) => x.op === op && x.code === 'OK').map((x) => x.ms);
        return `${ms(pct(ok, 50))} / ${ms(pct(ok, 99))}`;
      })
      .join(' | ')} | ${ms(pct(w, 50))} / ${ms(pct(w, 99))} | ${exit7} |`,
  };
}

async function main() {
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first.');
  const dir = mkdtempSync(join(tmpdir(), 'platformctl-scale-'));
  try {
    const worker = await bundleWorker(dir);
    const cli = join(dir, 'cli.mjs');
    writeFileSync(
      cli,
      `import { writeFileSync } from 'node:fs';
       import { main } from ${JSON.stringify(pathToFileURL(MAIN).href)};
       process.exitCode = await main(process.argv.slice(2));
       process.on('exit', () => { if (process.env.BENCH_RSS_FILE) { const u = process.resourceUsage(); writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ rss: u.maxRSS })); } });`,
    );
    const csv = join(dir, 'import.csv');
    await writeCsv(csv, ROWS);
    console.log(
      `bench:scale — ${ROWS.toLocaleString('en')}-row import into a ${MEMBERS.toLocaleString('en')}-member company; ${ADMINS} administrators in ${PROCS} processes, ${RATE} writes/s in all (invite, set-role) plus lists of the first 50 members of the big company; administrators write in ${WHERE === 'big' ? 'the big company' : 'a team company'}; sqld primary ${CHECKPOINT === 'off' ? "with sqld's default checkpoints" : `with --checkpoint-interval-s ${CHECKPOINT}`}\n`,
    );
    const table = [
      '| engine | import | import peak RSS | admin writes/s | invite p50 / p99 | set-role p50 / p99 | list p50 / p99 | write-lock wait p50 / p99 | exit 7 |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const name of ENGINES) {
      if (name !== 'local' && !sqldBinary()) {
        console.log(`${name}: skipped (no sqld: run scripts/fetch-sqld.sh)`);
        continue;
      }
      const r = await runEngine(name, dir, worker, csv, cli);
      const s = summarise(r);
      console.log(s.lines.join('\n') + '\n');
      table.push(s.row);
    }
    console.log(table.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
