// Host allowlist and URL block patterns, table-driven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHost, normalizeHost, parseEntry, entryProblem, compileBlockPattern, blockedBy } from '../../src/egress/allowlist.ts';

test('hosts are normalized: case, trailing dot, IDN, IPv6 spelling', () => {
  const cases: Array<[string, string | null]> = [
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['bücher.de', 'xn--bcher-kva.de'],
    ['ＥＸＡＭＰＬＥ.com', 'example.com'],
    ['[::1]', '[::1]'],
    ['0:0:0:0:0:0:0:1', '[::1]'],
    ['[0:0::1]', '[::1]'],
    ['::ffff:127.0.0.1', '[::ffff:7f00:1]'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['', null],
    ['.example.com', null],
    ['a..b', null],
    ['exa mple.com', null],
    ['user@example.com', null],
    ['example.com:443', null],
    ['exa%41mple.com', null],
    ['*.example.com', null],
    ['256.1.1.1', null],
    ['[fe80::1%eth0]', null],
  ];
  for (const [input, want] of cases) assert.equal(normalizeHost(input), want, input);
});

test('exact and *.suffix entries; deny wins; empty list allows nothing', () => {
  const allowedDomains = ['docs.example.com', '*.example.org', 'Bücher.de', '203.0.113.7', '[2001:db8::1]', 'TRAILING.example.'];
  const deniedDomains = ['*.admin.example.org', 'blocked.example.org'];
  const cases: Array<[string, boolean, string?]> = [
    ['docs.example.com', true],
    ['DOCS.Example.Com.', true],
    ['example.com', false],
    ['api.docs.example.com', false],
    ['badexample.com', false],
    ['docs.example.com.evil.net', false],
    ['a.example.org', true],
    ['a.b.example.org', true],
    ['example.org', false],
    ['badexample.org', false],
    ['xexample.org', false],
    ['blocked.example.org', false, 'denied'],
    ['x.admin.example.org', false, 'denied'],
    ['admin.example.org', true],
    ['xn--bcher-kva.de', true],
    ['bücher.de', true],
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['[2001:db8::1]', true],
    ['[2001:db8:0::1]', true],
    ['trailing.example', true],
    ['', false, 'invalid'],
    ['a b', false, 'invalid'],
  ];
  for (const [host, allowed, why] of cases) {
    const v = checkHost(host, { allowedDomains, deniedDomains });
    assert.equal(v.allowed, allowed, host);
    if (why && !v.allowed) assert.equal(v.why, why, host);
  }
  assert.equal(checkHost('example.com', { allowedDomains: [] }).allowed, false);
});

test('IP literals match only when listed literally, never through a wildcard', () => {
  const rules = { allowedDomains: ['*.0.0.1', '*.1', '*.example.com'] };
  for (const host of ['127.0.0.1', '10.0.0.1', '[::1]', '0x7f.1']) assert.equal(checkHost(host, rules).allowed, false, host);
  assert.equal(checkHost('0x7f.1', { allowedDomains: ['127.0.0.1'] }).allowed, true);
  assert.equal(parseEntry('*.127.0.0.1'), null);
});

test('entries that can never match are reported with a reason', () => {
  assert.equal(entryProblem('example.com'), null);
  assert.equal(entryProblem('*.example.com'), null);
  assert.match(entryProblem('*') ?? '', /not accepted/);
  assert.match(entryProblem('https://example.com') ?? '', /is a URL/);
  assert.match(entryProblem('exa*mple.com') ?? '', /not a host name/);
  assert.match(entryProblem('*.*.example.com') ?? '', /not a host name/);
  // A broken entry never matches anything, not even by accident.
  assert.equal(checkHost('example.com', { allowedDomains: ['*', 'https://example.com'] }).allowed, false);
});

test('block patterns: scheme://host-glob/path-glob', () => {
  const patterns = ['*://admin.*', '*://internal.*', 'https://*.example.com/admin/*', 'http://plain.example/*'].map(compileBlockPattern);
  const cases: Array<[string, string | null]> = [
    ['https://admin.example.com/', '*://admin.*'],
    ['http://ADMIN.example.com/x', '*://admin.*'],
    ['https://internal.corp/', '*://internal.*'],
    ['https://docs.example.com/', null],
    ['https://notadmin.example.com/', null],
    ['https://www.example.com/admin/users', 'https://*.example.com/admin/*'],
    ['https://www.example.com/administrator', null],
    ['http://www.example.com/admin/users', null],
    ['http://plain.example/anything', 'http://plain.example/*'],
    ['https://plain.example/anything', null],
  ];
  for (const [url, want] of cases) assert.equal(blockedBy(patterns, new URL(url))?.raw ?? null, want, url);
  // With only a host known (a CONNECT), only the patterns without a path can apply.
  assert.equal(blockedBy(patterns, new URL('https://admin.example.com/'), true)?.raw, '*://admin.*');
  assert.equal(blockedBy(patterns, new URL('https://www.example.com/admin/x'), true), null);
});

test('malformed block patterns are refused with the expected form', () => {
  for (const bad of ['admin.*', '://x', '*://', '*://user@host', '*://host:8080/']) {
    assert.throws(() => compileBlockPattern(bad), /block pattern/, bad);
  }
});
