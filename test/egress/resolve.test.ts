// Resolution and the destination decision: every answer checked (rebinding), literals not
// looked up, unlisted names never reach the resolver, ports limited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePinned, type Lookup } from '../../src/egress/resolve.ts';
import { checkDestination, auditEvent, type EgressAudit } from '../../src/egress/destination.ts';
import type { AuditSink } from '../../src/audit/types.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';

const noTestNet = DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '203.0.113.0/24');

test('a name is pinned to its checked address; one refused answer refuses the lot', async () => {
  const hosts = {
    'ok.test': ['203.0.113.2', '203.0.113.3'],
    'loop.test': ['127.0.0.1'],
    'rebind.test': ['203.0.113.2', '10.0.0.5'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'meta.test': ['169.254.169.254'],
    'bad.test': ['not-an-ip'],
  };
  const opts = { hosts, refusedRanges: noTestNet };
  assert.deepEqual(await resolvePinned('ok.test', opts), { ok: true, address: '203.0.113.2', family: 4, answers: ['203.0.113.2', '203.0.113.3'] });
  const cases: Array<[string, RegExp]> = [
    ['loop.test', /loop\.test resolves to 127\.0\.0\.1, a refused address \(loopback\)/],
    ['rebind.test', /resolves to 10\.0\.0\.5, a refused address \(private\)/],
    ['mapped.test', /IPv4-mapped form of 127\.0\.0\.1/],
    ['meta.test', /cloud metadata/],
    ['bad.test', /could not be resolved/],
    ['missing.test', /missing\.test could not be resolved \(ENOTFOUND\)/],
  ];
  for (const [host, reason] of cases) {
    const r = await resolvePinned(host, opts);
    assert.equal(r.ok, false, host);
    if (!r.ok) assert.match(r.reason, reason, host);
  }
  // Without the escape hatch, the TEST-NET address itself is refused.
  assert.equal((await resolvePinned('ok.test', { hosts })).ok, false);
});

test('IP literals are checked without a lookup', async () => {
  let called = 0;
  const lookup: Lookup = async () => { called++; return [{ address: '203.0.113.2', family: 4 }]; };
  assert.equal((await resolvePinned('127.0.0.1', { lookup })).ok, false);
  assert.equal((await resolvePinned('[::1]', { lookup })).ok, false);
  assert.deepEqual(await resolvePinned('[2606:4700::1111]', { lookup }), { ok: true, address: '2606:4700::1111', family: 6, answers: ['2606:4700::1111'] });
  assert.equal(called, 0);
});

test('a resolver that does not answer is cut off by the signal', async () => {
  const lookup: Lookup = () => new Promise(() => {});
  const r = await resolvePinned('slow.test', { lookup }, AbortSignal.timeout(50));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /took too long/);
});

test('destination: unlisted names never reach the resolver; ports are limited', async () => {
  const looked: string[] = [];
  const lookup: Lookup = async (h) => { looked.push(h); return [{ address: '203.0.113.2', family: 4 }]; };
  const rules = { allowedDomains: ['docs.example.test'], deniedDomains: ['*.evil.test'], lookup, refusedRanges: noTestNet, allowlistKey: 'tools.web.fetch.allowedDomains' };

  const denied = await checkDestination('evil.example', 443, rules);
  assert.deepEqual(denied, { ok: false, host: 'evil.example', port: 443, reason: 'evil.example is not in tools.web.fetch.allowedDomains' });
  assert.equal((await checkDestination('docs.example.test', 8443, rules)).reason, 'port 8443 is not allowed (allowed: 80, 443)');
  assert.match((await checkDestination('x.evil.test', 443, { ...rules, allowedDomains: ['*.test'] })).reason, /deny entry "\*\.evil\.test"/);
  assert.match((await checkDestination('x.test', 443, { allowedDomains: [] })).reason, /the list is empty/);
  assert.deepEqual(looked, []);

  const ok = await checkDestination('DOCS.example.test.', 443, rules);
  assert.equal(ok.ok, true);
  assert.deepEqual(looked, ['docs.example.test']);
  assert.deepEqual(auditEvent(ok, 'fetch', 'call-1'), {
    kind: 'egress', action: 'connect', decision: 'allow', via: 'fetch', host: 'docs.example.test', port: 443,
    address: '203.0.113.2', callId: 'call-1', reason: 'docs.example.test is allowed by "docs.example.test" in tools.web.fetch.allowedDomains',
  });
});

test('the audit sink of the audit room can be handed to egress as is (a compile-time check)', () => {
  const seen: unknown[] = [];
  const sink: AuditSink = (record) => { seen.push(record); };
  const audit: EgressAudit = sink;
  audit({ kind: 'egress', action: 'connect', decision: 'deny', via: 'proxy', host: 'x.test', port: 443, reason: 'r' });
  assert.equal(seen.length, 1);
});
