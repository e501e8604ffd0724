// Bundles src/ into dist/ with esbuild (start-up: one file to parse, like the Vercel CLI).
//
// - dist/main.js: our code and commander, as CommonJS (dist/package.json says so): a
//   CommonJS file loads ~8 ms faster than the same ESM one (no ESM loader, no facades
//   for node: builtins). npm packages stay external and heavy ones are imported lazily
//   (import() is kept as it is); migrations' .sql files are inlined as text.
// - dist/libsql-http.mjs: the HTTP client of @libsql/client with the light fetch of
//   src/store/http-transport.ts, which only commands on a remote store import (one file
//   instead of ~40 modules, and never undici or ws: ~15 ms instead of ~170 ms of CPU).
//
// bin/platformctl.js (CommonJS too: bin/package.json) requires dist/main.js.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const BUNDLED = new Set(['commander']);

const sqlRaw = {
  name: 'sql-raw',
  setup(b) {
    b.onResolve({ filter: /\.sql\?raw$/ }, (args) => ({
      path: new URL(args.path.replace(/\?raw$/, ''), 'file://' + args.resolveDir + '/').pathname,
      namespace: 'sql-raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'sql-raw' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

// remote.ts imports './libsql-http.js' (the source under the tests): at run time it is
// dist/libsql-http.mjs, beside main.js.
const lazyLibsql = {
  name: 'lazy-libsql',
  setup(b) {
    b.onResolve({ filter: /^\.\/libsql-http\.js$/ }, () => ({ path: './libsql-http.mjs', external: true }));
  },
};

// commander requires node:child_process at load, for executable subcommands platformctl
// never has: loaded only if something asks for it (child_process, net and dgram cost ~4 ms).
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, k) => require('node:child_process')[k] });",
      loader: 'js',
    }));
  },
};

// The HTTP client never opens a WebSocket: the `ws` package (half its bundle) stays out.
const noWebSocket = {
  name: 'no-websocket',
  setup(b) {
    b.onResolve({ filter: /^@libsql\/isomorphic-ws$/ }, () => ({ path: 'no-websocket', namespace: 'no-websocket' }));
    b.onLoad({ filter: /.*/, namespace: 'no-websocket' }, () => ({
      contents: 'export const WebSocket = undefined;',
      loader: 'js',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import() of the lazily loaded npm packages stays import() (some are ESM only).
  supported: { 'dynamic-import': true },
  // npm packages stay external (heavy ones are imported lazily by the code) except
  // commander, which every run needs: bundled, it is one file to read instead of seven.
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)),
  // The source is ESM: its import.meta.url is this file's URL. `$import` stands for
  // import() (see lazyImports below).
  banner: {
    js: [
      "const __platformctlUrl = require('node:url').pathToFileURL(__filename).href;",
      "const $import = typeof __platformctlImport === 'function' ? __platformctlImport : (s) => import(s);",
    ].join('\n'),
  },
  sourcemap: 'linked',
  define: { __PLATFORMCTL_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__platformctlUrl' },
  plugins: [sqlRaw, lazyLibsql, lazyChildProcess],
  logLevel: 'warning',
});

// The bundle's import() calls become $import(), the same length (the source map stays
// right): code compiled through node:vm with a code cache (bin/load-main.js) cannot run
// import() itself on Node 20 (it needs --experimental-vm-modules), so the loader hands in
// its own as __platformctlImport; a plain require() of dist/main.js uses import() as before.
function lazyImports(file) {
  const text = readFileSync(file, 'utf8');
  const all = text.match(/\bimport\(/g)?.length ?? 0;
  let n = 0;
  const out = text.replace(/\bawait import\("/g, () => (n++, 'await $import("'));
  // One import() is ours, in the banner; every other one must have been rewritten.
  if (all - n !== 1)
    throw new Error(`build: ${all - n - 1} import() calls in ${file} are not of the form await import("…")`);
  writeFileSync(file, out);
}
lazyImports('dist/main.js');

// The remote client: @libsql/client/http and everything it needs in one file, with the
// light Request and Headers of src/store/http-transport.ts in place of Node's (undici).
await build({
  entryPoints: ['src/store/libsql-http.ts'],
  outfile: 'dist/libsql-http.mjs',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  inject: ['src/store/libsql-globals.ts'],
  banner: {
    js: "import { createRequire as __platformctlCreateRequire } from 'node:module';\nconst require = __platformctlCreateRequire(import.meta.url);",
  },
  plugins: [noWebSocket],
  logLevel: 'warning',
});

if (process.argv.includes('--man') || !process.argv.includes('--no-man')) {
  const { generateManPages } = await import('./man.mjs').catch(() => ({ generateManPages: null }));
  if (generateManPages) await generateManPages();
}

/**
 * dist/main.js.cache: V8's code cache of the bundle (bin/load-main.js), made by running a few
 * common commands on a throw-away store so that the functions they need are in it. Without
 * it (or if this fails) the program works the same, only starting ~10-15 ms slower.
 */
function codeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'platformctl-code-cache-'));
  const common = ['--store', join(dir, 'store.db'), '--config-dir', join(dir, 'config')];
  const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'xdg'), XDG_DATA_HOME: join(dir, 'xdg') };
  for (const k of Object.keys(env)) if (k.startsWith('PLATFORMCTL_')) delete env[k];
  const runs = [
    [
      'account',
      'register',
      '--email',
      'cache@example.invalid',
      '--first-name',
      'Code',
      '--last-name',
      'Cache',
      '--password-stdin',
    ],
    ['--json', 'company', 'list'],
    ['member', 'list'],
  ];
  try {
    for (const args of runs) {
      const r = spawnSync(process.execPath, ['scripts/code-cache.cjs', ...common, ...args], {
        env,
        input: 'code cache password\n',
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      if (r.status !== 0) throw new Error(`platformctl ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    }
  } catch (e) {
    rmSync('dist/main.js.cache', { force: true });
    console.warn(`build: no code cache (the program only starts a little slower): ${e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
codeCache();
