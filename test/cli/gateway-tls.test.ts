// `hardshell gateway --tls-self-signed` through the real command: it makes the pair under
// <state>/tls (key 0600), serves HTTPS with TLS 1.3 and HSTS, and its /readyz tells a token
// holder about the store, the model and the sandbox backend (the check only the CLI wires in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { makeHome } from '../fixtures/home.ts';
import { runCli, startCli } from '../fixtures/cli.ts';

const TOKEN = /hs_[A-Za-z0-9_-]{43}/;

interface Answer { status: number; headers: Record<string, unknown>; body: string; protocol: string | null }

function get(url: string, ca: string, token?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const protocol = (res.socket as TLSSocket).getProtocol();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('gateway --tls-self-signed: HTTPS with the pair it made, and /readyz names the sandbox backend', { timeout: 60_000 }, async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  const init = await runCli(['init'], h.env);
  assert.equal(init.code, 0, init.stderr);
  const token = TOKEN.exec(init.stdout)?.[0];
  assert.ok(token, 'init shows the token');

  const { child, done } = startCli(['gateway', '--tls-self-signed', '--port', '0'], h.env);
  t.after(() => { child.kill('SIGTERM'); return done.then(() => {}); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: string) => { out += d; const m = /listening on (\S+)/.exec(out); if (m) resolve(m[1]); });
    child.on('close', () => reject(new Error(`the gateway stopped: ${out}`)));
  });
  assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);

  const cert = join(h.home, 'tls', 'self-signed-cert.pem');
  assert.equal(statSync(join(h.home, 'tls', 'self-signed-key.pem')).mode & 0o777, 0o600);
  const ca = readFileSync(cert, 'utf8');

  const health = await get(`${url}/healthz`, ca);
  assert.equal(health.status, 200);
  assert.deepEqual(JSON.parse(health.body), { ok: true });
  assert.equal(health.protocol, 'TLSv1.3');
  assert.match(String(health.headers['strict-transport-security']), /max-age=\d+/);

  const ready = await get(`${url}/readyz`, ca, token);
  const body = JSON.parse(ready.body) as { ok: boolean; checks: Array<{ name: string; ok: boolean; detail: string }> };
  assert.deepEqual(body.checks.map((c) => c.name).sort(), ['model', 'sandbox', 'store']);
  const sandbox = body.checks.find((c) => c.name === 'sandbox')!;
  // Whether a backend works depends on the machine; either way the detail says which.
  assert.match(sandbox.detail, sandbox.ok ? /sandbox backends that work here: / : /no sandbox backend works here: /);
  // Strangers learn ok/not only.
  const anon = await get(`${url}/readyz`, ca);
  assert.deepEqual(Object.keys(JSON.parse(anon.body)), ['ok']);
});
