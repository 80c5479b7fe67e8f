// TLS: a key others can read stops the start (naming the file and the chmod), a renewed
// certificate is served without a restart, the self-signed pair is valid for loopback names,
// and the binding rules: off loopback only with TLS (or a trusted proxy) and a credential.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { startTestGateway } from './helpers.ts';
import { makeHome } from '../fixtures/home.ts';
import { ensureSelfSigned, makeSelfSigned } from '../../src/edge/self-signed.ts';
import { checkBind } from '../../src/edge/bind.ts';
import { configSchema } from '../../src/config/schema.ts';

function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerX509Certificate()!.fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

test('the self-signed pair: key 0600, certificate for localhost, 127.0.0.1 and ::1, reused until near expiry', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const pair = await ensureSelfSigned(home.home);
  assert.equal(pair.created, true);
  assert.equal(statSync(pair.key).mode & 0o777, 0o600);
  const x = new X509Certificate(readFileSync(pair.cert));
  assert.match(x.subjectAltName ?? '', /DNS:localhost/);
  assert.match(x.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  assert.ok(x.checkHost('localhost'));
  assert.ok(x.checkIP('127.0.0.1'));
  assert.equal((await ensureSelfSigned(home.home)).created, false);
});

test('a TLS key readable by others refuses the start, naming the file and chmod 600', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const pair = await ensureSelfSigned(home.home);
  chmodSync(pair.key, 0o644);
  await assert.rejects(
    startTestGateway(t, { gateway: { tls: { enabled: true, cert: pair.cert, key: pair.key } } }, {}, { home }),
    (err: Error) => err.name === 'GatewayStartError' && err.message.includes(pair.key) && err.message.includes(`chmod 600 ${pair.key}`) && err.message.includes('gateway.tls.key'),
  );
});

test('a mismatched certificate and key refuse the start', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const pair = await ensureSelfSigned(home.home);
  const other = await makeSelfSigned();
  writeFileSync(pair.cert, other.cert);
  await assert.rejects(startTestGateway(t, { gateway: { tls: { enabled: true, cert: pair.cert, key: pair.key } } }, {}, { home }), /cannot be used together/);
});

test('a renewed certificate is served without a restart; a broken one keeps the old', async (t) => {
  const gw = await startTestGateway(t, {}, {}, { tls: true });
  const port = Number(new URL(gw.url).port);
  const certFile = gw.home.home + '/tls/self-signed-cert.pem';
  const keyFile = gw.home.home + '/tls/self-signed-key.pem';
  const before = await servedFingerprint(port, gw.ca!);

  // A half-written pair (new cert, old key) is not taken.
  const renewed = await makeSelfSigned();
  writeFileSync(certFile, renewed.cert);
  await waitFor(() => gw.logs.some((l) => String(l.msg).includes('not reloaded')));
  assert.equal(await servedFingerprint(port, gw.ca!), before);

  writeFileSync(keyFile, renewed.key, { mode: 0o600 });
  await waitFor(() => gw.logs.some((l) => l.msg === 'TLS certificate reloaded'));
  const after = await servedFingerprint(port, renewed.cert);
  assert.notEqual(after, before);
  assert.equal(after, new X509Certificate(renewed.cert).fingerprint256);
});

test('binding rules: loopback always; elsewhere TLS or a trusted proxy, and a credential', () => {
  const cfg = (c: unknown) => configSchema.parse(c);
  checkBind(cfg({}), '127.0.0.1', false);
  checkBind(cfg({}), '::1', false);
  assert.throws(() => checkBind(cfg({}), '0.0.0.0', true), /gateway\.tls\.enabled.*gateway\.trustedProxies/s);
  assert.throws(() => checkBind(cfg({ gateway: { tls: { enabled: true } } }), '0.0.0.0', false), /hardshell token create.*security\.auth\.tokens/s);
  checkBind(cfg({ gateway: { tls: { enabled: true } } }), '0.0.0.0', true);
  checkBind(cfg({ gateway: { trustedProxies: ['10.0.0.2'] } }), '10.0.0.5', true);
  assert.throws(() => checkBind(cfg({ gateway: { trustedProxies: ['10.0.0.2'] } }), '10.0.0.5', false), /credential/);
});

async function waitFor(cond: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
