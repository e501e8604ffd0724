#!/usr/bin/env node
// Benchmark of the streaming lists (issue 11) on both engines:
//   - a company of N members (default 1,000,000: 80% accounts, 20% pending
//     invitations, e-mails interleaved) and N audit entries, built with direct SQL
//     (recursive CTEs run by the engine itself; the same statements on both engines);
//   - `member list --json`, `member export`, `member list --role ADMINISTRATOR --json`
//     and `audit list --format jsonl`, written to a file: wall time, CPU and peak RSS;
//   - locally, side by side with Debian's `sqlite3 -json` / `-csv` running the same
//     query in one go, and Node's own start-up;
//   - `member list | head -1`: how soon a closed pipe ends it (it stops reading pages).
// Targets (issue 11): RSS < 150 MB on every engine; local time ≤ 2× sqlite3 plus
// Node's start-up. Nothing here fails on a slow machine: it prints numbers.
// Usage: node scripts/bench/lists.mjs [--members 1000000] [--audit 1000000] [--runs 2] [--no-sqld] [--keep]
// (--keep leaves the stores in their temp directory, for profiling).
// Needs a build (npm run build).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sqldBinary, startSqld } from '../lib/sqld.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/main.js');
const PASSWORD = 'bench password 123';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
}

const ms = (t) => `${(t / 1000).toFixed(2)} s`;
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;

/** The SQL that fills company :c with members from :from to :to (the same on both engines). */
function fillStatements(from, to, c, usersBase, companyName) {
  const nums = `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to - 1})`;
  const now = "'2026-12-01T00:00:00.000Z'";
  const email = `'m' || printf('%07d', i) || '@bench.example'`;
  const role = `CASE i % 3 WHEN 0 THEN 'ADMINISTRATOR' WHEN 1 THEN 'MANAGER' ELSE 'DESIGNER' END`;
  return [
    // 4 in 5 are accounts with a membership; every fifth is a pending invitation.
    `${nums} INSERT INTO users (id, email, first_name, last_name, password_hash, created_at, updated_at)
       SELECT ${usersBase} + 1 + i, ${email}, 'First' || i, 'Last' || i, 'x', ${now}, ${now} FROM n WHERE i % 5 <> 0`,
    `${nums} INSERT INTO memberships (company_id, user_id, email, role, status, created_at, updated_at)
       SELECT ${c}, ${usersBase} + 1 + i, ${email}, ${role}, CASE i % 2 WHEN 0 THEN 'ACTIVE' ELSE 'INVITED' END, ${now}, ${now}
       FROM n WHERE i % 5 <> 0`,
    `${nums} INSERT INTO invitations (company_id, email, role, created_at, updated_at)
       SELECT ${c}, ${email}, ${role}, ${now}, ${now} FROM n WHERE i % 5 = 0`,
    `${nums} INSERT INTO audit_log (at, actor_email, company_id, company_name, action, target, details)
       SELECT strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'), 'bench@bench.example', ${c},
              ${JSON.stringify(companyName).replace(/"/g, "'")}, 'member.invite', ${email}, '{"role":"DESIGNER","status":"PENDING"}'
       FROM n`,
  ];
}

/** Runs a node script as a child with stdout into a file; returns wall time, CPU (ms) and peak RSS (KB). */
function timeNode(script, args, env, outFile) {
  const rssFile = join(tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(outFile ?? '/dev/null', 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', fd, 'pipe'],
  });
  const wall = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const usage = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : { rss: NaN, cpu: NaN };
  rmSync(rssFile, { force: true });
  return { wall, rss: usage.rss, cpu: usage.cpu };
}

/** A shell pipeline's wall time, and the CPU time of the commands it ran (bash's `time`). */
function timeShell(cmd) {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; { time { ${cmd} ; } 2>&3 ; } 3>&2 2>&1 1>/dev/null`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const wall = performance.now() - t0;
  const [user, sys] = r.stdout.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000, status: r.status, stderr: r.stderr };
}

const best = (runs) => runs.reduce((a, x) => (x.wall < a.wall ? x : a));
const repeat = (n, f) => Array.from({ length: n }, f);

export async function run() {
  const N = Number(arg('members', '1000000'));
  const AUDIT = Number(arg('audit', String(N)));
  const RUNS = Number(arg('runs', '2'));
  const withSqld = !process.argv.includes('--no-sqld');
  if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first.');
  const dir = mkdtempSync(join(tmpdir(), 'platformctl-bench-lists-'));
  const results = [];
  const row = (...r) => results.push(r);
  try {
    const cli = join(dir, 'cli.mjs');
    writeFileSync(
      cli,
      `import { writeFileSync } from 'node:fs';
       import { main } from ${JSON.stringify(pathToFileURL(MAIN).href)};
       process.on('exit', () => { if (process.env.BENCH_RSS_FILE) { const u = process.resourceUsage(); writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ rss: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 })); } });
       process.exitCode = await main(process.argv.slice(2));`,
    );
    const platform = (store, args, token, input) => {
      const r = spawnSync(process.execPath, [cli, '--store', store, '--config-dir', join(dir, 'config'), ...args], {
        env: { ...process.env, PLATFORMCTL_TOKEN: token ?? '' },
        input: input ?? '',
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(`platformctl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r.stdout;
    };
    /** A store with one SUPPORT user owning company "Mark Company" on ENTERPRISE, then N members by SQL. */
    const build = async (store, exec) => {
      platform(
        store,
        [
          'account',
          'register',
          '--email',
          'bench@bench.example',
          '--first-name',
          'Bench',
          '--last-name',
          'Mark',
          '--password-stdin',
        ],
        undefined,
        PASSWORD + '\n',
      );
      const token = JSON.parse(platform(store, ['--json', 'account', 'token', 'create', '--name', 'bench'])).token;
      platform(store, ['staff', 'grant', 'bench@bench.example'], token);
      const company = JSON.parse(platform(store, ['--json', 'account', 'show'], token)).currentCompany.id;
      platform(store, ['plan', 'set', String(company), 'ENTERPRISE'], token);
      const usersBase = (await exec(`SELECT last_id FROM id_high_water WHERE tbl = 'users'`))[0].last_id;
      const t0 = performance.now();
      const CHUNK = 100_000;
      for (let from = 0; from < Math.max(N, AUDIT); from += CHUNK) {
        if (from < N) {
          const [u, m, i] = fillStatements(from, Math.min(from + CHUNK, N), company, usersBase, 'Mark Company');
          for (const sql of [u, m, i]) await exec(sql);
        }
        if (from < AUDIT)
          await exec(fillStatements(from, Math.min(from + CHUNK, AUDIT), company, usersBase, 'Mark Company')[3]);
      }
      return { token, company, fill: performance.now() - t0 };
    };
    const measure = (engine, store, token) => {
      const env = { PLATFORMCTL_TOKEN: token };
      const base = ['--store', store, '--config-dir', join(dir, 'config')];
      const out = join(dir, 'out');
      const cmds = [
        ['member list --json', ['--json', 'member', 'list']],
        ['member export', ['member', 'export']],
        ['member list --role ADMINISTRATOR --json', ['--json', 'member', 'list', '--role', 'ADMINISTRATOR']],
        ['audit list --format jsonl', ['audit', 'list', '--format', 'jsonl']],
      ];
      const measured = {};
      for (const [name, args] of cmds) {
        const b = best(repeat(RUNS, () => timeNode(cli, [...base, ...args], env, out)));
        const size = statSync(out).size;
        measured[name] = b;
        row(
          `${engine}: ${name}`,
          ms(b.wall),
          `CPU ${ms(b.cpu)}`,
          `RSS ${mb(b.rss)}`,
          `${(size / 1e6).toFixed(0)} MB out`,
        );
      }
      const head = best(
        repeat(RUNS, () =>
          timeShell(
            `PLATFORMCTL_TOKEN=${token} node ${cli} ${base.join(' ')} member list | head -1 >/dev/null; echo "\${PIPESTATUS[0]}" >&2`,
          ),
        ),
      );
      // The last line on stderr is the pipeline's status; anything before it, the CLI's stderr.
      const lines = head.stderr.trimEnd().split('\n');
      row(
        `${engine}: member list | head -1`,
        ms(head.wall),
        `status ${lines.pop()}`,
        lines.length ? `stderr: ${lines.join(' ').slice(0, 80)}` : 'stderr empty',
        '',
      );
      return measured;
    };

    console.log(
      `platformctl list benchmark: ${N.toLocaleString('en-US')} members, ${AUDIT.toLocaleString('en-US')} audit entries, best of ${RUNS}`,
    );

    // ---- local ----
    const db = join(dir, 'local.db');
    const Database = createRequire(join(ROOT, 'package.json'))('better-sqlite3');
    let handle;
    const local = await build(db, async (sql) => {
      handle ??= new Database(db);
      const s = handle.prepare(sql);
      return s.reader ? s.all() : (s.run(), []);
    });
    handle?.close();
    row('local: fill by SQL', ms(local.fill), '', '', '');
    const lm = measure('local', db, local.token);
    const startup = best(repeat(RUNS, () => timeShell(`node -e ''`)));
    const cliStartup = best(repeat(RUNS, () => timeNode(cli, ['--version'], {})));
    row('node start-up (node -e "")', ms(startup.wall), `CPU ${ms(startup.cpu)}`, '', '');
    row('platformctl start-up (--version through main)', ms(cliStartup.wall), '', `RSS ${mb(cliStartup.rss)}`, '');
    if (spawnSync('sqlite3', ['-version']).status === 0) {
      const c = local.company;
      const members = `SELECT email, first_name AS firstName, last_name AS lastName, role, status FROM (
          SELECT m.email, u.first_name, u.last_name, m.role, m.status FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.company_id = ${c}
          UNION ALL SELECT email, NULL, NULL, role, 'PENDING' FROM invitations WHERE company_id = ${c}) ORDER BY role = 'OWNER' DESC, email`;
      const exportSql = `SELECT email, role, ${c} AS company FROM (SELECT email, role FROM memberships WHERE company_id = ${c}
          UNION ALL SELECT email, role FROM invitations WHERE company_id = ${c}) ORDER BY role = 'OWNER' DESC, email`;
      const audit = `SELECT id, at, actor_email, company_id, company_name, action, target, details, run_id FROM audit_log ORDER BY id DESC`;
      const sq = (mode, sql) =>
        best(
          repeat(RUNS, () =>
            timeShell(`sqlite3 -readonly ${mode} '${db}' "${sql.replace(/\s+/g, ' ')}" > '${join(dir, 'sq')}'`),
          ),
        );
      for (const [name, mode, sql] of [
        ['member list --json', '-json', members],
        ['member export', '-json', exportSql],
        ['member export', '-csv -header', exportSql],
        ['audit list --format jsonl', '-json', audit],
      ]) {
        const s = sq(mode, sql);
        const target = 2 * s.wall + startup.wall;
        row(
          `local: ${name} vs sqlite3 ${mode}`,
          `${ms(lm[name].wall)} vs ${ms(s.wall)}`,
          `${(lm[name].wall / s.wall).toFixed(2)}× wall`,
          `target ≤ 2× + node start-up = ${ms(target)}`,
          lm[name].wall <= target ? 'met' : 'NOT met',
        );
        row(
          `  CPU time`,
          `${ms(lm[name].cpu)} vs ${ms(s.cpu)}`,
          `${(lm[name].cpu / s.cpu).toFixed(2)}× CPU`,
          `≤ 2× + node start-up CPU = ${ms(2 * s.cpu + startup.cpu)}`,
          lm[name].cpu <= 2 * s.cpu + startup.cpu ? 'met' : 'NOT met',
        );
      }
    } else row('sqlite3 comparison', 'skipped: sqlite3 not installed', '', '', '');

    // ---- sqld ----
    if (!withSqld) row('sqld', 'skipped (--no-sqld)', '', '', '');
    else if (!sqldBinary()) row('sqld', 'skipped: no sqld (scripts/fetch-sqld.sh)', '', '', '');
    else {
      const server = await startSqld(dir);
      try {
        const { createClient } = await import('@libsql/client');
        const client = createClient({ url: server.url, intMode: 'number' });
        const remote = await build(server.url, async (sql) => {
          const r = await client.execute(sql);
          return r.rows.map((x) => ({ ...x }));
        });
        client.close();
        row('sqld: fill by SQL', ms(remote.fill), '', '', '');
        measure('sqld', server.url, remote.token);
      } finally {
        server.stop();
      }
    }
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept ${dir} (local.db, cli.mjs; token in the bench's config)`);
    else rmSync(dir, { recursive: true, force: true });
  }
  const w = [0, 1, 2, 3].map((i) => Math.max(...results.map((r) => String(r[i]).length)));
  for (const r of results) console.log(r.map((c, i) => (i < 4 ? String(c).padEnd(w[i]) : c)).join('  '));
  return results;
}

export default run;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
