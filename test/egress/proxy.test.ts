// The sandbox's egress proxy on a unix socket, against real servers: HTTPS through CONNECT to
// a TEST-NET-3 host in a network namespace, plain HTTP forwarding, and every refusal audited
// with nothing reaching the listener it aimed at.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startEgressProxy, type EgressProxy } from '../../src/egress/proxy.ts';
import type { EgressAuditEvent } from '../../src/egress/destination.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';
import { makePublicHost, makeCert, netnsUnavailable, settle, type PublicHost, type TestCert } from './netns.ts';

const unavailable = await netnsUnavailable();

interface ConnectResult { status: number; head: string; body: string; socket: net.Socket }

/** Sends a CONNECT over the unix socket; for a refusal, reads the body to its end. */
function rawConnect(socketPath: string, authority: string): Promise<ConnectResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buf = Buffer.alloc(0);
    socket.once('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString();
      const status = Number(head.split(' ')[1]);
      socket.off('data', onData);
      if (status === 200) { resolve({ status, head, body: '', socket }); return; }
      let body = buf.subarray(end + 4).toString();
      socket.on('data', (c: Buffer) => { body += c.toString(); });
      socket.once('end', () => resolve({ status, head, body, socket }));
    };
    socket.on('data', onData);
  });
}

function viaProxy(socketPath: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, headers: { host: URL.canParse(url) ? new URL(url).host : 'proxy', ...headers }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('egress proxy', { skip: unavailable ?? false }, () => {
  let pub: PublicHost;
  let cert: TestCert;
  let dir: string;
  let proxy: EgressProxy;
  let loopback: net.Server;
  let loopPort = 0;
  let loopConnections = 0;
  let currentCall = 'call-1';
  const audit: EgressAuditEvent[] = [];

  before(async () => {
    loopback = net.createServer((s) => { loopConnections++; s.destroy(); });
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    loopPort = (loopback.address() as AddressInfo).port;
    cert = await makeCert(['docs.example.test']);
    pub = await makePublicHost();
    await pub.startUpstream({ http: [80], https: [443, 8443], cert: cert.cert, key: cert.key });
    dir = await mkdtemp(join(tmpdir(), 'hardshell-proxy-'));
    proxy = await startEgressProxy({
      socketPath: join(dir, 'egress.sock'),
      allowedDomains: ['docs.example.test', 'admin.example.test', 'loop.example.test'],
      deniedDomains: ['denied.example.test'],
      allowlistKey: 'agents.main.sandbox.network.allowedDomains',
      hosts: {
        'docs.example.test': [pub.address],
        'admin.example.test': [pub.address],
        'unlisted.example.test': [pub.address],
        'loop.example.test': ['127.0.0.1'],
      },
      refusedRanges: DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '203.0.113.0/24'),
      ports: [80, 443, loopPort],
      connectPorts: [443, loopPort],
      blockPatterns: ['*://admin.*', 'http://docs.example.test/private/*'],
      audit: (e) => audit.push(e),
      callId: () => currentCall,
    });
  });

  after(async () => {
    await proxy?.close();
    await pub?.cleanup();
    await cert?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    await new Promise((resolve) => loopback?.close(resolve));
  });

  const connectionsTo = (port: number) => pub.log.filter((e) => e.event === 'connection' && e.port === port).length;

  async function refusedConnect(authority: string, reason: RegExp): Promise<void> {
    const before = audit.length;
    const r = await rawConnect(proxy.socketPath, authority);
    assert.equal(r.status, 403, r.head);
    assert.match(r.body, reason);
    assert.equal(r.body.trim().split('\n').length, 1, 'one line');
    const events = audit.slice(before);
    assert.equal(events.length, 1);
    assert.equal(events[0].decision, 'deny');
    assert.equal(events[0].via, 'proxy');
    assert.match(events[0].reason, reason);
  }

  test('the socket is private to this user', async () => {
    assert.equal((await stat(proxy.socketPath)).mode & 0o777, 0o600);
  });

  test('HTTPS through CONNECT to an allowed name reaches the pinned address; audited with the call', async () => {
    currentCall = 'call-https';
    const before = audit.length;
    const r = await rawConnect(proxy.socketPath, 'docs.example.test:443');
    assert.equal(r.status, 200);
    const secure = tls.connect({ socket: r.socket, servername: 'docs.example.test', ca: cert.certPem });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    secure.write('GET / HTTP/1.1\r\nHost: docs.example.test\r\nConnection: close\r\n\r\n');
    let text = '';
    secure.on('data', (c: Buffer) => { text += c.toString(); });
    await new Promise((resolve) => secure.once('end', resolve));
    secure.destroy();
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.match(text, /<h1>Hello<\/h1>/);
    assert.deepEqual(audit.slice(before), [{
      kind: 'egress', action: 'connect', decision: 'allow', via: 'proxy', host: 'docs.example.test', port: 443,
      address: pub.address, callId: 'call-https', reason: 'docs.example.test is allowed by "docs.example.test" in agents.main.sandbox.network.allowedDomains',
    }]);
  });

  test('CONNECT to a name not on the list is refused with 403; the upstream sees nothing', async () => {
    await settle();
    const seen = connectionsTo(443);
    await refusedConnect('unlisted.example.test:443', /unlisted\.example\.test is not in agents\.main\.sandbox\.network\.allowedDomains/);
    await refusedConnect('denied.example.test:443', /deny entry "denied\.example\.test"/);
    await refusedConnect(`${pub.address}:443`, /is not in/);
    await settle();
    assert.equal(connectionsTo(443), seen);
  });

  test('CONNECT to an allowed name that resolves to 127.0.0.1 is refused; the listener gets nothing', async () => {
    await refusedConnect(`loop.example.test:${loopPort}`, /resolves to 127\.0\.0\.1, a refused address \(loopback\)/);
    await refusedConnect(`127.0.0.1:${loopPort}`, /not in/);
    await refusedConnect(`0x7f.1:${loopPort}`, /127\.0\.0\.1 is not in/);
    await refusedConnect(`[::1]:${loopPort}`, /\[::1\] is not in/);
    assert.equal(loopConnections, 0);
  });

  test('CONNECT to an allowed name on a port that is not allowed is refused; that port sees nothing', async () => {
    await refusedConnect('docs.example.test:8443', /port 8443 is not allowed \(allowed: 443, \d+\)/);
    await refusedConnect('docs.example.test:80', /port 80 is not allowed/);
    await settle();
    assert.equal(connectionsTo(8443), 0);
  });

  test('block patterns refuse an allowed host', async () => {
    await refusedConnect('admin.example.test:443', /matches the block pattern "\*:\/\/admin\.\*"/);
    const r = await viaProxy(proxy.socketPath, 'http://docs.example.test/private/x');
    assert.equal(r.status, 403);
    assert.match(r.body, /block pattern "http:\/\/docs\.example\.test\/private\/\*"/);
    assert.equal((await viaProxy(proxy.socketPath, 'http://docs.example.test/public')).status, 200);
  });

  test('plain HTTP is forwarded without hop-by-hop and Proxy-* headers', async () => {
    currentCall = 'call-http';
    const before = audit.length;
    const r = await viaProxy(proxy.socketPath, 'http://docs.example.test/echo?q=1', {
      'proxy-authorization': 'Basic c2VjcmV0', connection: 'keep-alive, x-drop-me', 'x-drop-me': '1', 'x-keep': 'kept', te: 'trailers',
    });
    assert.equal(r.status, 200);
    const echoed = JSON.parse(r.body);
    assert.equal(echoed.url, '/echo?q=1');
    assert.equal(echoed.headers.host, 'docs.example.test');
    assert.equal(echoed.headers['x-keep'], 'kept');
    for (const h of ['proxy-authorization', 'x-drop-me', 'te']) assert.equal(echoed.headers[h], undefined, h);
    assert.equal(r.headers['proxy-authenticate'], undefined);
    assert.equal(audit.slice(before)[0]?.callId, 'call-http');
    assert.equal(audit.slice(before)[0]?.decision, 'allow');
  });

  test('plain HTTP to refused destinations gets 403 with the reason, audited', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://unlisted.example.test/', /not in agents\.main\.sandbox\.network\.allowedDomains/],
      [`http://loop.example.test:${loopPort}/`, /refused address \(loopback\)/],
      ['http://169.254.169.254/latest/meta-data/', /not in/],
    ];
    for (const [url, reason] of cases) {
      const before = audit.length;
      const r = await viaProxy(proxy.socketPath, url);
      assert.equal(r.status, 403, url);
      assert.match(r.body, reason);
      assert.equal(audit.slice(before)[0]?.decision, 'deny');
    }
    assert.equal(loopConnections, 0);
  });

  test('requests that are not proxy requests are refused with a sentence', async () => {
    const origin = await viaProxy(proxy.socketPath, '/just-a-path');
    assert.equal(origin.status, 400);
    assert.match(origin.body, /absolute http:\/\/ URLs/);
    const bad = await rawConnect(proxy.socketPath, 'no-port-here');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /CONNECT needs host:port/);
  });

  test('a bad block pattern or a non-socket file at the path stops the start', async () => {
    await assert.rejects(startEgressProxy({ socketPath: join(dir, 'x.sock'), allowedDomains: [], blockPatterns: ['admin.*'] }), /block pattern "admin\.\*"/);
    const file = join(dir, 'not-a-socket');
    await writeFile(file, 'keep me');
    await assert.rejects(startEgressProxy({ socketPath: file, allowedDomains: [] }), /not a socket; refusing to replace it/);
  });
});
