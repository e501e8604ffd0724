import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The e2e suite runs the built binary: refuse to run it stale or missing. */
export default function setup() {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does it first).');
}
