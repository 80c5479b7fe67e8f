// Who gets in: /healthz for anyone (and it says nothing), everything else only with a token
// from the store, from the config, or the configured API key — never from the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestResponse } from './helpers.ts';
import { hashToken } from '../../src/edge/tokens.ts';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

function assertSecurityHeaders(res: Response) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers.get(name), value, name);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
}

async function assertUnauthorized(res: TestResponse, pattern?: RegExp) {
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  const body = await res.json();
  assert.equal(body.error.type, 'unauthorized');
  assert.equal(typeof body.error.message, 'string');
  if (pattern) assert.match(body.error.message, pattern);
  assertSecurityHeaders(res);
}

test('/healthz needs no token and reveals nothing but {"ok":true}', async (t) => {
  const gw = await startTestGateway(t, { agents: { list: [{ id: 'secret-agent-name' }] } });
  const res = await gw.call('/healthz', { token: null });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '{"ok":true}');
  assertSecurityHeaders(res);
  assert.equal(res.headers.get('server'), null);
  assert.equal(res.headers.get('x-powered-by'), null);
});

// These tests look at many refusals in a row, so the failed-auth budget (and ban) is raised
// out of their way; limits.test.ts tests the budget itself.
const MANY_FAILURES = { security: { rateLimit: { authFailures: 1000 } } };

test('missing, malformed and unknown tokens get 401 with WWW-Authenticate: Bearer', async (t) => {
  const gw = await startTestGateway(t, MANY_FAILURES);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: null }), /Authorization: Bearer/);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: 'hs_not-a-real-token' }), /not accepted/);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: null, headers: { authorization: `Basic ${gw.token}` } }), /Bearer <token>/);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: null, headers: { authorization: 'Bearer' } }));
  // An unknown path is not revealed to strangers either.
  await assertUnauthorized(await gw.call('/v1/nothing-here', { token: null }));
  // Refusals are logged (without the token).
  assert.ok(gw.logs.some((l) => l.reason === 'invalid'));
  assert.ok(!JSON.stringify(gw.logs).includes('hs_not-a-real-token'));
  // The right token works.
  const ok = await gw.call('/v1/sessions');
  assert.equal(ok.status, 200);
  assertSecurityHeaders(ok);
});

test('a token in the query string is never accepted', async (t) => {
  const gw = await startTestGateway(t, { security: { auth: { tokens: ['token1'] }, rateLimit: { authFailures: 1000 } } });
  for (const q of [`token=${gw.token}`, `access_token=${gw.token}`, 'api_key=token1', 'token=token1']) {
    await assertUnauthorized(await gw.call(`/v1/sessions?${q}`, { token: null }), /query string/);
  }
});

test('expired store tokens are refused; revocation takes effect at once', async (t) => {
  const gw = await startTestGateway(t);
  const past = gw.tokens.create('old', ['operator'], new Date(Date.now() - 60_000).toISOString());
  const future = gw.tokens.create('new', ['operator'], new Date(Date.now() + 3_600_000).toISOString());
  await assertUnauthorized(await gw.call('/v1/sessions', { token: past }));
  assert.equal((await gw.call('/v1/sessions', { token: future })).status, 200);
  gw.store.prepare('DELETE FROM tokens WHERE name = ?').run('new');
  await assertUnauthorized(await gw.call('/v1/sessions', { token: future }));
});

test('config tokens in the seed 02 shape are accepted, and nothing else', async (t) => {
  const gw = await startTestGateway(t, { security: { auth: { type: 'token', tokens: ['token1', 'token2'] } } });
  assert.equal((await gw.call('/v1/sessions', { token: 'token1' })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { token: 'token2' })).status, 200);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: 'token3' }));
  await assertUnauthorized(await gw.call('/v1/sessions', { token: 'token' }));
  // X-API-Key is only for apiKey mode.
  await assertUnauthorized(await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': 'token1' } }));
});

test('config token objects: by value, by sha256, with expiry and scopes', async (t) => {
  const gw = await startTestGateway(t, {
    security: {
      auth: {
        tokens: [
          { name: 'laptop', value: 'laptop-token-value' },
          { name: 'phone', sha256: hashToken('phone-token-value') },
          { name: 'expired', value: 'expired-token-value', expires: '2001-01-01T00:00:00Z' },
          { name: 'reader', value: 'reader-token-value', scopes: ['read'] },
          { name: 'broken', value: 'broken-token-value', expires: 'next tuesday' },
        ],
      },
    },
  });
  assert.equal((await gw.call('/v1/sessions', { token: 'laptop-token-value' })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { token: 'phone-token-value' })).status, 200);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: 'expired-token-value' }));
  await assertUnauthorized(await gw.call('/v1/sessions', { token: 'broken-token-value' }));
  assert.ok(gw.logs.some((l) => String(l.msg).includes('security.auth.tokens[4].expires')));
  // A read-only token may list sessions but not run turns.
  assert.equal((await gw.call('/v1/sessions', { token: 'reader-token-value' })).status, 200);
  const chat = await gw.call('/v1/chat/completions', { token: 'reader-token-value', method: 'POST', body: '{}' });
  assert.equal(chat.status, 403);
  assert.equal((await chat.json()).error.type, 'forbidden');
});

test('apiKey mode accepts the key as a bearer token and as X-API-Key', async (t) => {
  const gw = await startTestGateway(t, { security: { auth: { type: 'apiKey', key: 'the-api-key-123' } } });
  assert.equal((await gw.call('/v1/sessions', { token: 'the-api-key-123' })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': 'the-api-key-123' } })).status, 200);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': 'the-api-key-12' } }));
  await assertUnauthorized(await gw.call('/v1/sessions?api_key=the-api-key-123', { token: null }), /query string/);
  // Store tokens keep working beside the key.
  assert.equal((await gw.call('/v1/sessions')).status, 200);
});

test('apiKey mode: a ${secret:NAME} key is resolved; an unset secret grants nothing', async (t) => {
  const gw = await startTestGateway(t,
    { security: { auth: { type: 'apiKey', key: '${secret:GATEWAY_KEY}', tokens: ['${secret:MISSING_ONE}'] } } },
    { HARDSHELL_SECRET_GATEWAY_KEY: 'resolved-key-value' });
  assert.equal((await gw.call('/v1/sessions', { token: null, headers: { 'x-api-key': 'resolved-key-value' } })).status, 200);
  await assertUnauthorized(await gw.call('/v1/sessions', { token: '${secret:GATEWAY_KEY}' }));
  await assertUnauthorized(await gw.call('/v1/sessions', { token: '${secret:MISSING_ONE}' }));
  assert.ok(gw.logs.some((l) => String(l.msg).includes('security.auth.tokens[0]') && String(l.msg).includes('HARDSHELL_SECRET_MISSING_ONE')));
});

test('unknown routes are 404 in the JSON error shape', async (t) => {
  const gw = await startTestGateway(t);
  const res = await gw.call('/v1/models/nope');
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: { message: 'no such endpoint: GET /v1/models/nope', type: 'not_found' } });
  assertSecurityHeaders(res);
});
