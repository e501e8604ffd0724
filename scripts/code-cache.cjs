'use strict';
// Runs one command through bin/load-main.js (with the cache made so far) and then writes
// dist/main.js.cache: the bytecode of every function compiled by then, behind the build id.
// scripts/build.mjs runs it for a few common commands in turn, so the cache holds what
// they need (start-up, the command tree, opening a store, output).
// Usage: node scripts/code-cache.cjs <platformctl arguments...>
const { writeFileSync } = require('node:fs');
const { loadMain, CACHE } = require('../bin/load-main.js');

const { exports: program, script, id } = loadMain();
if (!id) throw new Error('dist/main.js has no build id: run scripts/build.mjs');
process.on('exit', () => {
  writeFileSync(CACHE, Buffer.concat([Buffer.from(id + '\n', 'latin1'), script.createCachedData()]));
});
void program.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
