import { createServer, request, type Server } from 'node:http';
import type { Sqld } from './sqld.js';

/**
 * An HTTP proxy in front of sqld that counts the requests of a command and crashes
 * sqld (SIGKILL) at the n-th one: before forwarding it ('before': the server never sees
 * it), after the server answered it but before the client gets the answer ('after'),
 * or before forwarding it and then forwarding it all the same ('through': a replica
 * gets it with its primary dead; later requests are forwarded too).
 * Every point of a transaction, COMMIT included, can be hit exactly. The server crashed
 * may be another one than the server proxied to (`victim`: the primary behind a replica).
 */
export class KillProxy {
  private server: Server | undefined;
  port = 0;
  count = 0;
  killAt = Infinity;
  mode: 'before' | 'after' | 'through' = 'before';
  killed = false;
  /** The request bodies since arm(), in order (hrana pipelines: JSON with the SQL). */
  bodies: string[] = [];

  constructor(
    private readonly sqld: Sqld,
    private readonly victim: Sqld = sqld,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * The request (from 1) that carried the last write transaction's COMMIT: its deferred
   * writes travel with it, and the stream is closed by a request of its own after it. A
   * read's one-request transaction (BEGIN TRANSACTION READONLY … COMMIT) is not counted.
   */
  commitRequest(): number {
    for (let i = this.bodies.length - 1; i >= 0; i--) {
      const b = this.bodies[i]!;
      if (b.includes('"COMMIT"') && (b.includes('"baton"') || b.includes('BEGIN IMMEDIATE'))) return i + 1;
    }
    return 0;
  }

  /** Arms the proxy: the next requests are counted from 1. */
  arm(killAt: number, mode: 'before' | 'after' | 'through' = 'before'): void {
    this.count = 0;
    this.killAt = killAt;
    this.mode = mode;
    this.killed = false;
    this.bodies = [];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const n = ++this.count;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on(
        'end',
        () =>
          void (async () => {
            this.bodies[n - 1] = Buffer.concat(chunks).toString('utf8');
            if (n === this.killAt && this.mode === 'through') await this.crash();
            else if (this.mode !== 'through' && (this.killed || (n === this.killAt && this.mode === 'before'))) {
              if (!this.killed) await this.crash();
              res.destroy();
              return;
            }
            const up = request(
              { host: '127.0.0.1', port: this.sqld.port, method: req.method, path: req.url, headers: req.headers },
              (upRes) => {
                const body: Buffer[] = [];
                upRes.on('data', (c: Buffer) => body.push(c));
                upRes.on(
                  'end',
                  () =>
                    void (async () => {
                      if (n === this.killAt && this.mode === 'after') {
                        await this.crash();
                        res.destroy();
                        return;
                      }
                      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
                      res.end(Buffer.concat(body));
                    })(),
                );
              },
            );
            up.on('error', () => res.destroy());
            up.end(Buffer.concat(chunks));
          })(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private async crash(): Promise<void> {
    this.killed = true;
    await this.victim.stop('SIGKILL');
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
