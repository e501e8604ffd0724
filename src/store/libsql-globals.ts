/**
 * Injected by scripts/build.mjs into dist/libsql-http.js only: there, the client's
 * `new Request(...)` and `new Headers()` build these light objects instead of loading
 * undici (http-transport.ts).
 */
export { Headers, Request } from './http-transport.js';
