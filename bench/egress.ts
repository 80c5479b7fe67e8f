// Egress proxy cost (issue 3): one HTTPS request through the proxy's unix socket (CONNECT,
// destination check, pinned connect, then TLS through the tunnel) against the same request
// made directly. The upstream is an HTTPS server in a child process on 127.0.0.1; the proxy's
// refused ranges are emptied for this benchmark only, so loopback stands in for a public host.
// The client runs in this process next to the proxy, as the gateway would host the proxy.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { startEgressProxy } from '../src/egress/proxy.ts';
import { makeCert } from '../test/egress/netns.ts';
import { median, percentile, report } from './stats.ts';

const HOST = 'bench.example.test';
const ROUNDS = 300;
const WARMUP = 30;

export async function benchEgress(): Promise<void> {
  const cert = await makeCert([HOST]);
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-bench-egress-'));
  const server = spawn(process.execPath, [join(import.meta.dirname, '../test/egress/upstream-server.ts'),
    '--address', '127.0.0.1', '--https', '0', '--cert', cert.cert, '--key', cert.key], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`upstream exited (${code})`)));
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const e = JSON.parse(line) as { event: string; ports?: { https: number[] } };
        if (e.event === 'ready' && e.ports) resolve(e.ports.https[0]);
      });
    });
    const proxy = await startEgressProxy({
      socketPath: join(dir, 'egress.sock'),
      allowedDomains: [HOST],
      hosts: { [HOST]: ['127.0.0.1'] },
      refusedRanges: [],
      connectPorts: [port],
    });
    try {
      const direct = () => net.connect({ host: '127.0.0.1', port, noDelay: true });
      const proxied = () => connectThrough(proxy.socketPath, `${HOST}:${port}`);
      const timing = { direct: [] as number[], proxy: [] as number[] };
      for (let i = 0; i < WARMUP + ROUNDS; i++) {
        // Alternate, so drift in the machine's load hits both sides alike.
        for (const side of i % 2 === 0 ? (['direct', 'proxy'] as const) : (['proxy', 'direct'] as const)) {
          const start = performance.now();
          await httpsGet(side === 'direct' ? direct() : await proxied(), cert.certPem);
          if (i >= WARMUP) timing[side].push(performance.now() - start);
        }
      }
      const added = median(timing.proxy) - median(timing.direct);
      report('egress: one HTTPS request, new connection, direct (median / p90)', `${median(timing.direct).toFixed(2)} ms / ${percentile(timing.direct, 90).toFixed(2)} ms`);
      report('egress: the same through the proxy (median / p90)', `${median(timing.proxy).toFixed(2)} ms / ${percentile(timing.proxy, 90).toFixed(2)} ms`);
      report('egress: added by the proxy, median (target < 3 ms)', `${added.toFixed(2)} ms`);
    } finally {
      await proxy.close();
    }
  } finally {
    server.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await cert.cleanup();
  }
}

/** Opens a tunnel: CONNECT over the unix socket, resolved once the proxy answers 200. */
function connectThrough(socketPath: string, authority: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    let buf = '';
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!buf.startsWith('HTTP/1.1 200')) { reject(new Error(buf.split('\r\n')[0])); return; }
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** TLS handshake over `socket`, one GET, the whole response read. */
function httpsGet(socket: net.Socket, ca: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: HOST, ca });
    secure.once('error', reject);
    secure.once('secureConnect', () => secure.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`));
    secure.on('data', () => {});
    secure.once('end', () => { secure.destroy(); resolve(); });
  });
}

if (import.meta.main) await benchEgress();
