/**
 * The HTTP client of @libsql/client, and the light fetch it is given (http-transport.ts):
 * scripts/build.mjs bundles this module into dist/libsql-http.js, which only commands on
 * a remote store load (bundled, ~15 ms of start-up instead of ~140 ms for the package's
 * many files, and Node's fetch, undici, is never loaded).
 */
export { createClient } from '@libsql/client/http';
export { Headers, Request, Response, Transport } from './http-transport.js';
