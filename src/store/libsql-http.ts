/**
 * The HTTP client of @libsql/client, on its own: scripts/build.mjs bundles this module
 * into dist/libsql-http.js, which only commands on a remote store load (bundled, it
 * costs ~30 ms of start-up instead of ~140 ms for the package's many files).
 */
export { createClient } from '@libsql/client/http';
