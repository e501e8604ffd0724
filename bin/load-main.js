'use strict';
// Loads dist/main.js as require() would, but with V8's code cache (dist/main.js.cache,
// written by `npm run build`): the 500 KB bundle is then deserialised instead of parsed and
// compiled at every start (~10-15 ms of a ~120 ms run). Node 20 has no compile cache of its
// own (module.enableCompileCache is Node 22).
//
// V8 checks only its version, its flags and the source's length before it runs cached
// code, and release builds do not checksum the cache: an edited bundle of the same length
// would run the old code, and damaged bytes can crash the process. So the cache's first
// line (JSON) names what it was made from, and it is used only when all of it matches:
// - `source`: SHA-256 of dist/main.js as it is now (any edit makes the cache stale);
// - `payload`: SHA-256 of the bytes after that line (damage is caught before V8 sees it);
// - `file`: the path of dist/main.js (V8 keeps the path it was made at in stack traces,
//   so a moved or copied installation compiles afresh rather than naming another place).
// It must also be a regular file of sane size (a FIFO or a device never blocks or floods
// the start). Anything else and the source is compiled as usual: never wrong, only slower.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const DIST = path.join(__dirname, '..', 'dist');
const MAIN = path.join(DIST, 'main.js');
const CACHE = MAIN + '.cache';
/** A real cache is ~0.3 MB; anything far larger is not one. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;

const sha256 = (data) => require('node:crypto').createHash('sha256').update(data).digest('hex');

/** The first line of a cache made from `source` (the bytes of dist/main.js) whose V8 data is `payload`. */
function cacheHeader(source, payload) {
  return JSON.stringify({ source: sha256(source), payload: sha256(payload), file: MAIN }) + '\n';
}

/** The whole file if it is a regular file of sane size; never blocks on a FIFO. */
function readRegularFile(file) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return undefined; // no cache: compile as usual
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > MAX_CACHE_BYTES) return undefined;
    const data = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, data, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return data.subarray(0, got);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** The V8 data of the cache if it was made from exactly these bytes of dist/main.js, at this path, and is intact. */
function readCache(source) {
  const data = readRegularFile(CACHE);
  if (!data) return undefined;
  const nl = data.indexOf(10);
  if (nl < 0) return undefined;
  const payload = data.subarray(nl + 1);
  return data.toString('utf8', 0, nl + 1) === cacheHeader(source, payload) ? payload : undefined;
}

/**
 * import() for the bundle (its $import, see scripts/build.mjs): relative specifiers
 * (./libsql-http.mjs) name files beside dist/main.js; package names resolve from this
 * package's node_modules, as they would from dist/.
 */
function importFromDist(specifier) {
  return import(
    specifier.startsWith('.') ? require('node:url').pathToFileURL(path.resolve(DIST, specifier)).href : specifier
  );
}

/**
 * Returns { exports, script, bytes }: the bundle's exports (main), the compiled script and
 * the bytes of its source, from which scripts/code-cache.cjs makes the cache.
 */
function loadMain({ useCache = true } = {}) {
  const bytes = fs.readFileSync(MAIN);
  const source = bytes.toString('utf8');
  // CommonJS's wrapper, plus the import() the bundle uses instead of its own ($import).
  const wrapped = `(function (exports, require, module, __filename, __dirname, __platformctlImport) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename: MAIN, cachedData: useCache ? readCache(bytes) : undefined });
  const mod = new Module(MAIN, module);
  mod.filename = MAIN;
  script.runInThisContext()(mod.exports, Module.createRequire(MAIN), mod, MAIN, DIST, importFromDist);
  return { exports: mod.exports, script, bytes };
}

module.exports = { loadMain, cacheHeader, CACHE };
