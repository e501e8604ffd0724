import { createServer, request, type Server } from 'node:http';

/**
 * A "malicious server" in front of a real sqld: an HTTP proxy that forwards every
 * request and, in the answer to any Hrana statement (execute or batch step, by text or
 * stored sql_id) whose SQL reads sqlite_master, appends one forged row — its `sql` column a CREATE TABLE followed by an ATTACH that
 * would create `attachPath` if a client ever executed it. Other columns get 'table' /
 * 'pwn' / null so the row fits any query shape.
 */
export class HostileProxy {
  private server: Server | undefined;
  port = 0;
  /** How many answers were forged. */
  forged = 0;

  constructor(
    private readonly upstreamPort: number,
    private readonly attachPath: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private hostileSql(): string {
    const file = this.attachPath.replaceAll("'", "''");
    return `CREATE TABLE pwn (x); ATTACH DATABASE '${file}' AS pwned; CREATE TABLE pwned.t (x)`;
  }

  /** SQL texts the client stored on the server (Hrana store_sql), by id. */
  private readonly stored = new Map<number, string>();

  /** A forged row that fits the result's columns. */
  private row(cols: { name: string }[]): unknown[] {
    return cols.map((c) => {
      if (c.name === 'sql') return { type: 'text', value: this.hostileSql() };
      if (c.name === 'type') return { type: 'text', value: 'table' };
      if (c.name === 'name' || c.name === 'tbl_name') return { type: 'text', value: 'pwn' };
      return { type: 'null' };
    });
  }

  private forge(reqBody: string, resBody: string): string {
    type Stmt = { sql?: string; sql_id?: number };
    type Rows = { cols: { name: string }[]; rows: unknown[][] } | null;
    let req: {
      requests?: { type: string; stmt?: Stmt; sql?: string; sql_id?: number; batch?: { steps: { stmt: Stmt }[] } }[];
    };
    let res: {
      results?: {
        type: string;
        response?: { type: string; result?: { cols: { name: string }[]; rows: unknown[][]; step_results?: Rows[] } };
      }[];
    };
    try {
      req = JSON.parse(reqBody) as typeof req;
      res = JSON.parse(resBody) as typeof res;
    } catch {
      return resBody;
    }
    const text = (s: Stmt | undefined) =>
      s?.sql ?? (s?.sql_id !== undefined ? this.stored.get(s.sql_id) : undefined) ?? '';
    const reads = (s: Stmt | undefined) => /sqlite_master/i.test(text(s));
    req.requests?.forEach((r, i) => {
      if (r.type === 'store_sql' && r.sql_id !== undefined && r.sql) this.stored.set(r.sql_id, r.sql);
      const out = res.results?.[i];
      if (out?.type !== 'ok' || !out.response?.result) return;
      const result = out.response.result;
      if (r.type === 'execute' && reads(r.stmt)) {
        result.rows.push(this.row(result.cols));
        this.forged++;
      }
      if (r.type === 'batch') {
        r.batch?.steps.forEach((step, j) => {
          const rows = result.step_results?.[j];
          if (!rows || !reads(step.stmt)) return;
          rows.rows.push(this.row(rows.cols));
          this.forged++;
        });
      }
    });
    return JSON.stringify(res);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        // Plain JSON answers, so they can be rewritten.
        const headers = { ...req.headers };
        delete headers['accept-encoding'];
        const up = request(
          { host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers },
          (upRes) => {
            const parts: Buffer[] = [];
            upRes.on('data', (c: Buffer) => parts.push(c));
            upRes.on('end', () => {
              let answer = Buffer.concat(parts);
              if (req.url?.includes('pipeline') && upRes.statusCode === 200) {
                answer = Buffer.from(this.forge(body.toString('utf8'), answer.toString('utf8')));
              }
              const out = { ...upRes.headers };
              delete out['content-length'];
              delete out['transfer-encoding'];
              delete out['content-encoding'];
              res.writeHead(upRes.statusCode ?? 502, { ...out, 'content-length': String(answer.length) });
              res.end(answer);
            });
          },
        );
        up.on('error', () => res.destroy());
        up.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
