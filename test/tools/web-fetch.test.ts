// web_fetch end to end through runTool, against a real upstream on 127.0.0.1. The loopback
// range is lifted for the instance that fetches (gateway-set, the test escape hatch); the
// instance with the default ranges shows that the same name is then refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runTool } from '../../src/agent/run-tool.ts';
import { createWebFetchTool, webFetchTool, type WebFetchPort } from '../../src/tools/web-fetch.ts';
import type { ToolContext } from '../../src/tools/types.ts';
import type { EgressAuditEvent } from '../../src/egress/destination.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';
import { startUpstream, type Upstream, type UpstreamLog } from '../egress/upstream-server.ts';

let upstream: Upstream;
let port = 0;
const log: UpstreamLog[] = [];
const audit: Array<EgressAuditEvent & { agentId: string; sessionId: string }> = [];

before(async () => {
  upstream = await startUpstream({ address: '127.0.0.1', http: [0], log: (e) => log.push(e) });
  port = upstream.ports.http[0];
});
after(() => upstream.close());

const webFetch: WebFetchPort = {
  allowedDomains: ['docs.example.test', 'loop.example.test'],
  callId: 'call-42',
  audit: (e) => audit.push(e),
};
const ctx = { workspace: '/nonexistent', agentId: 'main', sessionId: 's-1', signal: new AbortController().signal, webFetch } as ToolContext;
const hosts = { 'docs.example.test': ['127.0.0.1'], 'loop.example.test': ['127.0.0.1'], 'evil.example': ['127.0.0.1'] };
const lifted = () => createWebFetchTool(undefined, {
  hosts, ports: [port], refusedRanges: DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '127.0.0.0/8'),
});
const strict = () => createWebFetchTool(undefined, { hosts, ports: [port] });
const url = (path: string, host = 'docs.example.test') => `http://${host}:${port}${path}`;

test('an allowed page comes back as markdown, marked as web content, audited with the call', async () => {
  const before = audit.length;
  const r = await runTool(lifted(), { url: url('/') }, ctx);
  assert.equal(r.ok, true, r.output);
  assert.equal(r.source, `web:${url('/')}`);
  assert.equal(r.output, [
    `URL: ${url('/')}`,
    'Status: 200 OK',
    'Content-Type: text/html',
    'Title: Test & Page',
    '',
    '# Hello',
    '',
    `First para with [a link](${url('/next')}).`,
  ].join('\n'));
  assert.doesNotMatch(r.output, /do-not-show|color: red|comment/);
  assert.deepEqual(audit.slice(before).map((e) => [e.decision, e.callId, e.agentId, e.sessionId, e.host]), [['allow', 'call-42', 'main', 's-1', 'docs.example.test']]);
});

test('text mode, maxChars, and non-HTML content', async () => {
  const text = await runTool(lifted(), { url: url('/'), extractMode: 'text' }, ctx);
  assert.match(text.output, /\n\nHello\n\nFirst para with a link\.$/);

  const cut = await runTool(lifted(), { url: url('/big?bytes=5000'), maxChars: 100 }, ctx);
  assert.ok(cut.ok);
  assert.match(cut.output, /\n\na{100}\n\n\[showing the first 100 of 5000 characters\]$/);

  const json = await runTool(lifted(), { url: url('/echo') }, ctx);
  assert.match(json.output, /Content-Type: application\/json\n\n\{"method":"GET"/);

  const bin = await runTool(lifted(), { url: url('/binary') }, ctx);
  assert.match(bin.output, /\[the response is image\/png \(4 bytes\), not text; not shown\]$/);

  const after = await runTool(lifted(), { url: url(`/redirect?to=${encodeURIComponent('/')}`) }, ctx);
  assert.match(after.output, /Redirects: 1/);
  assert.equal(after.source, `web:${url('/')}`);
});

test('refusals are one clear sentence, audited, and nothing reaches the server', async () => {
  const seen = log.length;
  const cases: Array<[unknown, string | RegExp]> = [
    [{ url: url('/', 'evil.example') }, 'web_fetch refused: evil.example is not in tools.web.fetch.allowedDomains'],
    [{ url: 'file:///etc/passwd' }, /^web_fetch refused: only http and https URLs may be fetched/],
    [{ url: `http://127.0.0.1:${port}/` }, /^web_fetch refused: 127\.0\.0\.1 is not in tools\.web\.fetch\.allowedDomains$/],
  ];
  for (const [args, want] of cases) {
    const r = await runTool(lifted(), args, ctx);
    assert.equal(r.ok, false);
    assert.equal(r.source, undefined);
    if (typeof want === 'string') assert.equal(r.output, want);
    else assert.match(r.output, want);
  }
  const loop = await runTool(strict(), { url: url('/', 'loop.example.test') }, ctx);
  assert.equal(loop.output, 'web_fetch refused: loop.example.test resolves to 127.0.0.1, a refused address (loopback)');
  assert.equal(log.length, seen);
  assert.ok(audit.filter((e) => e.decision === 'deny').length >= 4);
});

test('a redirect to a host that is not allowed is refused at the hop', async () => {
  const r = await runTool(lifted(), { url: url(`/redirect?to=${encodeURIComponent(url('/', 'evil.example'))}`) }, ctx);
  assert.equal(r.output, 'web_fetch refused: evil.example is not in tools.web.fetch.allowedDomains');
});

test('without the turn wiring the allowlist is empty: everything is refused', async () => {
  const bare = { workspace: '/nonexistent', agentId: 'main', sessionId: 's-1', signal: new AbortController().signal };
  const r = await runTool(webFetchTool, { url: 'https://example.com/' }, bare);
  assert.equal(r.output, 'web_fetch refused: example.com is not in tools.web.fetch.allowedDomains (the list is empty, so no host may be reached)');
});

test('arguments are validated: OpenClaw\'s names only', async () => {
  assert.match((await runTool(webFetchTool, { url: 'https://x.test/', maxChars: 5 }, ctx)).output, /invalid arguments for web_fetch: maxChars/);
  assert.match((await runTool(webFetchTool, { url: 'https://x.test/', extractMode: 'html' }, ctx)).output, /extractMode/);
  assert.match((await runTool(webFetchTool, { url: 'https://x.test/', method: 'POST' }, ctx)).output, /invalid arguments/);
  assert.equal(webFetchTool.sideEffect, false);
  assert.equal(webFetchTool.untrustedSource?.({ url: 'https://x.test/' }), 'web:https://x.test/');
});
