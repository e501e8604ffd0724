// `npm run bench`: runs every benchmark part in scripts/bench/*.mjs, one after the
// other (parts measure time, so they must not share the two cores), and fails if any
// part fails. Add a part by dropping a file there. `npm run bench -- startup` runs
// only the parts whose file name contains one of the given words.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const only = process.argv.slice(2);
const parts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .filter((f) => !only.length || only.some((w) => f.includes(w)))
  .sort();
if (!parts.length) {
  console.error(`no benchmark parts${only.length ? ` matching ${only.join(', ')}` : ''} in scripts/bench/`);
  process.exit(2);
}
let failed = 0;
for (const part of parts) {
  console.log(`\n== ${part}`);
  const r = spawnSync(process.execPath, [dir + part], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`!! ${part} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
