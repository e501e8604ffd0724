'use strict';
// Loads dist/main.js as require() would, but with V8's code cache (dist/main.js.cache,
// written by `npm run build`): the 500 KB bundle is then deserialised instead of parsed and
// compiled at every start (~10-15 ms of a ~120 ms run). Node 20 has no compile cache of its
// own (module.enableCompileCache is Node 22).
//
// The cache is used only if it was made from this very build: its first line is the build
// id that scripts/build.mjs writes into the bundle's first line. V8 itself checks its
// version, its flags and the source's length, and rejects a cache that does not fit (then
// the source is compiled as usual: never wrong, only slower).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const DIST = path.join(__dirname, '..', 'dist');
const MAIN = path.join(DIST, 'main.js');
const CACHE = MAIN + '.cache';

/** The build id in the bundle's banner (`/* platformctl build <id> *\/`), or undefined. */
function buildId(source) {
  const m = /^\/\* platformctl build ([0-9a-f]{16,64}) \*\//.exec(source);
  return m ? m[1] : undefined;
}

function readCache(id) {
  if (!id) return undefined;
  let data;
  try {
    data = fs.readFileSync(CACHE);
  } catch {
    return undefined; // no cache: compile as usual
  }
  const nl = data.indexOf(10);
  if (nl < 0 || data.toString('latin1', 0, nl) !== id) return undefined;
  return data.subarray(nl + 1);
}

/**
 * import() for the bundle (its $import, see scripts/build.mjs): relative specifiers (./libsql-http.mjs) name files
 * beside dist/main.js; package names resolve from this package's node_modules, as they
 * would from dist/.
 */
function importFromDist(specifier) {
  return import(
    specifier.startsWith('.') ? require('node:url').pathToFileURL(path.resolve(DIST, specifier)).href : specifier
  );
}

/**
 * Returns { exports, script, id }: the bundle's exports (main) and the compiled script, from
 * which scripts/code-cache.cjs makes the cache.
 */
function loadMain({ useCache = true } = {}) {
  const source = fs.readFileSync(MAIN, 'utf8');
  const id = buildId(source);
  // CommonJS's wrapper, plus the import() the bundle uses instead of its own ($import).
  const wrapped = `(function (exports, require, module, __filename, __dirname, __platformctlImport) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename: MAIN, cachedData: useCache ? readCache(id) : undefined });
  const mod = new Module(MAIN, module);
  mod.filename = MAIN;
  script.runInThisContext()(mod.exports, Module.createRequire(MAIN), mod, MAIN, DIST, importFromDist);
  return { exports: mod.exports, script, id };
}

module.exports = { loadMain, CACHE };
