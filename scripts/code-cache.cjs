'use strict';
// Runs one command through bin/load-main.js (with the cache made so far) and then writes
// dist/main.js.cache: the bytecode of every function compiled by then, behind the line that
// ties it to this dist/main.js (bin/load-main.js). scripts/build.mjs runs it for a few common
// commands in turn, so the cache holds what they need (start-up, the command tree, opening
// a store, output).
// Usage: node scripts/code-cache.cjs <platformctl arguments...>
const { writeFileSync } = require('node:fs');
const { loadMain, cacheHeader, CACHE } = require('../bin/load-main.js');

const { exports: program, script, bytes } = loadMain();
process.on('exit', () => {
  const payload = script.createCachedData();
  writeFileSync(CACHE, Buffer.concat([Buffer.from(cacheHeader(bytes, payload)), payload]));
});
void program.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
