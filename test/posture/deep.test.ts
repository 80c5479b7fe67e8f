// `security audit --deep` asks the running gateway: with hardshell's own gateway up, auth is
// enforced and /healthz says only ok; with none running, it says so (info) and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli, startCli } from '../fixtures/cli.ts';
import { freePort } from '../fixtures/ports.ts';
import { makeSelfSigned } from '../../src/edge/self-signed.ts';

test('--deep against a running hardshell gateway finds auth enforced and /healthz quiet', async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  assert.equal((await runCli(['init'], h.env)).code, 0);
  const port = await freePort();
  const config = join(h.home, 'hardshell.json');
  writeFileSync(config, readFileSync(config, 'utf8').replace('port: 18789', `port: ${port}`));

  const idle = await runCli(['security', 'audit', '--deep', '--json', '--skip', 'host', '--dir', h.home], h.env);
  const idleIds = JSON.parse(idle.stdout).findings.map((f: { id: string }) => f.id);
  assert.ok(idleIds.includes('gateway.deep.not_running'));

  const { child, done } = startCli(['gateway'], h.env);
  t.after(() => { child.kill('SIGTERM'); return done.then(() => {}); });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: string) => { out += d; if (out.includes('listening on')) resolve(); });
    child.on('close', () => reject(new Error(`the gateway stopped: ${out}`)));
  });
  const res = await runCli(['security', 'audit', '--deep', '--json', '--skip', 'host', '--dir', h.home], h.env);
  const ids = JSON.parse(res.stdout).findings.map((f: { id: string }) => f.id);
  assert.deepEqual(ids.filter((id: string) => id.startsWith('gateway.deep.')), []);
  assert.equal(res.code, 0, res.stdout);
});

test('--deep over TLS with a self-signed pair: the gateway is found and checked, not taken for absent', async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  assert.equal((await runCli(['init'], h.env)).code, 0);
  const port = await freePort();
  const pair = await makeSelfSigned();
  mkdirSync(join(h.home, 'tls'), { mode: 0o700 });
  const cert = join(h.home, 'tls', 'cert.pem');
  const key = join(h.home, 'tls', 'key.pem');
  writeFileSync(cert, pair.cert, { mode: 0o644 });
  writeFileSync(key, pair.key, { mode: 0o600 });
  const config = join(h.home, 'hardshell.json');
  writeFileSync(config, readFileSync(config, 'utf8').replace('port: 18789', `port: ${port}`)
    .replace('tls: { enabled: false }', `tls: { enabled: true, cert: ${JSON.stringify(cert)}, key: ${JSON.stringify(key)} }`));

  const { child, done } = startCli(['gateway'], h.env);
  t.after(() => { child.kill('SIGTERM'); return done.then(() => {}); });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: string) => { out += d; if (out.includes('listening on https://')) resolve(); });
    let err = '';
    child.stderr!.on('data', (d: string) => { err += d; });
    child.on('close', () => reject(new Error(`the gateway stopped: ${out}${err}`)));
  });
  const res = await runCli(['security', 'audit', '--deep', '--json', '--skip', 'host', '--dir', h.home], h.env);
  const ids = JSON.parse(res.stdout).findings.map((f: { id: string }) => f.id);
  assert.deepEqual(ids.filter((id: string) => id.startsWith('gateway.deep.')), [], res.stdout);
});
