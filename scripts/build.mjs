// Bundles src/ into dist/main.js with esbuild (start-up: one file to parse, like the
// Vercel CLI). npm packages stay external and heavy ones are imported lazily by the
// code itself; migrations' .sql files are inlined as text.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const sqlRaw = {
  name: 'sql-raw',
  setup(b) {
    b.onResolve({ filter: /\.sql\?raw$/ }, (args) => ({ path: new URL(args.path.replace(/\?raw$/, ''), 'file://' + args.resolveDir + '/').pathname, namespace: 'sql-raw' }));
    b.onLoad({ filter: /.*/, namespace: 'sql-raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { __PLATFORMCTL_VERSION__: JSON.stringify(pkg.version) },
  plugins: [sqlRaw],
  logLevel: 'warning',
});

if (process.argv.includes('--man') || !process.argv.includes('--no-man')) {
  const { generateManPages } = await import('./man.mjs').catch(() => ({ generateManPages: null }));
  if (generateManPages) await generateManPages();
}
