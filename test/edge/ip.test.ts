// Addresses are compared in one canonical form, so a rule cannot be dodged by writing the
// same address differently; X-Forwarded-For is believed only from a trusted proxy, and then
// only its right-most untrusted hop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IpRanges, normalizeIp, parseCidr } from '../../src/edge/ip.ts';
import { clientAddress } from '../../src/edge/client.ts';

test('addresses are normalised: mapped IPv4, brackets, zones, long IPv6 forms', () => {
  assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(normalizeIp('::FFFF:7f00:1'), '127.0.0.1');
  assert.equal(normalizeIp('[::1]'), '::1');
  assert.equal(normalizeIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(normalizeIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(normalizeIp('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(normalizeIp(' 10.0.0.1 '), '10.0.0.1');
  for (const bad of ['', 'localhost', 'x.ts.net', '10.0.0.256', '1.2.3', '::g', undefined]) assert.equal(normalizeIp(bad), undefined, String(bad));
});

test('CIDR ranges match IPv4, IPv6 and mapped forms alike', () => {
  const r = new IpRanges(['192.168.1.0/24', '10.0.0.0/8', '2001:db8::/32', '::ffff:172.16.0.0/108'], 'security.network.allowedIPs');
  for (const ip of ['192.168.1.7', '10.255.0.1', '2001:db8:1::5', '172.16.3.4']) assert.ok(r.has(normalizeIp(ip)!), ip);
  for (const ip of ['::ffff:10.1.2.3', '::ffff:c0a8:0101']) assert.ok(r.has(normalizeIp(ip)!), ip);
  for (const ip of ['192.168.2.1', '11.0.0.1', '127.0.0.1', '2001:db9::1', '::1', '172.32.0.1']) assert.ok(!r.has(normalizeIp(ip)!), ip);
  assert.throws(() => parseCidr('10.0.0.0/33', 'security.network.allowedIPs[0]'), /allowedIPs\[0\].*prefix/);
  assert.throws(() => parseCidr('example.com/8', 'x'), /not an IP address or CIDR/);
});

test('a mapped IPv6 form is the same address as its IPv4 form (property)', () => {
  fc.assert(fc.property(fc.ipV4(), (ip) => {
    assert.equal(normalizeIp(`::ffff:${ip}`), ip);
    assert.ok(new IpRanges([`${ip}/32`], 'x').has(normalizeIp(`::ffff:${ip}`)!));
  }));
});

test('X-Forwarded-For is ignored unless the socket is a trusted proxy', () => {
  const none = new IpRanges([], 'gateway.trustedProxies');
  assert.equal(clientAddress('127.0.0.1', '10.0.0.1', none, false).ip, '127.0.0.1');
  assert.equal(clientAddress('::ffff:203.0.113.9', '127.0.0.1', none, false).ip, '203.0.113.9');
});

test('behind trusted proxies the client is the right-most untrusted hop', () => {
  const trusted = new IpRanges(['127.0.0.1', '10.0.0.0/8'], 'gateway.trustedProxies');
  // The client wrote "1.1.1.1" itself; the proxy appended the real address.
  assert.equal(clientAddress('127.0.0.1', '1.1.1.1, 203.0.113.7', trusted, false).ip, '203.0.113.7');
  assert.equal(clientAddress('127.0.0.1', ['1.1.1.1', '203.0.113.7, 10.0.0.2'], trusted, false).ip, '203.0.113.7');
  assert.equal(clientAddress('127.0.0.1', '::ffff:203.0.113.7', trusted, false).ip, '203.0.113.7');
  // A hop that is not an address stops the walk at the last trustworthy one.
  assert.equal(clientAddress('127.0.0.1', '203.0.113.7, garbage', trusted, false).ip, '127.0.0.1');
  // Loopback pages get a key of their own.
  assert.equal(clientAddress('127.0.0.1', undefined, trusted, true).key, '127.0.0.1 (browser)');
  assert.equal(clientAddress('203.0.113.7', undefined, trusted, true).key, '203.0.113.7');
});
