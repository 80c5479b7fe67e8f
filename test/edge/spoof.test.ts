// Things that must grant nothing: a forged X-Forwarded-For, a Host header that looks local or
// like a tailnet name, an IPv4-mapped IPv6 form of an address, and a token in the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startTestGateway, request } from './helpers.ts';
import { listBans } from '../../src/edge/bans.ts';

test('a spoofed X-Forwarded-For neither escapes a ban nor passes the IP allowlist (no trusted proxy)', async (t) => {
  const gw = await startTestGateway(t);
  for (let i = 0; i < 4; i++) {
    await gw.call('/v1/sessions', { token: `hs_x${i}`, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
  }
  // Banned as 127.0.0.1, the real address, whatever the header said.
  assert.deepEqual(listBans(gw.store).map((b) => b.key), ['127.0.0.1']);
  assert.equal((await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '198.51.100.1' } })).status, 403);

  const allow = await startTestGateway(t, { security: { network: { allowedIPs: ['10.0.0.0/8'] } } });
  for (const xff of ['10.0.0.1', '127.0.0.1, 10.0.0.1', '::ffff:10.0.0.1']) {
    const res = await allow.call('/v1/sessions', { headers: { 'x-forwarded-for': xff, 'x-real-ip': '10.0.0.1', forwarded: 'for=10.0.0.1' } });
    assert.equal(res.status, 403, xff);
  }
});

test('behind a trusted proxy, hops the client wrote to the left are not believed', async (t) => {
  const gw = await startTestGateway(t, { gateway: { trustedProxies: ['127.0.0.1'] }, security: { network: { allowedIPs: ['10.0.0.0/8'] } } });
  // The proxy appends the address it saw (203.0.113.5); the client's own "10.0.0.1" is to its left.
  const res = await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '10.0.0.1, 203.0.113.5' } });
  assert.equal(res.status, 403);
  assert.match((await res.json()).error.message, /203\.0\.113\.5/);
});

test('Host: localhost, Host: x.ts.net and friends grant nothing', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { authFailures: 100 } } });
  for (const host of ['localhost', 'x.ts.net', 'gateway.tailnet-1234.ts.net', '127.0.0.1', '[::1]']) {
    const res = await request(gw.url + '/v1/sessions', { headers: { host } });
    assert.equal(res.status, 401, host);
  }
  // Nor does a Host that names the gateway's own origin make a foreign page's Origin acceptable.
  const ws = await new Promise<number>((resolve) => {
    const s = new WebSocket(gw.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${gw.token}`, origin: 'https://x.ts.net', host: 'x.ts.net' } });
    s.on('open', () => { s.close(); resolve(101); });
    s.on('unexpected-response', (_q, r) => { resolve(r.statusCode ?? 0); r.resume(); });
    s.on('error', () => resolve(-1));
  });
  assert.equal(ws, 403);
});

test('IPv4-mapped IPv6 forms are the same client: a ban or an allowlist entry cannot be dodged by spelling', async (t) => {
  const gw = await startTestGateway(t, { gateway: { trustedProxies: ['127.0.0.1'] } });
  const forms = ['203.0.113.9', '::ffff:203.0.113.9', '::FFFF:cb00:7109', '[::ffff:203.0.113.9]'];
  for (const [i, xff] of forms.entries()) await gw.call('/v1/sessions', { token: `hs_bad${i}`, headers: { 'x-forwarded-for': xff } });
  assert.deepEqual(listBans(gw.store).map((b) => b.key), ['203.0.113.9']);
  for (const xff of forms) assert.equal((await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': xff } })).status, 403, xff);
  // Another address through the same proxy is not affected.
  assert.equal((await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '203.0.113.10' } })).status, 200);
});

test('a token in the query string grants nothing, on HTTP and on the WebSocket, and counts as a failure', async (t) => {
  const gw = await startTestGateway(t, { security: { auth: { tokens: ['token1'] } } });
  const res = await gw.call(`/v1/sessions?token=${gw.token}`, { token: null });
  assert.equal(res.status, 401);
  assert.match((await res.json()).error.message, /query string/);
  const ws = await new Promise<number>((resolve) => {
    const s = new WebSocket(gw.url.replace('http', 'ws') + '/ws?token=token1');
    s.on('open', () => { s.close(); resolve(101); });
    s.on('unexpected-response', (_q, r) => { resolve(r.statusCode ?? 0); r.resume(); });
    s.on('error', () => resolve(-1));
  });
  assert.equal(ws, 401);
  assert.equal((await gw.call('/v1/sessions?access_token=token1', { token: null })).status, 401);
  // The fourth try is a ban.
  assert.equal((await gw.call('/v1/sessions?api_key=token1', { token: null })).status, 403);
});
