// Where the gateway may listen: loopback, or elsewhere only with TLS (or a trusted proxy) and a
// credential. A refusal says which key to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { isLoopback } from '../../src/edge/bind.ts';
import { startGateway } from '../../src/edge/server.ts';
import { configSchema } from '../../src/config/schema.ts';
import { startTestGateway } from './helpers.ts';

test('loopback addresses are told apart from everything else', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', '128.0.0.1', '', 'localhost.example.com']) assert.ok(!isLoopback(h), h);
});

test('binding to 0.0.0.0 without TLS is refused, naming gateway.bind and gateway.tls.enabled', async (t) => {
  await assert.rejects(startTestGateway(t, { gateway: { bind: '0.0.0.0' } }).then((gw) => gw.gateway.close()), (err: Error) => {
    assert.equal(err.name, 'GatewayStartError');
    assert.match(err.message, /0\.0\.0\.0/);
    assert.match(err.message, /gateway\.bind/);
    assert.match(err.message, /gateway\.tls\.enabled/);
    assert.match(err.message, /127\.0\.0\.1/);
    return true;
  });
});

test('--bind (opts.host) is checked the same way as gateway.bind', async (t) => {
  const gw = await startTestGateway(t);
  const deps = { config: configSchema.parse({}), runner: gw.runner, sessions: gw.sessions, tokens: gw.tokens };
  await assert.rejects(startGateway(deps, { port: 0, host: '192.168.1.10' }), /192\.168\.1\.10 \(gateway\.bind\)/);
});

test('gateway.tls.enabled with a missing key file refuses to start, naming gateway.tls.key', async (t) => {
  await assert.rejects(
    startTestGateway(t, { gateway: { tls: { enabled: true, cert: '/tmp/none.pem', key: '/tmp/none.key' } } }),
    /TLS key \/tmp\/none\.key \(gateway\.tls\.key\)/,
  );
  await assert.rejects(startTestGateway(t, { gateway: { tls: { enabled: true } } }), /gateway\.tls\.cert is not set/);
});

test('a port already in use is a clear error, not a crash', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as { port: number }).port;
  const gw = await startTestGateway(t);
  const deps = { config: configSchema.parse({}), runner: gw.runner, sessions: gw.sessions, tokens: gw.tokens };
  await assert.rejects(
    startGateway(deps, { port, host: '127.0.0.1' }),
    (err: Error) => err.name === 'GatewayStartError' && err.message.includes(`port ${port}`) && err.message.includes('gateway.port'),
  );
});
