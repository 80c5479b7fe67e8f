// Network for a sandbox means the egress proxy only: its unix socket is bound in, and a relay
// inside listens on 127.0.0.1:3128. A stand-in proxy on a unix socket (plain HTTP and CONNECT)
// shows that traffic arrives there, and nowhere else.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bwrapMissing, makePlace } from './helpers.ts';
import { hostLayout } from '../../src/sandbox/host-layout.ts';

let skip: string | null = null;
before(async () => {
  skip = await bwrapMissing();
  if (!skip && !hostLayout().socat) skip = 'socat is not installed (scripts/system-deps.sh installs it)';
  if (skip) console.log(`# skipping relay tests: ${skip}`);
});

interface Seen { kind: 'http' | 'connect'; target: string }

/** A tiny proxy on a unix socket: answers plain HTTP requests itself, and CONNECT by serving the tunnel itself. */
async function fakeProxy(t: { after(fn: () => unknown): void }): Promise<{ path: string; seen: Seen[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'hs-proxy-'));
  const path = join(dir, 'proxy.sock');
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const reply = (s: Socket, body: string) => s.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    let tunnel: string | null = null;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [method, target] = buf.slice(0, buf.indexOf('\r\n')).split(' ');
      buf = buf.slice(end + 4);
      if (tunnel) {
        reply(s, `via-connect ${tunnel} ${target}\n`);
      } else if (method === 'CONNECT') {
        tunnel = target;
        seen.push({ kind: 'connect', target });
        s.write('HTTP/1.1 200 Connection established\r\n\r\n');
      } else {
        seen.push({ kind: 'http', target });
        reply(s, `via-proxy ${target}\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });
  return { path, seen };
}

test('with a proxy socket, HTTP and CONNECT go through the relay to the proxy, and only there', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const proxy = await fakeProxy(t);
  const network = { proxySocket: proxy.path };
  const plain = await p.run('curl -s -m 5 http://example.test/hello', { network });
  assert.equal(plain.stdout, 'via-proxy http://example.test/hello\n', plain.stderr);
  const tunneled = await p.run('curl -s -m 5 --proxytunnel http://example.test:8080/x', { network });
  assert.equal(tunneled.stdout, 'via-connect example.test:8080 /x\n', tunneled.stderr);
  assert.deepEqual(proxy.seen, [{ kind: 'http', target: 'http://example.test/hello' }, { kind: 'connect', target: 'example.test:8080' }]);

  const env = await p.run('env | grep -i _proxy | sort', { network });
  assert.match(env.stdout, /^HTTPS_PROXY=http:\/\/127\.0\.0\.1:3128$/m);
  assert.match(env.stdout, /^http_proxy=http:\/\/127\.0\.0\.1:3128$/m);
  // Around the proxy there is still nothing: no DNS, no route.
  const direct = await p.run('curl -s -m 2 --noproxy "*" http://10.0.0.1/; echo "exit $?"', { network });
  assert.match(direct.stdout, /exit (7|28)/);
  assert.equal(proxy.seen.length, 2);
});

test('without a proxy socket there is no relay and no proxy variables', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('env | grep -ci proxy; curl -s -m 2 http://127.0.0.1:3128/; echo "exit $?"');
  assert.match(r.stdout, /^0\n/);
  assert.match(r.stdout, /exit 7/);
});
