import { createServer, request } from 'node:http';

/**
 * A pass-through HTTP proxy in front of sqld that counts the requests it carries and
 * keeps their bodies (Hrana pipelines: JSON with the SQL text the first time a stream
 * uses a statement).
 */
export async function countingProxy(port: number) {
  const server = createServer((req, res) => {
    state.count++;
    const body: Buffer[] = [];
    req.on('data', (d: Buffer) => body.push(d));
    req.on('end', () => state.bodies.push(Buffer.concat(body).toString()));
    const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (u) => {
      res.writeHead(u.statusCode!, u.headers);
      u.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const state = {
    count: 0,
    bodies: [] as string[],
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return state;
}
