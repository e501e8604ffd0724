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
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

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
  // The source is ESM: its import.meta.url is this file's URL.
  banner: { js: "const __platformctlUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  define: { __PLATFORMCTL_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__platformctlUrl' },
  plugins: [sqlRaw, lazyLibsql, lazyChildProcess],
  logLevel: 'warning',
});

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
