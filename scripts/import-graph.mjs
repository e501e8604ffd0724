// The import graph of src/, checked against the layers the code is meant to have:
// each layer imports only the layers it is allowed to, every module under src/ is in
// a layer, no command imports another command, and a group's shared/ folder is used by
// that group alone. Prints the violations (exit 1 when there are any); with --dot,
// prints the graph for Graphviz:
//   node scripts/import-graph.mjs --dot | dot -Tsvg > graph.svg
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/**
 * Layers from the bottom up, each with the layers it may import (its own included).
 * The edges (terminal, output, config) sit beside the rules, not on them: they may
 * import base only, never the domain or the store.
 */
const LAYERS = [
  { name: 'base', test: (f) => /^(errors|text|version|env-number|csv-cells)\.ts$/.test(f), may: ['base'] },
  { name: 'store', test: (f) => f.startsWith('store/'), may: ['base', 'store'] },
  { name: 'domain', test: (f) => f.startsWith('domain/'), may: ['base', 'store', 'domain'] },
  {
    name: 'edges',
    test: (f) => /^(io|output)\//.test(f) || /^(config|device-id)\.ts$/.test(f),
    may: ['base', 'edges'],
  },
  { name: 'context', test: (f) => f === 'context.ts', may: ['base', 'store', 'domain', 'edges', 'context'] },
  {
    name: 'commands',
    test: (f) => f.startsWith('commands/'),
    may: ['base', 'store', 'domain', 'edges', 'context', 'commands'],
  },
  {
    name: 'main',
    test: (f) => f === 'main.ts',
    may: ['base', 'store', 'domain', 'edges', 'context', 'commands', 'main'],
  },
];
/** Packages that belong to the terminal or to one engine, never to the rules. */
const NOT_IN_DOMAIN = /^(commander|chalk|cli-progress|@inquirer\/|better-sqlite3|@libsql\/|conf)(\/|$)/;

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

/** The group a file of commands/<group>/ belongs to (commands/shared/ is no group), else undefined. */
const groupOf = (f) => {
  const group = /^commands\/([^/]+)\//.exec(f)?.[1];
  return group === 'shared' ? undefined : group;
};
/** commands/<group>/shared/…: renderers for that group alone (commands/shared/ is for several groups). */
const isGroupShared = (f) => groupOf(f) !== undefined && f.split('/')[2] === 'shared';

// import … from '…', export … from '…', import('…'), and a bare import '…' (run for its effects).
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

const edges = [];
const problems = [];
const modules = walk(src).map((abs) => relative(src, abs));
for (const f of modules) if (layerOf(f) < 0) problems.push(`${f} belongs to no layer`);
for (const from of modules) {
  const abs = join(src, from);
  const text = readFileSync(abs, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
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
    if (lt < 0) problems.push(`${from} imports ${to}, which belongs to no layer`);
    else if (lf >= 0 && !LAYERS[lf].may.includes(LAYERS[lt].name))
      problems.push(
        `${from} (${LAYERS[lf].name}) imports ${to} (${LAYERS[lt].name}); ${LAYERS[lf].name} may import ${LAYERS[lf].may.join(', ')}`,
      );
    if (isCommand(from) && isCommand(to)) problems.push(`${from} imports another command, ${to}`);
    if (from.includes('/shared/') && isCommand(to)) problems.push(`${from} (shared) imports a command, ${to}`);
    if (isGroupShared(to) && groupOf(from) !== groupOf(to))
      problems.push(`${from} imports ${to}, another group's shared module (move it to commands/shared/)`);
  }
}

if (process.argv.includes('--dot')) {
  const id = (f) => JSON.stringify(f);
  console.log('digraph imports {\n  rankdir=TB; node [shape=box, fontsize=10];');
  LAYERS.forEach((l, i) => {
    const files = modules.filter((f) => layerOf(f) === i);
    console.log(`  subgraph cluster_${i} { label=${id(l.name)}; ${files.map(id).join('; ')} }`);
  });
  for (const [a, b] of edges) console.log(`  ${id(a)} -> ${id(b)};`);
  console.log('}');
} else {
  console.log(`${edges.length} imports between ${modules.length} modules in ${LAYERS.length} layers.`);
}
if (problems.length) {
  for (const p of [...new Set(problems)]) console.error(`import-graph: ${p}`);
  process.exitCode = 1;
}
