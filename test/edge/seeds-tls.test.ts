// The seed configs that concern the edge, each over real HTTPS and WSS: 04 (TLS), 01 (API
// key), 02 (several tokens), 06 (IP allowlist, before authentication), 07 (60 a minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import JSON5 from 'json5';
import { WebSocket } from 'ws';
import { interpolate } from '../../src/config/interpolate.ts';
import { startTestGateway, request, untilLimited, withinBucket, type TestGateway } from './helpers.ts';

const seed = (name: string) => JSON5.parse(readFileSync(new URL(`../fixtures/seed-configs/${name}`, import.meta.url), 'utf8'));

/** Seed 04's config with its placeholder paths replaced by a generated pair (helpers do that). */
function withTls(extra: Record<string, any>): Record<string, any> {
  const tls = seed('04-gateway-tls.json5');
  delete tls.gateway.tls.cert;
  delete tls.gateway.tls.key;
  return { ...extra, gateway: { ...tls.gateway, ...extra.gateway, tls: { ...tls.gateway.tls, ...extra.gateway?.tls } } };
}

function wssOpen(gw: TestGateway, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(gw.url.replace(/^https/, 'wss') + '/ws', { headers, ca: gw.ca });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); });
    ws.on('error', () => resolve(-1));
  });
}

test('seed 04: HTTPS and WSS with TLS 1.2 or newer, HSTS, and nothing in plain HTTP', async (t) => {
  const gw = await startTestGateway(t, withTls({}), {}, { tls: true });
  assert.match(gw.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const res = await gw.call('/v1/sessions');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('strict-transport-security'), 'max-age=31536000');
  assert.equal(await wssOpen(gw, { authorization: `Bearer ${gw.token}` }), 101);
  assert.equal(await wssOpen(gw, {}), 401);

  const port = Number(new URL(gw.url).port);
  const version = await new Promise<string>((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: gw.ca, servername: 'localhost' }, () => { resolve(s.getProtocol() ?? ''); s.end(); });
    s.on('error', reject);
  });
  assert.equal(version, 'TLSv1.3');
  const old = await new Promise<string>((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca: gw.ca, maxVersion: 'TLSv1.1', minVersion: 'TLSv1', servername: 'localhost' }, () => { resolve('connected'); s.end(); });
    s.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
  });
  assert.notEqual(old, 'connected', 'TLS 1.1 must be refused');
  // Plain HTTP on the TLS port gets no answer a client could mistake for the API.
  const plain = await request(gw.url.replace('https', 'http') + '/healthz').then((r) => r.status, () => 0);
  assert.notEqual(plain, 200);
});

test('seed 01 over HTTPS/WSS: the API key is accepted as Bearer or X-API-Key; anything else is 401', async (t) => {
  const key = 'k-' + 'x'.repeat(30);
  // ${CLAWDBOT_API_KEY} is resolved the way loadConfig does it.
  const config = interpolate(seed('01-auth-apikey.json5'), { CLAWDBOT_API_KEY: key }).value as Record<string, any>;
  const gw = await startTestGateway(t, withTls(config), {}, { tls: true });
  assert.equal((await gw.call('/v1/sessions', { token: key })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': key } })).status, 200);
  assert.equal(await wssOpen(gw, { 'x-api-key': key }), 101);
  assert.equal(await wssOpen(gw, { authorization: `Bearer ${key}` }), 101);
  const wrong = await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': key + 'x' } });
  assert.equal(wrong.status, 401);
  assert.equal(await wssOpen(gw, {}), 401);
  // The key never reaches the log.
  assert.ok(!JSON.stringify(gw.logs).includes(key));
});

test('seed 02 over HTTPS/WSS: each listed token works, others get 401 and count towards a ban', async (t) => {
  const gw = await startTestGateway(t, withTls(seed('02-auth-tokens.json5')), {}, { tls: true });
  for (const token of ['token1', 'token2']) {
    assert.equal((await gw.call('/v1/sessions', { token })).status, 200, token);
    assert.equal(await wssOpen(gw, { authorization: `Bearer ${token}` }), 101, token);
  }
  assert.equal((await gw.call('/v1/sessions', { token: 'token3' })).status, 401);
  assert.equal(await wssOpen(gw, { authorization: 'Bearer token4' }), 401);
  assert.equal((await gw.call('/v1/sessions', { token: 'token5' })).status, 401);
  // The fourth failure in a minute bans the address, over HTTPS as over WSS.
  assert.equal(await wssOpen(gw, { authorization: 'Bearer token6' }), 403);
  assert.equal((await gw.call('/v1/sessions', { token: 'token1' })).status, 403);
});

test('seed 06 over HTTPS: clients outside the allowed networks are refused before authentication', async (t) => {
  const gw = await startTestGateway(t, withTls({ ...seed('06-network-allowed-ips.json5'), gateway: { trustedProxies: ['127.0.0.1'] } }), {}, { tls: true });
  // Straight from loopback (not in the list): refused even with the right token, and not counted as a failed login.
  const direct = await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '' } });
  assert.equal(direct.status, 403);
  assert.match((await direct.json()).error.message, /security\.network\.allowedIPs/);
  // Through the (trusted) proxy from an allowed network: in, with a token.
  assert.equal((await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '192.168.1.20' } })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { headers: { 'x-forwarded-for': '::ffff:10.1.2.3' } })).status, 200);
  // From elsewhere: refused before the token is looked at, so a wrong token is not even counted.
  for (let i = 0; i < 5; i++) {
    const res = await gw.call('/v1/sessions', { token: 'wrong', headers: { 'x-forwarded-for': '192.168.2.20' } });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.type, 'forbidden');
  }
  assert.equal(await wssOpen(gw, { authorization: `Bearer ${gw.token}`, 'x-forwarded-for': '172.16.0.1' }), 403);
  assert.equal(await wssOpen(gw, { authorization: `Bearer ${gw.token}`, 'x-forwarded-for': '10.0.0.9' }), 101);
});

test('seed 07 over HTTPS: the 61st request in a minute gets 429 with Retry-After', async (t) => {
  const gw = await startTestGateway(t, withTls(seed('07-rate-limit.json5')), {}, { tls: true });
  const { served, elapsedMs, res } = await untilLimited(gw, '/healthz', { token: null });
  assert.ok(withinBucket(served, elapsedMs, 60, 60_000), `${served} served in ${elapsedMs.toFixed(0)} ms`);
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
  assert.equal(await wssOpen(gw, { authorization: `Bearer ${gw.token}` }), 429);
});
