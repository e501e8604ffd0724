// The import graph of src/, checked against the layers the code is meant to have:
// arrows point down only, and no command imports another command. Prints the
// violations (exit 1 when there are any); with --dot, prints the graph for Graphviz:
//   node scripts/import-graph.mjs --dot | dot -Tsvg > graph.svg
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Layers from the bottom up; a module may import its own layer or lower ones. */
const LAYERS = [
  { name: 'base', test: (f) => /^(errors|text|version|env-number)\.ts$/.test(f) },
  { name: 'store', test: (f) => f.startsWith('store/') },
  { name: 'domain', test: (f) => f.startsWith('domain/') },
  { name: 'edges', test: (f) => /^(io|output)\//.test(f) || /^(config|device-id)\.ts$/.test(f) },
  { name: 'context', test: (f) => f === 'context.ts' },
  { name: 'commands', test: (f) => f.startsWith('commands/') },
  { name: 'main', test: (f) => f === 'main.ts' },
];
/** Packages that belong to the terminal or to one engine, never to the rules. */
const NOT_IN_DOMAIN = /^(commander|chalk|cli-table3|cli-progress|@inquirer\/|better-sqlite3|@libsql\/|conf)(\/|$)/;

const layerOf = (f) => LAYERS.findIndex((l) => l.test(f));

function walk(dir, out = []) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** A command file: commands/<group>/…/<cmd>.ts, not an index, not shared/, not the tree's own helpers. */
const isCommand = (f) =>
  f.startsWith('commands/') && !f.endsWith('/index.ts') && !f.includes('/shared/') && f.split('/').length >= 3;

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const edges = [];
const problems = [];
for (const abs of walk(src)) {
  const from = relative(src, abs);
  const text = readFileSync(abs, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) {
      if (from.startsWith('domain/') && NOT_IN_DOMAIN.test(spec))
        problems.push(`${from} imports ${spec} (the domain knows no terminal or engine)`);
      continue;
    }
    const to = relative(src, resolve(dirname(abs), spec))
      .replace(/\.js$/, '.ts')
      .replace(/\.sql\?raw$/, '.sql');
    if (to.endsWith('.sql')) continue;
    edges.push([from, to]);
    const lf = layerOf(from);
    const lt = layerOf(to);
    if (lf < 0) problems.push(`${from} belongs to no layer`);
    else if (lt > lf) problems.push(`${from} (${LAYERS[lf].name}) imports ${to} (${LAYERS[lt].name}), a higher layer`);
    if (isCommand(from) && isCommand(to)) problems.push(`${from} imports another command, ${to}`);
    if (from.includes('/shared/') && isCommand(to)) problems.push(`${from} (shared) imports a command, ${to}`);
  }
}

if (process.argv.includes('--dot')) {
  const id = (f) => JSON.stringify(f);
  console.log('digraph imports {\n  rankdir=TB; node [shape=box, fontsize=10];');
  LAYERS.forEach((l, i) => {
    const files = [...new Set(edges.flat())].filter((f) => layerOf(f) === i);
    console.log(`  subgraph cluster_${i} { label=${id(l.name)}; ${files.map(id).join('; ')} }`);
  });
  for (const [a, b] of edges) console.log(`  ${id(a)} -> ${id(b)};`);
  console.log('}');
} else {
  console.log(`${edges.length} imports between ${new Set(edges.flat()).size} modules in ${LAYERS.length} layers.`);
}
if (problems.length) {
  for (const p of [...new Set(problems)]) console.error(`import-graph: ${p}`);
  process.exitCode = 1;
}
