// A test upstream: HTTP and HTTPS listeners on one address that log every connection and
// request as JSON lines, so a test can prove what reached it (and what did not). Runs in the
// test process (loopback tests) or as a script inside a network namespace:
//   node upstream-server.ts --address 203.0.113.2 --http 80,8080 --https 443,8443 --cert c --key k
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface UpstreamOptions {
  address: string;
  /** Ports for plain HTTP (0 = any free port). */
  http?: number[];
  https?: number[];
  cert?: string | Buffer;
  key?: string | Buffer;
  log?: (entry: UpstreamLog) => void;
}

export type UpstreamLog =
  | { event: 'connection'; port: number }
  | { event: 'request'; port: number; method: string; url: string; headers: http.IncomingHttpHeaders };

export interface Upstream {
  /** The ports actually listened on, in the order given: http first, then https. */
  ports: { http: number[]; https: number[] };
  close(): Promise<void>;
}

export const TEST_PAGE = `<!doctype html><html><head><title>Test &amp; Page</title>
<style>body { color: red }</style><script>var secret = "do-not-show";</script></head>
<body><!-- a comment that must vanish --><h1>Hello</h1><p>First&nbsp;para with <a href="/next">a link</a>.</p></body></html>`;

function handle(port: number, log: (e: UpstreamLog) => void) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    log({ event: 'request', port, method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://upstream');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (url.pathname) {
        case '/redirect': {
          res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' });
          res.end();
          return;
        }
        case '/loop':
          res.writeHead(302, { location: `/loop?n=${Number(url.searchParams.get('n') ?? 0) + 1}` });
          res.end();
          return;
        case '/big': {
          const total = Number(url.searchParams.get('bytes') ?? 1_000_000);
          res.writeHead(200, { 'content-type': 'text/plain' });
          const chunk = Buffer.alloc(16 * 1024, 'a');
          let sent = 0;
          const pump = () => {
            while (sent < total && !res.destroyed) {
              const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
              sent += part.length;
              if (!res.write(part)) { res.once('drain', pump); return; }
            }
            if (!res.destroyed) res.end();
          };
          pump();
          return;
        }
        case '/gzip':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
          res.end(zlib.gzipSync(Buffer.from('unzipped text '.repeat(100))));
          return;
        case '/slow':
          return; // never answers
        case '/echo':
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic' });
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
          return;
        case '/page':
          // A page whose HTML the test chose (the browser tests' attack pages).
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(url.searchParams.get('html') ?? '');
          return;
        case '/binary':
          res.writeHead(200, { 'content-type': 'image/png' });
          res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
          return;
        default:
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end(TEST_PAGE);
      }
    });
  };
}

export async function startUpstream(opts: UpstreamOptions): Promise<Upstream> {
  const log = opts.log ?? (() => {});
  const servers: http.Server[] = [];
  const sockets = new Set<Socket>();
  const listen = async (server: http.Server, port: number): Promise<number> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.address, () => resolve());
    });
    const actual = (server.address() as AddressInfo).port;
    // Count TCP connections, not only requests: a refused attempt must not even connect.
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      log({ event: 'connection', port: actual });
    });
    server.on('request', handle(actual, log));
    servers.push(server);
    return actual;
  };
  const ports = { http: [] as number[], https: [] as number[] };
  for (const p of opts.http ?? []) ports.http.push(await listen(http.createServer(), p));
  for (const p of opts.https ?? []) {
    ports.https.push(await listen(https.createServer({ cert: opts.cert, key: opts.key }), p));
  }
  return {
    ports,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { address: { type: 'string' }, http: { type: 'string' }, https: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } } });
  const list = (s?: string) => (s ? s.split(',').map(Number) : []);
  const upstream = await startUpstream({
    address: values.address ?? '127.0.0.1',
    http: list(values.http),
    https: list(values.https),
    cert: values.cert ? readFileSync(values.cert) : undefined,
    key: values.key ? readFileSync(values.key) : undefined,
    log: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
  });
  process.stdout.write(`${JSON.stringify({ event: 'ready', ports: upstream.ports })}\n`);
  process.on('SIGTERM', () => { void upstream.close().then(() => process.exit(0)); });
}
