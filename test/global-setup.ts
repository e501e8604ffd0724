import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { hashPassword } from '../src/domain/password.js';
import { PASSWORD } from './e2e/harness-constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real scrypt-kdf hash (production parameters) of the e2e PASSWORD, for `TestStore.seed`. */
    passwordHash: string;
  }
}

/** The e2e suite runs the built binary: refuse to run it stale or missing. */
export default async function setup(project: TestProject) {
  const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does it first).');
  // Hashed once per run rather than once per seeded user (~0.5 s CPU each).
  project.provide('passwordHash', await hashPassword(PASSWORD));
}
