// Config changes become one audit event with a diff that never holds a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { diffConfig } from '../../src/audit/config-diff.ts';
import { makeHome } from '../fixtures/home.ts';
import { openRuntime } from '../../src/cli/runtime.ts';

test('diffConfig lists changed leaves by key path', () => {
  assert.deepEqual(diffConfig({ a: { b: 1, c: [1] } }, { a: { b: 2, c: [1], d: 'x' } }), [{ key: 'a.b', from: 1, to: 2 }, { key: 'a.d', to: 'x' }]);
  assert.deepEqual(diffConfig({ a: 1 }, { a: 1 }), []);
});

test('a changed config is audited once, with a redacted diff', async (t) => {
  const home = await makeHome({ config: { gateway: { port: 1111 }, security: { auth: { tokens: ['first-secret-token-value'] } } } });
  t.after(() => home.cleanup());
  openRuntime(home.env).close();
  openRuntime(home.env).close(); // unchanged: no event
  await writeFile(join(home.home, 'hardshell.json'), JSON.stringify({ gateway: { port: 2222 }, security: { auth: { tokens: ['second-secret-token-value'] } } }), { mode: 0o600 });
  openRuntime(home.env).close();
  const events = (await readFile(join(home.home, 'audit.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.kind === 'config');
  assert.deepEqual(events.map((e) => e.action), ['first_seen', 'changed']);
  assert.deepEqual(events[1].changes, [{ key: 'gateway.port', from: 1111, to: 2222 }]);
  const all = await readFile(join(home.home, 'audit.log'), 'utf8') + await readFile(join(home.home, 'keys', 'audit-config.json'), 'utf8');
  assert.ok(!all.includes('secret-token-value'));
});
