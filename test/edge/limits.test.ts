// Rate limits and bans over real connections: the seed's 60 per minute, the default 10 per
// second, 3 failed authentications and then a ban that survives a restart and grows longer
// each time, web pages on loopback limited like strangers, and the per-token limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTestGateway, untilLimited, withinBucket } from './helpers.ts';
import { makeHome } from '../fixtures/home.ts';
import { listBans, liftBan, banDuration } from '../../src/edge/bans.ts';
import { openStore } from '../../src/store/db.ts';
import { join } from 'node:path';
import JSON5 from 'json5';

const seed = (name: string) => JSON5.parse(readFileSync(new URL(`../fixtures/seed-configs/${name}`, import.meta.url), 'utf8'));

test('seed 07: 60 requests per 60 000 ms per client; the 61st gets 429 with Retry-After', async (t) => {
  const gw = await startTestGateway(t, seed('07-rate-limit.json5'));
  const { served, elapsedMs, res } = await untilLimited(gw, '/v1/sessions');
  assert.ok(withinBucket(served, elapsedMs, 60, 60_000), `${served} served in ${elapsedMs.toFixed(0)} ms`);
  assert.equal(res.status, 429);
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  const body = await res.json();
  assert.equal(body.error.type, 'rate_limit_exceeded');
  assert.match(body.error.message, /security\.rateLimit/);
});

test('the default is 10 requests a second per client', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { requests: 10, window: 1000 } } });
  const { served, elapsedMs, res } = await untilLimited(gw, '/healthz', { token: null });
  assert.ok(withinBucket(served, elapsedMs, 10, 1000), `${served} served in ${elapsedMs.toFixed(0)} ms`);
  assert.equal(res.status, 429);
});

test('a token has its own limit, wherever its requests come from', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { requests: 5, window: 60_000 } } });
  // Five requests through a trusted proxy would be five clients; the token is still one.
  for (let i = 0; i < 5; i++) assert.equal((await gw.call('/v1/sessions')).status, 200);
  const res = await gw.call('/v1/sessions');
  assert.equal(res.status, 429);
});

test('3 failed authentications a minute, then a ban: 403 with Retry-After, logged, and not even a right token gets in', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { requests: 1000 } } });
  for (let i = 0; i < 3; i++) assert.equal((await gw.call('/v1/sessions', { token: `hs_guess${i}` })).status, 401);
  const banned = await gw.call('/v1/sessions', { token: 'hs_guess3' });
  assert.equal(banned.status, 403);
  const body = await banned.json();
  assert.equal(body.error.type, 'banned');
  assert.match(body.error.message, /hardshell bans lift 127\.0\.0\.1/);
  const retry = Number(banned.headers.get('retry-after'));
  assert.ok(retry > 250 && retry <= 300, `first ban lasts 5 minutes, Retry-After ${retry}`);
  // The right token does not help a banned client (the ban is checked before credentials).
  assert.equal((await gw.call('/v1/sessions')).status, 403);
  assert.equal((await gw.call('/healthz', { token: null })).status, 403);
  assert.ok(gw.logs.some((l) => l.msg === 'client banned' && l.client === '127.0.0.1'));
  const bans = listBans(gw.store);
  assert.equal(bans.length, 1);
  assert.equal(bans[0].key, '127.0.0.1');
  assert.equal(bans[0].strikes, 1);
});

test('a ban survives a restart, a lift ends it, and the next ban is 4 times longer', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const config = { security: { rateLimit: { requests: 1000 } } };
  {
    const gw = await startTestGateway(t, config, {}, { home });
    for (let i = 0; i < 4; i++) await gw.call('/v1/sessions', { token: `hs_guess${i}` });
    assert.equal((await gw.call('/v1/sessions')).status, 403);
    await gw.gateway.close();
    gw.store.close();
  }
  // A new gateway over the same store still refuses the client.
  const gw = await startTestGateway(t, config, {}, { home });
  const token = gw.tokens.create('second', ['operator']);
  assert.equal((await gw.call('/v1/sessions', { token })).status, 403);
  // The owner lifts it (as `hardshell bans lift` does, on the store); it takes effect at once.
  const other = openStore(join(home.home, 'hardshell.db'));
  assert.deepEqual(liftBan(other, '127.0.0.1'), ['127.0.0.1']);
  await new Promise((r) => setTimeout(r, 1100)); // the gateway re-reads a ban at most once a second
  assert.equal((await gw.call('/v1/sessions', { token })).status, 200);
  // Banned again: strikes start over after a lift, so this is strike 1 again; ban twice more.
  for (let round = 1; round <= 2; round++) {
    for (let i = 0; i < 4; i++) await gw.call('/v1/sessions', { token: 'hs_wrong' });
    const bans = listBans(other);
    assert.equal(bans[0].strikes, round);
    if (round === 1) {
      other.prepare('UPDATE edge_bans SET until_ms = 0').run();
      await new Promise((r) => setTimeout(r, 1100));
    }
  }
  const [ban] = listBans(other);
  const left = ban.until - Date.now();
  assert.ok(left > banDuration(1, { firstMs: 300_000, maxMs: 86_400_000 }) * 3, `second ban lasts about 20 minutes, ${left} ms left`);
  other.close();
});

test('web pages on loopback are limited and banned under their own key; the owner\'s tools on the same address still get in', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { requests: 1000 } } });
  const page = { origin: 'http://127.0.0.1:9', 'content-type': 'application/json' };
  for (let i = 0; i < 4; i++) {
    await gw.call('/v1/auth/login', { method: 'POST', token: null, headers: page, body: JSON.stringify({ token: `guess${i}` }) });
  }
  const res = await gw.call('/v1/sessions', { headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.type, 'banned');
  assert.deepEqual(listBans(gw.store).map((b) => b.key), ['127.0.0.1 (browser)']);
  // The terminal (no Origin, no Sec-Fetch-Site) is another client.
  assert.equal((await gw.call('/v1/sessions')).status, 200);
});

test('the limiter remembers a bounded number of clients', async (t) => {
  const gw = await startTestGateway(t, {
    gateway: { trustedProxies: ['127.0.0.1'] },
    security: { rateLimit: { requests: 1000, maxClients: 100 } },
  });
  for (let i = 0; i < 300; i++) {
    await gw.call('/healthz', { token: null, headers: { 'x-forwarded-for': `198.51.100.${i % 250}, 10.9.${i >> 8}.${i & 255}` } });
  }
  assert.ok(gw.gateway.stats().clients <= 100, JSON.stringify(gw.gateway.stats()));
});
