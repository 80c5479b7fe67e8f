// Guarded fetch against real servers: a "public" upstream in a network namespace (TEST-NET-3)
// and a loopback listener standing for everything private. Each refusal is audited, and the
// listener it would have reached received nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { guardedFetch, EgressError, type GuardedFetchOptions } from '../../src/egress/guarded-fetch.ts';
import type { EgressAuditEvent } from '../../src/egress/destination.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';
import { makePublicHost, makeCert, netnsUnavailable, settle, type PublicHost, type TestCert } from './netns.ts';

const unavailable = await netnsUnavailable();

describe('guarded fetch', { skip: unavailable ?? false }, () => {
  let pub: PublicHost;
  let cert: TestCert;
  let loopback: net.Server;
  let loopPort = 0;
  let loopConnections = 0;
  let rules: GuardedFetchOptions;
  const audit: EgressAuditEvent[] = [];

  before(async () => {
    loopback = net.createServer((s) => { loopConnections++; s.destroy(); });
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    loopPort = (loopback.address() as AddressInfo).port;
    cert = await makeCert(['docs.example.test', 'www.example.test']);
    pub = await makePublicHost();
    await pub.startUpstream({ http: [80, 8080], https: [443], cert: cert.cert, key: cert.key });
    rules = {
      allowedDomains: ['docs.example.test', 'www.example.test', 'loop.example.test', '127.0.0.1'],
      allowlistKey: 'tools.web.fetch.allowedDomains',
      hosts: {
        'docs.example.test': [pub.address],
        'www.example.test': [pub.address],
        'unlisted.example.test': [pub.address],
        'loop.example.test': ['127.0.0.1'],
      },
      // The escape hatch: the namespace's TEST-NET-3 address stands for the public internet.
      refusedRanges: DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '203.0.113.0/24'),
      ports: [80, 443, loopPort],
      ca: cert.certPem,
      audit: (e) => audit.push(e),
      callId: 'call-7',
      timeoutMs: 5000,
    };
  });

  after(async () => {
    await pub?.cleanup();
    await cert?.cleanup();
    await new Promise((resolve) => loopback?.close(resolve));
  });

  const connectionsTo = (port: number) => pub.log.filter((e) => e.event === 'connection' && e.port === port).length;

  async function refused(url: string, reason: RegExp, extra: Partial<GuardedFetchOptions> = {}): Promise<EgressAuditEvent[]> {
    const before = audit.length;
    await assert.rejects(guardedFetch(url, { ...rules, ...extra }), (err: unknown) => {
      assert.ok(err instanceof EgressError, String(err));
      assert.equal(err.refused, true);
      assert.match(err.message, reason);
      return true;
    });
    const events = audit.slice(before);
    const last = events.at(-1);
    assert.equal(last?.decision, 'deny');
    assert.match(last?.reason ?? '', reason);
    assert.equal(last?.callId, 'call-7');
    return events;
  }

  test('an allowed name works over http and https, pinned to the checked address', async () => {
    const before = audit.length;
    const res = await guardedFetch('http://docs.example.test/', rules);
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /<h1>Hello<\/h1>/);
    assert.equal(res.url, 'http://docs.example.test/');
    assert.deepEqual(audit.slice(before), [{
      kind: 'egress', action: 'connect', decision: 'allow', via: 'fetch', host: 'docs.example.test', port: 80,
      address: pub.address, callId: 'call-7', reason: 'docs.example.test is allowed by "docs.example.test" in tools.web.fetch.allowedDomains',
    }]);
    // TLS checks the certificate against the name while the socket goes to the pinned address.
    const secure = await guardedFetch('https://docs.example.test/echo', rules);
    assert.equal(secure.status, 200);
    assert.equal(JSON.parse(secure.body.toString()).headers.host, 'docs.example.test');
  });

  test('a name not on the list is refused before any lookup or connection', async () => {
    await settle();
    const seen = connectionsTo(80);
    await refused('http://unlisted.example.test/', /^unlisted\.example\.test is not in tools\.web\.fetch\.allowedDomains$/);
    await settle();
    assert.equal(connectionsTo(80), seen);
  });

  test('an allowed name that resolves to 127.0.0.1 is refused; the loopback listener gets nothing', async () => {
    await refused(`http://loop.example.test:${loopPort}/`, /resolves to 127\.0\.0\.1, a refused address \(loopback\)/);
    await refused(`http://127.0.0.1:${loopPort}/`, /127\.0\.0\.1 is a refused address \(loopback\)/);
    await refused(`http://[::ffff:127.0.0.1]:${loopPort}/`, /not in/);
    assert.equal(loopConnections, 0);
  });

  test('a redirect from an allowed host to a private address is refused at the hop', async () => {
    for (const to of [`http://127.0.0.1:${loopPort}/secret`, `http://loop.example.test:${loopPort}/secret`]) {
      const events = await refused(`http://docs.example.test/redirect?to=${encodeURIComponent(to)}`, /refused address \(loopback\)/);
      assert.deepEqual(events.map((e) => e.decision), ['allow', 'deny']);
    }
    await refused(`http://docs.example.test/redirect?to=${encodeURIComponent('http://unlisted.example.test/')}`, /not in tools\.web\.fetch\.allowedDomains/);
    await refused(`http://docs.example.test/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`, /not in/);
    await refused(`http://docs.example.test/redirect?to=${encodeURIComponent('file:///etc/passwd')}`, /only http and https/);
    await refused(`https://docs.example.test/redirect?to=${encodeURIComponent('http://docs.example.test/')}`, /from https to plain http/);
    assert.equal(loopConnections, 0);
  });

  test('a port that is not allowed is refused; the listener on it gets nothing', async () => {
    await settle();
    await refused('http://docs.example.test:8080/', /port 8080 is not allowed \(allowed: 80, 443, \d+\)/);
    await settle();
    assert.equal(connectionsTo(8080), 0);
  });

  test('other schemes and credentials in the URL are refused and audited', async () => {
    await refused('file:///etc/passwd', /only http and https/);
    await refused('ftp://docs.example.test/', /only http and https/);
    await refused('http://user:pw@docs.example.test/', /user name or password/);
    await refused('not a url', /not a valid URL/);
  });

  test('redirects are followed within the cap; credentials stay with their origin', async () => {
    const res = await guardedFetch(`http://docs.example.test/redirect?to=${encodeURIComponent('http://www.example.test/echo')}`, {
      ...rules, headers: { authorization: 'Bearer s3cret', 'x-keep': 'yes', host: 'evil.test', 'proxy-authorization': 'x' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.redirects, ['http://www.example.test/echo']);
    const echoed = JSON.parse(res.body.toString()).headers;
    assert.equal(echoed.authorization, undefined);
    assert.equal(echoed['proxy-authorization'], undefined);
    assert.equal(echoed.host, 'www.example.test');
    assert.equal(echoed['x-keep'], 'yes');

    await assert.rejects(guardedFetch('http://docs.example.test/loop', { ...rules, maxRedirects: 3 }), (err: unknown) => {
      assert.ok(err instanceof EgressError);
      assert.equal(err.refused, false);
      assert.match(err.message, /stopped after 3 redirects/);
      return true;
    });
  });

  test('303 turns a POST into a GET without its body', async () => {
    const res = await guardedFetch(`http://docs.example.test/redirect?status=303&to=${encodeURIComponent('/echo')}`, { ...rules, method: 'POST', body: 'data' });
    const echoed = JSON.parse(res.body.toString());
    assert.equal(echoed.method, 'GET');
    assert.equal(echoed.body, '');
    const kept = await guardedFetch(`http://docs.example.test/redirect?status=307&to=${encodeURIComponent('/echo')}`, { ...rules, method: 'POST', body: 'data' });
    assert.equal(JSON.parse(kept.body.toString()).body, 'data');
  });

  test('the body is cut at maxBytes (also after decompression); slow hosts hit the time cap', async () => {
    const big = await guardedFetch('http://docs.example.test/big?bytes=2000000', { ...rules, maxBytes: 10_000 });
    assert.equal(big.truncated, true);
    assert.equal(big.body.length, 10_000);
    const whole = await guardedFetch('http://docs.example.test/big?bytes=5000', rules);
    assert.equal(whole.truncated, false);
    assert.equal(whole.body.length, 5000);

    const zipped = await guardedFetch('http://docs.example.test/gzip', rules);
    assert.equal(zipped.body.toString(), 'unzipped text '.repeat(100));
    const zippedCut = await guardedFetch('http://docs.example.test/gzip', { ...rules, maxBytes: 100 });
    assert.equal(zippedCut.truncated, true);
    assert.equal(zippedCut.body.length, 100);

    await assert.rejects(guardedFetch('http://docs.example.test/slow', { ...rules, timeoutMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof EgressError);
      assert.equal(err.refused, false);
      assert.match(err.message, /did not answer within 300 ms/);
      return true;
    });
  });
});

test('without the escape hatch, the TEST-NET address itself is refused (no traffic sent)', async () => {
  const audit: EgressAuditEvent[] = [];
  await assert.rejects(guardedFetch('http://docs.example.test/', {
    allowedDomains: ['docs.example.test'], hosts: { 'docs.example.test': ['203.0.113.2'] }, audit: (e) => audit.push(e),
  }), /203\.0\.113\.2, a refused address \(documentation \(TEST-NET-3\)\)/);
  assert.equal(audit[0]?.decision, 'deny');
});
