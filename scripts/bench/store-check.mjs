#!/usr/bin/env node
// Benchmark of `store check` on a large local store: N users (default 1,000,000), each
// with their main company, of which one in 1,000 holds a look-alike of another user's
// e-mail (NFD accents, a WORD JOINER, upper case: what builds before the identity-text
// rule let in; docs/identity.md). Prints wall time, the child's peak RSS and how many
// warnings it found. The look-alike scan reads users, companies and invitations in
// keyset pages, so memory follows the number of look-alikes, not of users.
// Usage: node scripts/bench/store-check.mjs [--users 1000000] [--keep]  (--keep: leave the
// store in place and print its path, to profile against)
// Needs a build (npm run build). Not a test: nothing here fails on a slow machine.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/platformctl.js');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
}

const N = Number(arg('users', '1000000'));
const dir = mkdtempSync(join(tmpdir(), 'bench-check-'));
const store = join(dir, 'platform.db');

function cli(args) {
  // GNU time: elapsed seconds and peak RSS (KB) of the child, on stderr's last line.
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, BIN, '--store', store, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const [wall, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wall, rss };
}

try {
  if (cli(['store', 'init']).status !== 0) throw new Error('store init failed');
  const t0 = performance.now();
  const db = new Database(store);
  db.pragma('journal_mode = WAL');
  const now = '2024-01-01T00:00:00.000Z';
  const plan = db.prepare(`SELECT id FROM plans WHERE is_default = 1`).get().id;
  const user = db.prepare(
    `INSERT INTO users (id, email, first_name, last_name, password_hash, current_company_id, created_at, updated_at)
     VALUES (?, ?, 'Bench', ?, 'x', ?, ?, ?)`,
  );
  const company = db.prepare(
    `INSERT INTO companies (id, name, owner_id, plan_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const member = db.prepare(
    `INSERT INTO memberships (company_id, user_id, role, status, created_at, updated_at, email)
     VALUES (?, ?, 'OWNER', 'ACTIVE', ?, ?, ?)`,
  );
  const spell = [
    (i) => `jose\u0301${i - 1}@bench.example`, // NFD of user i-1's josé
    (i) => `jos\u00e9${i - 2}\u2060@bench.example`, // WORD JOINER
    (i) => `JOS\u00c9${i - 3}@bench.example`, // upper case
  ];
  let lookalikes = 0;
  db.transaction(() => {
    for (let i = 1; i <= N; i++) {
      const email = i % 1000 === 0 ? spell[lookalikes++ % 3](i) : `jos\u00e9${i}@bench.example`;
      user.run(i, email, `User${i}`, i, now, now);
      company.run(i, `User${i} Company`, i, plan, now, now);
      member.run(i, i, now, now, email);
    }
    db.prepare(`UPDATE id_high_water SET last_id = ? WHERE tbl IN ('users', 'companies')`).run(N);
  })();
  db.close();
  console.log(
    `store of ${N} users (${lookalikes} look-alikes) built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const r = cli(['--json', 'store', 'check']);
  if (r.status !== 0) throw new Error(`store check exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const kinds = {};
  for (const w of report.warnings) kinds[w.kind] = (kinds[w.kind] ?? 0) + 1;
  console.log(
    `store check: ${r.wall.toFixed(1)} s, peak RSS ${(r.rss / 1024).toFixed(0)} MB, ` +
      `${report.warningCount} warnings (listed: ${JSON.stringify(kinds)})`,
  );
} finally {
  if (process.argv.includes('--keep')) console.log(`store kept: ${store}`);
  else rmSync(dir, { recursive: true, force: true });
}
