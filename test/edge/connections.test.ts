// Connection-level limits over raw sockets: oversized headers, a slowloris client, too many
// connections from one address; and the health endpoints, which tell strangers only ok/not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startTestGateway } from './helpers.ts';

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

function readAll(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.on('data', (d) => { text += d; });
    s.on('close', () => resolve(text));
    s.on('error', () => resolve(text));
  });
}

test('headers over gateway.limits.maxHeaderBytes get 431 with a sentence naming the key', async (t) => {
  const gw = await startTestGateway(t, { gateway: { limits: { maxHeaderBytes: 2048 } } });
  const s = await open(gw.gateway.port);
  t.after(() => s.destroy());
  const answer = readAll(s);
  s.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`);
  const text = await answer;
  assert.match(text, /^HTTP\/1\.1 431 /);
  assert.match(text, /gateway\.limits\.maxHeaderBytes/);
});

test('a client that sends its headers too slowly (slowloris) is cut off with 408', async (t) => {
  const gw = await startTestGateway(t, { gateway: { limits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000 } } });
  const s = await open(gw.gateway.port);
  t.after(() => s.destroy());
  const answer = readAll(s);
  s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const started = Date.now();
  const drip = setInterval(() => { if (!s.destroyed) s.write('X-Slow: 1\r\n'); }, 200);
  const text = await answer;
  clearInterval(drip);
  assert.match(text, /^HTTP\/1\.1 408 /);
  assert.match(text, /gateway\.limits\.headersTimeoutMs/);
  assert.ok(Date.now() - started < 5000, 'cut off within a few seconds');
});

test('connections beyond gateway.limits.maxConnectionsPerIp are dropped; others still get in after', async (t) => {
  const gw = await startTestGateway(t, { gateway: { limits: { maxConnectionsPerIp: 3 } } });
  const held = await Promise.all([1, 2, 3].map(() => open(gw.gateway.port)));
  t.after(() => held.forEach((s) => s.destroy()));
  const extra = await open(gw.gateway.port);
  const text = await readAll(extra);
  assert.equal(text, '', 'the fourth connection is closed without an answer');
  assert.ok(gw.logs.some((l) => String(l.msg).includes('too many open connections')));
  held[0].destroy();
  await new Promise((r) => setTimeout(r, 100));
  const res = await gw.call('/healthz', { token: null });
  assert.equal(res.status, 200);
});

test('/readyz: ok/not for strangers, details for a token holder, a wrong token is a failed login', async (t) => {
  const gw = await startTestGateway(t);
  const anon = await gw.call('/readyz', { token: null });
  assert.equal(anon.status, 503); // no model is configured
  assert.deepEqual(await anon.json(), { ok: false });
  const detail = await gw.call('/readyz');
  assert.equal(detail.status, 503);
  const body = await detail.json();
  assert.equal(body.ok, false);
  const byName = Object.fromEntries(body.checks.map((c: any) => [c.name, c]));
  assert.equal(byName.store.ok, true);
  assert.equal(byName.model.ok, false);
  assert.match(byName.model.detail, /agents\.defaults\.model/);
  assert.equal((await gw.call('/readyz', { token: 'wrong' })).status, 401);

  const ready = await startTestGateway(t, { models: { providers: { local: { api: 'openai-completions', baseUrl: 'http://127.0.0.1:9/v1' } } }, agents: { defaults: { model: 'local/m' } } });
  const ok = await ready.call('/readyz', { token: null });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { ok: true });
});

test('an idle keep-alive connection is closed after gateway.limits.idleTimeoutMs', { timeout: 15_000 }, async (t) => {
  const gw = await startTestGateway(t, { gateway: { limits: { idleTimeoutMs: 1000 } } });
  const s = await open(gw.gateway.port);
  t.after(() => s.destroy());
  const answer = readAll(s);
  s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  // The client then says nothing more: the server, not the client, ends the connection.
  const text = await answer;
  assert.match(text, /^HTTP\/1\.1 200 /);
  assert.match(text, /keep-alive: timeout=1\b/i);
  assert.equal(s.readyState, 'closed');
});

test('a WebSocket whose client stops answering pings is closed after about two gateway.limits.idleTimeoutMs', { timeout: 15_000 }, async (t) => {
  const gw = await startTestGateway(t, { gateway: { limits: { idleTimeoutMs: 1000 } } });
  const s = await open(gw.gateway.port);
  t.after(() => s.destroy());
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<void>((resolve) => { s.on('close', () => resolve()); s.on('error', () => resolve()); });
  // A hand-made upgrade, so that nothing answers the server's pings afterwards.
  s.write([
    'GET /ws HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade',
    'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Authorization: Bearer ${gw.token}`, '', '',
  ].join('\r\n'));
  const started = Date.now();
  await closed;
  const bytes = Buffer.concat(chunks);
  assert.match(bytes.toString('latin1'), /^HTTP\/1\.1 101 /);
  // The ping (a final frame with opcode 0x9) went unanswered, and the server ended the connection.
  const frames = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
  assert.equal(frames[0], 0x89, 'the server pinged');
  assert.ok(Date.now() - started >= 1000, 'not before one idle period');
});
