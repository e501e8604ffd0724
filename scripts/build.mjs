// Bundles src/ into dist/main.js with esbuild (start-up: one file to parse, like the
// Vercel CLI). npm packages stay external and heavy ones are imported lazily by the
// code itself; migrations' .sql files are inlined as text. The HTTP client of
// @libsql/client is the exception: bundled into its own file, dist/libsql-http.js,
// which only commands on a remote store import (one file instead of ~40 modules:
// ~30 ms of start-up instead of ~140 ms).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

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

// remote.ts imports './libsql-http.js': at run time that is dist/libsql-http.js, beside main.js.
const LIBSQL_CHUNK = './libsql-http.js';
const lazyLibsql = {
  name: 'lazy-libsql',
  setup(b) {
    b.onResolve({ filter: /^\.\/libsql-http\.js$/ }, () => ({ path: LIBSQL_CHUNK, external: true }));
  },
};

const requireBanner =
  "import { createRequire as __platformctlCreateRequire } from 'node:module';\nconst require = __platformctlCreateRequire(import.meta.url);";

await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  // One file: every extra ESM chunk is one more async file read and link on each run,
  // and our own code is small; npm packages stay lazy through their dynamic imports.
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // npm packages stay external (heavy ones are imported lazily by the code) except
  // commander, which every run needs: bundled, it is one file to read instead of
  // seven CommonJS modules resolved and lexed for ESM (a few ms of start-up).
  external: Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)),
  banner: { js: requireBanner },
  sourcemap: 'linked',
  define: { __PLATFORMCTL_VERSION__: JSON.stringify(pkg.version) },
  plugins: [sqlRaw, lazyLibsql],
  logLevel: 'warning',
});

// The HTTP client never opens a WebSocket: the `ws` package (half the bundle) stays out.
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

// The remote client: @libsql/client/http and everything it needs in one file, with the
// light Request and Headers of src/store/http-transport.ts in place of Node's (undici).
await build({
  entryPoints: { 'libsql-http': 'src/store/libsql-http.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  inject: ['src/store/libsql-globals.ts'],
  banner: { js: requireBanner },
  plugins: [noWebSocket],
  logLevel: 'warning',
});

if (process.argv.includes('--man') || !process.argv.includes('--no-man')) {
  const { generateManPages } = await import('./man.mjs').catch(() => ({ generateManPages: null }));
  if (generateManPages) await generateManPages();
}
