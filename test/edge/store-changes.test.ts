// The gateway keeps the token table and the session list in memory; these check that what it
// answers still follows the store from the very next request: tokens made and revoked by the
// real `hardshell token` command (another process), sessions written through another
// connection, and an expiry passing while nothing in the store changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { startTestGateway } from './helpers.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';

test('a token made by another process works at once, and is refused at once when it revokes it', async (t) => {
  const home = await makeHome({ config: {} });
  t.after(() => home.cleanup());
  const gw = await startTestGateway(t, {}, {}, { home });
  // The gateway has read its tokens (and keeps them) before the other process writes.
  assert.equal((await gw.call('/v1/sessions')).status, 200);
  const made = await runCli(['token', 'create', 'phone', '--scopes', 'read'], home.env);
  assert.equal(made.code, 0, made.stderr);
  const phone = made.stdout.trim();
  assert.equal((await gw.call('/v1/sessions', { token: phone })).status, 200);
  assert.equal((await runCli(['token', 'revoke', 'phone'], home.env)).code, 0);
  const refused = await gw.call('/v1/sessions', { token: phone });
  assert.equal(refused.status, 401);
  assert.match((await refused.json()).error.message, /unknown, revoked or expired/);
  assert.equal((await gw.call('/v1/sessions')).status, 200, 'the other token is untouched');
});

test('a kept token that reaches its expiry is refused, though nothing in the store changed', async (t) => {
  const gw = await startTestGateway(t);
  const soon = gw.tokens.create('soon', ['read'], new Date(Date.now() + 400).toISOString());
  assert.equal((await gw.call('/v1/sessions', { token: soon })).status, 200);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await gw.call('/v1/sessions', { token: soon })).status, 401);
});

test('the session list shows sessions written by another connection, and this one, on the next request', async (t) => {
  const gw = await startTestGateway(t);
  const keys = async (query = '') => (await (await gw.call(`/v1/sessions${query}`)).json()).sessions.map((s: { key: string }) => s.key);
  assert.deepEqual(await keys(), []);
  const other = openStore(join(gw.home.home, 'hardshell.db'));
  t.after(() => other.close());
  new Sessions(other).open('main', 'from-elsewhere');
  assert.deepEqual(await keys(), ['from-elsewhere']);
  gw.sessions.open('main', 'from-here');
  assert.deepEqual((await keys()).sort(), ['from-elsewhere', 'from-here']);
  assert.equal((await keys('?limit=1')).length, 1, 'each limit is its own answer');
  new Sessions(other).remove(gw.sessions.get('from-here')!.id);
  assert.deepEqual(await keys(), ['from-elsewhere']);
  assert.deepEqual(await keys('?limit=1'), ['from-elsewhere']);
});
