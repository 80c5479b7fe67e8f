// `hardshell token create|list|revoke|rotate` and `hardshell bans list|lift`, run as the real
// command against a temp state folder, and checked against a real gateway over that store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { startTestGateway } from './helpers.ts';
import { openStore } from '../../src/store/db.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { tokensOverMaxAge } from '../../src/edge/token-age.ts';
import { configSchema } from '../../src/config/schema.ts';

test('token create, list, rotate with a grace period, revoke', async (t) => {
  const home = await makeHome({ config: {} });
  t.after(() => home.cleanup());
  const made = await runCli(['token', 'create', 'laptop', '--scopes', 'chat'], home.env);
  assert.equal(made.code, 0, made.stderr);
  const laptop = made.stdout.trim();
  assert.match(laptop, /^hs_[\w-]{43}$/);
  assert.match(made.stderr, /shown only this once/);
  assert.equal((await runCli(['token', 'create', 'laptop'], home.env)).code, 1);
  assert.match((await runCli(['token', 'create', 'x', '--scopes', 'root'], home.env)).stderr, /"root" is not a scope/);

  const gw = await startTestGateway(t, {}, {}, { home });
  assert.equal((await gw.call('/v1/sessions', { token: laptop })).status, 200);

  const rotated = await runCli(['token', 'rotate', 'laptop', '--grace', '1h'], home.env);
  assert.equal(rotated.code, 0, rotated.stderr);
  const fresh = rotated.stdout.trim();
  assert.notEqual(fresh, laptop);
  assert.match(rotated.stderr, /old one stays valid as "laptop~rotated-/);
  // Both work during the grace period; the new one keeps the scopes.
  assert.equal((await gw.call('/v1/sessions', { token: laptop })).status, 200);
  assert.equal((await gw.call('/v1/sessions', { token: fresh })).status, 200);
  const list = JSON.parse((await runCli(['token', 'list', '--json'], home.env)).stdout);
  const names = list.map((r: any) => r.name);
  assert.ok(names.includes('laptop') && names.some((n: string) => n.startsWith('laptop~rotated-')));
  assert.deepEqual(list.find((r: any) => r.name === 'laptop').scopes, ['chat']);
  assert.ok(!JSON.stringify(list).includes(fresh), 'values are never listed');

  // A grace of 0 ends the old one at once.
  const again = await runCli(['token', 'rotate', 'laptop', '--grace', '0'], home.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await gw.call('/v1/sessions', { token: fresh })).status, 401);
  assert.equal((await gw.call('/v1/sessions', { token: again.stdout.trim() })).status, 200);

  assert.equal((await runCli(['token', 'revoke', 'laptop'], home.env)).code, 0);
  assert.equal((await gw.call('/v1/sessions', { token: again.stdout.trim() })).status, 401);
  assert.match((await runCli(['token', 'revoke', 'laptop'], home.env)).stderr, /no token "laptop"/);
});

test('tokens older than security.auth.maxAgeDays are flagged (list, and for security audit)', async (t) => {
  const home = await makeHome({ config: { security: { auth: { maxAgeDays: 30 } } } });
  t.after(() => home.cleanup());
  await runCli(['token', 'create', 'old'], home.env);
  await runCli(['token', 'create', 'new'], home.env);
  const store = openStore(join(home.home, 'hardshell.db'));
  t.after(() => store.close());
  store.prepare("UPDATE tokens SET created_at = '2020-01-01T00:00:00.000Z' WHERE name = 'old'").run();
  const list = JSON.parse((await runCli(['token', 'list', '--json'], home.env)).stdout);
  assert.equal(list.find((r: any) => r.name === 'old').overMaxAge, true);
  assert.equal(list.find((r: any) => r.name === 'new').overMaxAge, false);
  assert.match((await runCli(['token', 'list'], home.env)).stdout, /old .*older than 30 days \(security\.auth\.maxAgeDays\)/);
  const config = configSchema.parse({ security: { auth: { maxAgeDays: 30, tokens: [{ name: 'cfg', value: 'v', created: '2021-05-01' }] } } });
  const aged = tokensOverMaxAge(config, new TokenStore(store));
  assert.deepEqual(aged.map((a) => [a.name, a.source]), [['old', 'store'], ['cfg', 'config']]);
});

test('bans list shows the banned client; bans lift lets it back in', async (t) => {
  const home = await makeHome({ config: {} });
  t.after(() => home.cleanup());
  const gw = await startTestGateway(t, {}, {}, { home });
  for (let i = 0; i < 4; i++) await gw.call('/v1/sessions', { token: `wrong${i}` });
  assert.equal((await gw.call('/v1/sessions')).status, 403);
  const listed = await runCli(['bans', 'list'], home.env);
  assert.match(listed.stdout, /^127\.0\.0\.1 {2}banned until \S+ {2}strikes 1 {2}more than 3 failed attempts/m);
  const json = JSON.parse((await runCli(['bans', 'list', '--json'], home.env)).stdout);
  assert.equal(json[0].key, '127.0.0.1');
  const lifted = await runCli(['bans', 'lift', '127.0.0.1'], home.env);
  assert.equal(lifted.code, 0, lifted.stderr);
  assert.match(lifted.stdout, /lifted: 127\.0\.0\.1/);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await gw.call('/v1/sessions')).status, 200);
  assert.match((await runCli(['bans', 'lift', '127.0.0.1'], home.env)).stderr, /not banned/);
  assert.match((await runCli(['bans', 'list'], home.env)).stdout, /no client is banned now/);
});
