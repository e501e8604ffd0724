// Bundles src/ into dist/main.js with esbuild (start-up: one file to parse, like the
// Vercel CLI). npm packages stay external and heavy ones are imported lazily by the
// code itself; migrations' .sql files are inlined as text.
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
  banner: {
    js: "import { createRequire as __platformctlCreateRequire } from 'node:module';\nconst require = __platformctlCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  define: { __PLATFORMCTL_VERSION__: JSON.stringify(pkg.version) },
  plugins: [sqlRaw],
  logLevel: 'warning',
});

if (process.argv.includes('--man') || !process.argv.includes('--no-man')) {
  const { generateManPages } = await import('./man.mjs').catch(() => ({ generateManPages: null }));
  if (generateManPages) await generateManPages();
}
