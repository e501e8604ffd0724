/**
 * Just enough of fetch (Request, Headers, Response, fetch itself) for @libsql/client's
 * HTTP client, over node:http and node:https. Node's own fetch is undici, whose first use
 * costs ~30 ms of CPU per command (more than a whole read on a replica); this costs a few.
 *
 * scripts/build.mjs injects Request and Headers into the client's bundle
 * (dist/libsql-http.js), so the client builds these; under the tests, where the client
 * is not bundled, it builds Node's own, and `send` takes either.
 */
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { parseJsonBytes } from './json-bytes.js';

type HeaderInit = Headers | Record<string, string> | [string, string][] | undefined;

export class Headers {
  private readonly map = new Map<string, string>();
  constructor(init?: HeaderInit) {
    if (!init) return;
    if (Array.isArray(init)) for (const [k, v] of init) this.set(k, v);
    else if (typeof (init as { forEach?: unknown }).forEach === 'function')
      (init as Headers).forEach((v, k) => this.set(k, v));
    else for (const [k, v] of Object.entries(init as Record<string, string>)) this.set(k, v);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), String(value));
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  forEach(fn: (value: string, name: string) => void): void {
    for (const [k, v] of this.map) fn(v, k);
  }
}

export class Request {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | Uint8Array | undefined;
  constructor(url: string, init: { method?: string; headers?: HeaderInit; body?: string | Uint8Array } = {}) {
    this.url = url;
    this.method = init.method ?? 'GET';
    this.headers = new Headers(init.headers);
    this.body = init.body;
  }
  async text(): Promise<string> {
    return typeof this.body === 'string' ? this.body : this.body ? Buffer.from(this.body).toString('utf8') : '';
  }
}

export class Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  private readonly data: Buffer;
  /** Present for the client's `resp.body?.cancel()`: the answer is already complete. */
  readonly body = { cancel: async () => undefined };
  constructor(data: Buffer | string, init: { status?: number; statusText?: string; headers?: HeaderInit } = {}) {
    this.data = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.status = init.status ?? 200;
    this.statusText = init.statusText ?? '';
    this.headers = new Headers(init.headers);
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async text(): Promise<string> {
    return this.data.toString('utf8');
  }
  /**
   * Parsed without one string of the whole answer (json-bytes.ts): a page of a long list
   * would otherwise leave a dead copy of itself in V8's old generation every few pages.
   */
  async json(): Promise<unknown> {
    return parseJsonBytes(this.data);
  }
  /** The answer as it came, not decoded (the bytes themselves, not a copy). */
  async bytes(): Promise<Buffer> {
    return this.data;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.data.buffer.slice(this.data.byteOffset, this.data.byteOffset + this.data.byteLength) as ArrayBuffer;
  }
}

/** What `send` needs of a request: ours, or Node's own (under the tests). */
export interface OutgoingRequest {
  url: string;
  method: string;
  headers: { forEach(fn: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

/**
 * One HTTP exchange, the whole answer read. Failures look like fetch's (a TypeError
 * "fetch failed" with the system error as its cause), so they are told apart the same way.
 */
/**
 * The largest answer read from a server: sqld refuses to send more than 10 MB
 * (--max-response-size) and every page this program asks for is far smaller.
 */
const MAX_ANSWER_BYTES = 64 * 2 ** 20;

export class Transport {
  private agents: { http?: HttpAgent; https?: HttpAgent } = {};

  async send(req: OutgoingRequest, body: string | undefined, signal: AbortSignal): Promise<Response> {
    const url = new URL(req.url);
    const secure = url.protocol === 'https:';
    const mod = secure ? await import('node:https') : await import('node:http');
    // Keep-alive: the requests of one command share a connection.
    const agent = (this.agents[secure ? 'https' : 'http'] ??= new mod.Agent({ keepAlive: true, maxSockets: 4 }));
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const r = mod.request(url, { method: req.method, headers, agent }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // A server (or whoever is between) that never stops answering must not fill memory.
          if (size > MAX_ANSWER_BYTES) {
            const e = Object.assign(new Error(`an answer larger than ${MAX_ANSWER_BYTES / 2 ** 20} MiB`), {
              code: 'ANSWER_TOO_LARGE',
            });
            reject(failed(e));
            r.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (e) => reject(failed(e)));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(
            new Response(Buffer.concat(chunks), {
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: h,
            }),
          );
        });
      });
      const onAbort = () => r.destroy(abortError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      r.on('close', () => signal.removeEventListener('abort', onAbort));
      r.on('error', (e) => reject(signal.aborted ? abortError(signal) : failed(e)));
      r.end(body);
    });
  }

  close(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
    this.agents = {};
  }
}

function failed(cause: Error): TypeError {
  return new TypeError('fetch failed', { cause });
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as unknown;
  if (reason instanceof Error) return reason;
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}
