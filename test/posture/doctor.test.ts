// `hardshell doctor` through the real command: a working install passes, a provider that does
// not answer and a missing store fail with their fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

interface Item { id: string; status: string; detail: string; fix?: string }

test('doctor: a set-up install with a reachable provider passes; each failure names its fix', async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  const server = createServer((_req, res) => { res.writeHead(404); res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  assert.equal((await runCli(['init'], h.env)).code, 0);
  writeFileSync(join(h.home, 'hardshell.json'), JSON.stringify({
    models: { providers: { local: { api: 'openai-completions', baseUrl: url, apiKey: '${secret:LOCAL}' } } },
    agents: { defaults: { model: 'local/m' } },
  }), { mode: 0o600 });
  const env = { ...h.env, HARDSHELL_SECRET_LOCAL: 'k' };

  const ok = await runCli(['doctor', '--json'], env);
  const items: Item[] = JSON.parse(ok.stdout).items;
  const by = (list: Item[], id: string) => list.find((i) => i.id === id)!;
  for (const id of ['node.version', 'config.loads', 'state.modes', 'store.opens', 'provider.configured', 'provider.reachable', 'disk.space']) {
    assert.equal(by(items, id).status, 'ok', `${id}: ${by(items, id).detail}`);
  }
  assert.ok(['ok', 'fail'].includes(by(items, 'sandbox.backend').status));
  if (by(items, 'sandbox.backend').status === 'ok') assert.equal(ok.code, 0, ok.stdout);

  await new Promise<void>((r) => server.close(() => r()));
  rmSync(join(h.home, 'hardshell.db'));
  const bad = await runCli(['doctor', '--json'], { ...env, HARDSHELL_SECRET_LOCAL: '' });
  assert.equal(bad.code, 1);
  const after: Item[] = JSON.parse(bad.stdout).items;
  assert.equal(by(after, 'store.opens').status, 'fail');
  assert.equal(by(after, 'store.opens').fix, 'Run hardshell init.');
  assert.equal(by(after, 'provider.reachable').status, 'fail');
  assert.match(by(after, 'provider.reachable').fix!, /baseUrl/);
  assert.equal(by(after, 'provider.configured').status, 'fail');
  assert.match(by(after, 'provider.configured').detail, /HARDSHELL_SECRET_LOCAL/);

  const offline = await runCli(['doctor', '--offline'], env);
  assert.match(offline.stdout, /- Provider reachable: not tried \(--offline\)/);
  assert.match(offline.stdout, /✗ Store: .* does not exist\n {4}fix: Run hardshell init\./);
});
