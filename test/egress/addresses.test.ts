// Address rules, table-driven: every range the egress refuses, the IPv6 spellings that carry
// a refused IPv4 address, and public addresses that must stay reachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { refusedAddress, parseIP, parseIPv6, validateRanges, DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';

test('refused by default, with the range named', () => {
  const cases: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['::1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['10.0.0.1', /private/],
    ['10.255.255.255', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local \(cloud metadata\)/],
    ['169.254.0.1', /link-local/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['192.0.2.1', /documentation/],
    ['198.51.100.1', /documentation/],
    ['203.0.113.9', /documentation/],
    ['2001:db8::1', /documentation/],
    ['198.18.0.1', /benchmarking/],
    // IPv6 forms that carry a refused IPv4 address.
    ['::ffff:127.0.0.1', /IPv4-mapped form of 127\.0\.0\.1, loopback/],
    ['::ffff:7f00:1', /IPv4-mapped form of 127\.0\.0\.1, loopback/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped form of 169\.254\.169\.254/],
    ['::ffff:10.1.2.3', /IPv4-mapped form of 10\.1\.2\.3, private/],
    ['::127.0.0.1', /IPv4-compatible form of 127\.0\.0\.1/],
    ['::ffff:0:7f00:1', /IPv4-translated form of 127\.0\.0\.1/],
    ['64:ff9b::10.0.0.1', /NAT64 form of 10\.0\.0\.1, private/],
    ['64:ff9b::a9fe:a9fe', /NAT64 form of 169\.254\.169\.254/],
    ['2002:7f00:1::', /6to4 form of 127\.0\.0\.1/],
    ['2002:c0a8:0101::1', /6to4 form of 192\.168\.1\.1/],
    ['2002:a00:1::', /6to4 form of 10\.0\.0\.1/],
    // Mapped forms of public addresses are refused too: no host answers with them honestly.
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['64:ff9b:1::1', /local-use NAT64/],
    ['2001::1', /Teredo/],
    // Not an address at all: refused.
    ['example.com', /not an IP address/],
    ['010.0.0.1', /not an IP address/],
    ['fe80::1%eth0', /not an IP address/],
  ];
  for (const [address, reason] of cases) assert.match(refusedAddress(address) ?? '(allowed)', reason, address);
});

test('public addresses are not refused', () => {
  for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1',
    '169.253.0.1', '2606:4700::1111', '2a00:1450:4001::1', '64:ff9b::8.8.8.8', '2002:808:808::1']) {
    assert.equal(refusedAddress(address), null, address);
  }
});

test('the refused ranges can be narrowed by gateway code (the test escape hatch)', () => {
  const ranges = DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '203.0.113.0/24');
  assert.equal(refusedAddress('203.0.113.2', ranges), null);
  assert.match(refusedAddress('127.0.0.1', ranges) ?? '', /loopback/);
  assert.match(refusedAddress('::ffff:203.0.113.2', ranges) ?? '', /IPv4-mapped/);
  assert.throws(() => validateRanges([{ cidr: '10.0.0.0/33', label: 'x' }]), /not an address range/);
  assert.throws(() => validateRanges([{ cidr: 'nonsense', label: 'x' }]), /not an address range/);
});

test('IPv6 parser: compressed, full, IPv4 tails; rejects the malformed', () => {
  const hex = (s: string) => Buffer.from(parseIPv6(s) ?? []).toString('hex');
  assert.equal(hex('::1'), '00000000000000000000000000000001');
  assert.equal(hex('[::1]'), '00000000000000000000000000000001');
  assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  assert.equal(hex('1::8'), '00010000000000000000000000000008');
  assert.equal(hex('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
  for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '12345::', '::ffff:1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'g::1', '']) {
    assert.equal(parseIPv6(bad), null, bad);
  }
  assert.equal(parseIP('1.2.3.4')?.length, 4);
  assert.equal(parseIP('1.2.3'), null);
});

test('property: every IPv6 form of a refused IPv4 address is refused too', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
  fc.assert(fc.property(v4, ([a, b, c, d]) => {
    const dotted = `${a}.${b}.${c}.${d}`;
    if (refusedAddress(dotted) === null) return;
    for (const form of [`::ffff:${dotted}`, `::ffff:${hex(a, b)}:${hex(c, d)}`, `64:ff9b::${dotted}`, `2002:${hex(a, b)}:${hex(c, d)}::1`]) {
      assert.notEqual(refusedAddress(form), null, form);
    }
  }), { numRuns: 2000 });
});
