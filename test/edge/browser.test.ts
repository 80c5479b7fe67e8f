// What a browser page can and cannot do, checked at the protocol level (the Chromium test
// checks the same with a real browser): Origin on WebSocket upgrades and POSTs, the login
// cookie and its CSRF token, CORS closed unless configured, and the headers every answer has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startTestGateway, request, type TestGateway } from './helpers.ts';

function upgrade(gw: TestGateway, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(gw.url.replace(/^http/, 'ws') + '/ws', { headers, ca: gw.ca });
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('unexpected-response', (_q, r) => { resolve(r.statusCode ?? 0); r.resume(); });
    ws.on('error', () => resolve(-1));
  });
}

async function login(gw: TestGateway, token: string, origin: string) {
  const res = await request(gw.url + '/v1/auth/login', {
    method: 'POST', ca: gw.ca, headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ token }),
  });
  return res;
}

test('WebSocket upgrades from another origin are refused, even with a valid token', async (t) => {
  const gw = await startTestGateway(t, { security: { rateLimit: { authFailures: 100 } } });
  const auth = { authorization: `Bearer ${gw.token}` };
  for (const origin of ['http://127.0.0.1:1', 'http://localhost:3000', 'https://evil.example', 'null']) {
    assert.equal(await upgrade(gw, { ...auth, origin }), 403, origin);
  }
  // The gateway's own page (any loopback spelling, same port) and tools without Origin may.
  const port = new URL(gw.url).port;
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
    assert.equal(await upgrade(gw, { ...auth, origin }), 101, origin);
  }
  assert.equal(await upgrade(gw, auth), 101);
});

test('gateway.controlUi.allowedOrigins admits a listed page and nothing else', async (t) => {
  const gw = await startTestGateway(t, { gateway: { controlUi: { allowedOrigins: ['https://ui.example.com'] } } });
  assert.equal(await upgrade(gw, { authorization: `Bearer ${gw.token}`, origin: 'https://ui.example.com' }), 101);
  assert.equal(await upgrade(gw, { authorization: `Bearer ${gw.token}`, origin: 'https://ui.example.com.evil.net' }), 403);
});

test('state-changing requests from another origin are refused before the token is looked at', async (t) => {
  const gw = await startTestGateway(t);
  const res = await gw.call('/v1/chat/completions', { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: '{}' });
  assert.equal(res.status, 403);
  assert.match((await res.json()).error.message, /gateway\.controlUi\.allowedOrigins/);
  // The login, too: a page cannot even try a token.
  const l = await login(gw, gw.token, 'https://evil.example');
  assert.equal(l.status, 403);
  assert.equal(l.headers.get('set-cookie'), null);
});

test('login turns a token into an HttpOnly SameSite=Strict cookie; writes with it need the CSRF token', async (t) => {
  const gw = await startTestGateway(t);
  const origin = `http://127.0.0.1:${new URL(gw.url).port}`;
  const res = await login(gw, gw.token, origin);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(typeof body.csrfToken, 'string');
  assert.deepEqual(body.scopes, ['operator']);
  const setCookie = res.headers.get('set-cookie')!;
  assert.match(setCookie, /^hardshell_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  const cookie = setCookie.split(';')[0];
  // Reading with the cookie works.
  assert.equal((await request(gw.url + '/v1/sessions', { headers: { cookie } })).status, 200);
  // A POST with the cookie but without the CSRF token (what another page on this site could send) is refused.
  const chat = JSON.stringify({ model: 'hardshell', messages: [{ role: 'user', content: 'hi' }] });
  const noCsrf = await request(gw.url + '/v1/chat/completions', { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: chat });
  assert.equal(noCsrf.status, 403);
  const noOrigin = await request(gw.url + '/v1/chat/completions', { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' }, body: chat });
  assert.equal(noOrigin.status, 403);
  const ok = await request(gw.url + '/v1/chat/completions', { method: 'POST', headers: { cookie, origin, 'x-csrf-token': body.csrfToken, 'content-type': 'application/json' }, body: chat });
  assert.equal(ok.status, 200);
  // The page opens the WebSocket with the cookie (browsers cannot set headers on it) from its own origin only.
  assert.equal(await upgrade(gw, { cookie, origin }), 101);
  assert.equal(await upgrade(gw, { cookie, origin: 'http://127.0.0.1:1' }), 403);
  // Revoking the token ends the cookie session at once.
  gw.store.prepare("DELETE FROM tokens WHERE name = 'test'").run();
  assert.equal((await request(gw.url + '/v1/sessions', { headers: { cookie } })).status, 401);
});

test('over TLS the cookie is Secure and __Host- prefixed', async (t) => {
  const gw = await startTestGateway(t, {}, {}, { tls: true });
  const res = await login(gw, gw.token, `https://localhost:${new URL(gw.url).port}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('set-cookie')!, /^__Host-hardshell_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
});

test('CORS is closed by default and opens only for gateway.cors.origins', async (t) => {
  const closed = await startTestGateway(t);
  const pre = await request(closed.url + '/v1/sessions', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  assert.equal(pre.status, 403);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  const get = await closed.call('/v1/sessions', { headers: { origin: 'https://app.example' } });
  assert.equal(get.headers.get('access-control-allow-origin'), null);

  const open = await startTestGateway(t, { gateway: { cors: { origins: ['https://app.example'] } } });
  const pre2 = await request(open.url + '/v1/sessions', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
  assert.equal(pre2.status, 204);
  assert.equal(pre2.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.match(pre2.headers.get('access-control-allow-headers')!, /authorization/);
  assert.equal(pre2.headers.get('access-control-allow-credentials'), null);
  const get2 = await open.call('/v1/sessions', { headers: { origin: 'https://app.example' } });
  assert.equal(get2.status, 200);
  assert.equal(get2.headers.get('access-control-allow-origin'), 'https://app.example');
  const other = await request(open.url + '/v1/sessions', { method: 'OPTIONS', headers: { origin: 'https://other.example', 'access-control-request-method': 'GET' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('every answer carries a strict CSP, X-Frame-Options DENY, nosniff and no-referrer', async (t) => {
  const gw = await startTestGateway(t);
  for (const res of [await gw.call('/healthz'), await gw.call('/v1/sessions'), await gw.call('/v1/sessions', { token: 'nope' }), await gw.call('/nope')]) {
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('strict-transport-security'), null); // plain HTTP on loopback: no HSTS
  }
});
