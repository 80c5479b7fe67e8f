// The browser tool end to end: real Chromium in a real bwrap sandbox, its traffic through the
// egress proxy to a "public" host in a network namespace (TEST-NET-3), with seed 21's
// allowlist and block patterns. Attack pages try other hosts, admin.*, 127.0.0.1 and private
// addresses, directly and by redirect: each is refused and audited, and nothing reaches the
// listeners they aim at. Seeds 21 and 23, mode "off", and a missing sandbox or Chromium.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runTool } from '../../src/agent/run-tool.ts';
import { browserTool } from '../../src/tools/browser.ts';
import { BrowserSessions, type BrowserSettings, type PortRequest } from '../../src/tools/browser-session.ts';
import type { ToolContext } from '../../src/tools/types.ts';
import type { EgressAuditEvent } from '../../src/egress/destination.ts';
import { DEFAULT_REFUSED_RANGES } from '../../src/egress/addresses.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { effectiveAgent } from '../../src/config/agents.ts';
import { offeredTools } from '../../src/policy/tools.ts';
import { decide } from '../../src/policy/decide.ts';
import { allTools } from '../../src/tools/registry.ts';
import { resolveSandbox } from '../../src/sandbox/settings.ts';
import { BwrapBackend } from '../../src/sandbox/bwrap.ts';
import { CHROMIUM_PATH } from '../../src/sandbox/browser.ts';
import type { BackendName, SandboxBackend } from '../../src/sandbox/types.ts';
import { makeCert, makePublicHost, netnsUnavailable, type PublicHost, type TestCert } from '../egress/netns.ts';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { runDoctor } from '../../src/posture/doctor.ts';
import { bwrapMissing } from '../sandbox/helpers.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const seed = (name: string) => parseConfigText(readFileSync(join(SEEDS, name), 'utf8'), name, {}).config;

const missing = !existsSync(CHROMIUM_PATH) ? `Chromium is not installed (${CHROMIUM_PATH}; apt-get install chromium)` : await bwrapMissing();
const noNetns = await netnsUnavailable();
if (missing) process.stdout.write(`# browser tests skipped: ${missing}\n`);
else if (noNetns) process.stdout.write(`# browser tests against a public host skipped: ${noNetns}\n`);

type Audited = EgressAuditEvent & { agentId: string; sessionId: string };

/** Processes descended from this one whose command line names Chromium (the sandboxed browser's). */
function chromiumDescendants(): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    try {
      return ours(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CHROMIUM_PATH);
    } catch {
      return false;
    }
  });
}

describe('browser tool', { skip: missing ?? noNetns ?? false }, () => {
  let pub: PublicHost;
  let cert: TestCert;
  let home: string;
  let loopback: net.Server;
  let loopPort = 0;
  let loopConnections = 0;
  let sessions: BrowserSessions;
  const audit: Audited[] = [];
  const seed21 = seed('21-browser-domains.json5');
  // Seed 21's rules, with admin.* and internal.* hosts also allowed: the block patterns must
  // still win. Plus a pattern with a path, which only the gateway can see inside https.
  const settings: BrowserSettings = {
    ...seed21.browser,
    allowedDomains: [...seed21.browser.allowedDomains, 'admin.example.com', 'internal.example.com'],
    blockPatterns: [...seed21.browser.blockPatterns, '*://docs.example.com/private/*'],
  };
  let n = 0;
  const ctxFor = (sessionId: string, s: BrowserSettings = settings, sandbox = resolveSandbox('main', undefined)): ToolContext => ({
    workspace: '/nonexistent', agentId: 'main', sessionId, signal: new AbortController().signal,
    browser: sessions.port({ settings: s, sandbox, agentId: 'main', sessionId, callId: `call-${++n}` } satisfies PortRequest),
  });
  const call = (args: unknown, ctx: ToolContext) => runTool(browserTool, args, ctx);
  const page = (html: string, host = 'docs.example.com') => `http://${host}/page?html=${encodeURIComponent(html)}`;
  const denied = (from: number) => audit.slice(from).filter((e) => e.decision === 'deny');
  /** Refusals show up as the page loads its parts: wait for them (tests never assert on time). */
  async function waitFor(check: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(check(), `timed out waiting for ${what}: ${JSON.stringify(audit.slice(-6), null, 1)}`);
  }

  before(async () => {
    loopback = net.createServer((s) => { loopConnections++; s.destroy(); });
    await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
    loopPort = (loopback.address() as AddressInfo).port;
    pub = await makePublicHost();
    cert = await makeCert(['docs.example.com']);
    await pub.startUpstream({ http: [80], https: [443], cert: cert.cert, key: cert.key });
    home = await mkdtemp(join(tmpdir(), 'hardshell-browser-test-'));
    sessions = new BrowserSessions({
      home,
      audit: (e) => audit.push(e),
      egress: {
        hosts: {
          'docs.example.com': [pub.address], 'admin.example.com': [pub.address], 'internal.example.com': [pub.address],
          // An allowed name that answers with a loopback address: the proxy must refuse it.
          'api.stripe.com': ['127.0.0.1'],
        },
        // Gateway code lifts TEST-NET-3 for the namespace's "public" host; nothing else.
        refusedRanges: DEFAULT_REFUSED_RANGES.filter((r) => r.cidr !== '203.0.113.0/24'),
      },
    });
  });
  after(async () => {
    await sessions?.closeAll();
    await pub?.cleanup();
    await cert?.cleanup();
    loopback?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  test('an allowed page opens in the sandboxed browser and its text comes back as web content', async () => {
    const ctx = ctxFor('s-allowed');
    const url = page('<title>Docs</title><h1>Welcome</h1><p id="x">static</p><script>document.getElementById("x").textContent = "written by script"</script>');
    const r = await call({ action: 'navigate', url }, ctx);
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /^URL: http:\/\/docs\.example\.com\/page\?/);
    assert.match(r.output, /Title: Docs/);
    assert.match(r.output, /# Welcome/);
    assert.match(r.output, /written by script/, 'scripts ran: this is a browser, not a fetch');
    assert.equal(r.source, `web:${url}`);
    assert.ok(pub.log.some((e) => e.event === 'request' && e.url.startsWith('/page?')), 'the page came from the public host');
    const allowed = audit.find((e) => e.decision === 'allow' && e.via === 'proxy' && e.host === 'docs.example.com');
    assert.ok(allowed, 'the proxy audited the connection');
    assert.equal(allowed.address, pub.address);
    assert.equal(allowed.sessionId, 's-allowed');
    assert.ok(chromiumDescendants().length > 0, 'Chromium runs, as a child of the gateway');
  });

  test('click and type drive the page; a form submits to the allowed host', async () => {
    const ctx = ctxFor('s-form');
    const r = await call({ action: 'navigate', url: page('<form action="/echo"><input name="q" placeholder="search"><button type="submit">Go</button></form>') }, ctx);
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /input\[name="q"\] \(text\) "search"/);
    const typed = await call({ action: 'type', selector: 'input[name="q"]', text: 'hello world', submit: true }, ctx);
    assert.equal(typed.ok, true, typed.output);
    assert.match(typed.output, /URL: http:\/\/docs\.example\.com\/echo\?q=hello\+world/);
    assert.ok(pub.log.some((e) => e.event === 'request' && e.url === '/echo?q=hello+world'));
    const back = await call({ action: 'navigate', url: page('<a href="/page?html=second%20page">next</a>') }, ctx);
    assert.equal(back.ok, true, back.output);
    const clicked = await call({ action: 'click', selector: 'text=next' }, ctx);
    assert.equal(clicked.ok, true, clicked.output);
    assert.match(clicked.output, /second page/);
  });

  test('the model navigating to a disallowed or blocked URL is refused before anything is sent, and audited', async () => {
    const ctx = ctxFor('s-model');
    for (const [url, why] of [
      ['http://evil.example/', /evil\.example is not in browser\.allowedDomains/],
      ['http://admin.example.com/', /matches the block pattern "\*:\/\/admin\.\*" in browser\.blockPatterns/],
      ['https://internal.example.com/x', /block pattern "\*:\/\/internal\.\*"/],
      [`http://127.0.0.1:${loopPort}/`, /127\.0\.0\.1 is not in browser\.allowedDomains/],
      ['http://10.0.0.1/', /10\.0\.0\.1 is not in browser\.allowedDomains/],
      ['file:///etc/passwd', /only http and https/],
    ] as const) {
      const from = audit.length;
      const r = await call({ action: 'navigate', url }, ctx);
      assert.equal(r.ok, false, url);
      assert.match(r.output, /^browser refused: /);
      assert.match(r.output, why);
      assert.deepEqual(denied(from).map((e) => [e.via, e.callId?.startsWith('call-'), e.sessionId]), [['browser', true, 's-model']], url);
    }
    assert.equal(await ctx.browser!.close(), false, 'no browser was started for refused navigations');
  });

  test('a page loading other hosts, admin.*, 127.0.0.1, a private address and a WebSocket: every request refused and audited, nothing reached', async () => {
    const ctx = ctxFor('s-attack');
    const from = audit.length;
    const logFrom = pub.log.length;
    const attack = page(`<h1>Attack</h1>
      <img src="http://evil.example/e.png"><img src="http://admin.example.com/a.png"><img src="http://10.0.0.1/p.png">
      <script>fetch("http://127.0.0.1:${loopPort}/steal").catch(() => {}); fetch("http://internal.example.com/i").catch(() => {});
        new WebSocket("wss://ws.evil.example/socket");</script>`);
    const r = await call({ action: 'navigate', url: attack }, ctx);
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /# Attack/);
    const hosts = ['evil.example', 'admin.example.com', '10.0.0.1', '127.0.0.1', 'internal.example.com', 'ws.evil.example'];
    await waitFor(() => hosts.every((h) => denied(from).some((e) => e.host === h)), 'every refusal to be audited');
    for (const h of hosts) assert.equal(denied(from).find((e) => e.host === h)?.via, 'browser', h);
    process.stdout.write(`# refused at the proxy meanwhile (Chromium's own requests): ${JSON.stringify(denied(from).filter((e) => e.via === 'proxy').map((e) => e.host))}\n`);
    assert.equal(loopConnections, 0, 'nothing reached the loopback listener');
    const reached = pub.log.slice(logFrom).filter((e) => e.event === 'request').map((e) => (e as { headers: { host?: string } }).headers.host);
    assert.deepEqual([...new Set(reached)], ['docs.example.com'], 'only the allowed host was reached');
  });

  test('redirects to 127.0.0.1, a host off the list, a blocked host or a blocked path: the hop is refused in the gateway, audited, never sent', async () => {
    const ctx = ctxFor('s-redirect');
    for (const [to, why] of [
      [`http://127.0.0.1:${loopPort}/`, /127\.0\.0\.1 is not in browser\.allowedDomains/],
      ['http://evil.example/', /evil\.example is not in browser\.allowedDomains/],
      ['http://admin.example.com/', /block pattern "\*:\/\/admin\.\*"/],
      ['http://docs.example.com/private/report', /block pattern "\*:\/\/docs\.example\.com\/private\/\*"/],
    ] as const) {
      const from = audit.length;
      const logFrom = pub.log.length;
      const r = await call({ action: 'navigate', url: `http://docs.example.com/redirect?to=${encodeURIComponent(to)}` }, ctx);
      assert.equal(r.ok, false, r.output);
      assert.match(r.output, /^browser refused: /);
      const host = new URL(to).hostname;
      const hop = denied(from).find((e) => e.host === host && e.via === 'browser');
      assert.ok(hop, `the gateway refused the hop to ${to}: ${JSON.stringify(denied(from))}`);
      assert.match(hop.reason, why);
      assert.ok(!audit.slice(from).some((e) => e.via === 'proxy' && e.host === host && host !== 'docs.example.com'), 'the hop never reached the proxy');
      assert.deepEqual(pub.log.slice(logFrom).filter((e) => e.event === 'request').map((e) => (e as { url: string }).url), [`/redirect?to=${encodeURIComponent(to)}`]);
    }
    assert.equal(loopConnections, 0);
  });

  test('https goes through a CONNECT tunnel to the allowed host; TLS is end to end (a certificate Chromium does not trust is refused by Chromium)', async () => {
    const ctx = ctxFor('s-https');
    const from = audit.length;
    const logFrom = pub.log.length;
    const r = await call({ action: 'navigate', url: 'https://docs.example.com/' }, ctx);
    assert.equal(r.ok, false, r.output);
    assert.match(r.output, /ERR_CERT_AUTHORITY_INVALID/);
    const allowed = audit.slice(from).find((e) => e.decision === 'allow' && e.via === 'proxy' && e.host === 'docs.example.com');
    assert.equal(allowed?.port, 443);
    assert.ok(pub.log.slice(logFrom).some((e) => e.event === 'connection' && e.port === 443), 'the tunnel reached the host');
    await ctx.browser!.close();
  });

  test('an allowed name that resolves to 127.0.0.1 is refused by the proxy (DNS rules)', async () => {
    const ctx = ctxFor('s-dns');
    const from = audit.length;
    const r = await call({ action: 'navigate', url: 'http://api.stripe.com/' }, ctx);
    assert.equal(r.ok, false, r.output);
    const deny = denied(from).find((e) => e.via === 'proxy' && e.host === 'api.stripe.com');
    assert.ok(deny, JSON.stringify(denied(from)));
    assert.match(deny.reason, /127\.0\.0\.1/);
    assert.equal(loopConnections, 0);
  });

  test('in a turn (seed 21): the page reaches the model as untrusted web content; a host off the list is refused', async (t) => {
    const model = await startModelServer();
    const th = await makeHome();
    const db = openStore(join(th.home, 'hardshell.db'));
    t.after(async () => { db.close(); await model.close(); await th.cleanup(); });
    const config = configSchema.parse(scriptedModelConfig(model.url, { browser: seed21.browser }));
    const runner = createAgentRunner({
      config, home: th.home, env: th.env, sessions: new Sessions(db), usage: new UsageLedger(db), memory: new MemoryLedger(db), browsers: sessions,
    });
    const from = audit.length;
    model.push(
      { toolCalls: [{ name: 'browser', args: { action: 'navigate', url: page('<h1>Turn page</h1>') } }] },
      { toolCalls: [{ name: 'browser', args: { action: 'navigate', url: 'http://evil.example/' } }] },
      { text: 'done' },
    );
    const result = await runner.runTurn({ sessionKey: 'b', message: 'read the docs in the browser' });
    assert.equal(result.stopReason, 'completed', result.error);
    assert.deepEqual(result.toolCalls.map((c) => [c.decision, c.ok]), [['allow', true], ['allow', false]]);
    const shown = model.requests[1].body.messages.find((m: any) => m.role === 'tool').content as string;
    assert.match(shown, /^⟦untrusted [0-9a-f]{12} from web:http:\/\/docs\.example\.com\/page\?/);
    assert.match(shown, /# Turn page/);
    assert.match(model.requests[2].raw, /evil\.example is not in browser\.allowedDomains/);
    assert.ok(denied(from).some((e) => e.host === 'evil.example' && e.callId === result.toolCalls[1].id));
    await sessions.close(result.sessionId);
  });

  test('memory is limited per process (RLIMIT_DATA): a page allocating 3 GB gets an allocation error', async () => {
    const ctx = ctxFor('s-memory');
    const hog = page(`<p id="r">running</p><script>
      let r; try { const a = []; for (let i = 0; i < 30; i++) { const b = new Uint8Array(100 * 1024 * 1024); b.fill(1); a.push(b); } r = 'allocated 3 GB'; }
      catch (e) { r = String(e); } document.getElementById('r').textContent = r;</script>`);
    const r = await call({ action: 'navigate', url: hog }, ctx);
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /RangeError: Array buffer allocation failed/);
    await ctx.browser!.close();
  });

  test('an idle browser is closed with every process it started', async () => {
    const idle = new BrowserSessions({ home, idleMs: 300 });
    const port = idle.port({ settings: { ...settings, allowedDomains: [] }, sandbox: resolveSandbox('main', undefined), agentId: 'main', sessionId: 's-idle', callId: 'c' });
    await sessions.closeAll();
    await waitFor(() => chromiumDescendants().length === 0, 'the other browsers to close');
    await port.page();
    assert.ok(chromiumDescendants().length > 0);
    await waitFor(() => chromiumDescendants().length === 0, 'the idle browser to close');
    assert.equal(await idle.close('s-idle'), false, 'it was forgotten');
  });

  test('close ends the browser and every process it started', async () => {
    const ctx = ctxFor('s-close');
    assert.equal((await call({ action: 'navigate', url: page('<p>bye</p>') }, ctx)).ok, true);
    await sessions.closeAll();
    assert.equal((await call({ action: 'close' }, ctx)).output, 'no browser was open');
    await waitFor(() => chromiumDescendants().length === 0, 'Chromium to exit');
  });
});

describe('browser tool: seeds, mode off, and no sandbox', { skip: missing ?? false }, () => {
  const home = join(tmpdir(), `hardshell-browser-seeds-${process.pid}`);
  const sessions = new BrowserSessions({ home });
  after(async () => { await sessions.closeAll(); await rm(home, { recursive: true, force: true }); });
  const ctxFor = (settings: BrowserSettings, sandbox = resolveSandbox('main', undefined), launch?: ConstructorParameters<typeof BrowserSessions>[0]['launch']): ToolContext => {
    const s = launch ? new BrowserSessions({ home, launch }) : sessions;
    return {
      workspace: '/nonexistent', agentId: 'main', sessionId: 'seeds', signal: new AbortController().signal,
      browser: s.port({ settings, sandbox, agentId: 'main', sessionId: 'seeds', callId: 'c' }),
    };
  };

  test('mode "off" (the default): not offered, a call is denied by policy, and the tool names the key', async () => {
    const config = parseConfigText('{}', 'hardshell.json', {}).config;
    const agent = effectiveAgent(config, 'main', '/tmp/h');
    const names = allTools.map((t) => t.name);
    assert.ok(!offeredTools(config, agent, names).includes('browser'));
    const d = decide({ tool: 'browser', args: { action: 'navigate', url: 'http://docs.example.com/' } }, { config, agentId: 'main', agent, available: names });
    assert.equal(d.decision, 'deny');
    assert.match(d.reason, /browser\.mode is "off".*set browser\.mode to "sandboxed"/);
    const r = await runTool(browserTool, { action: 'navigate', url: 'http://docs.example.com/' }, ctxFor(config.browser));
    assert.equal(r.ok, false);
    assert.match(r.output, /set browser\.mode to "sandboxed"/);
  });

  test('seed 21: offered, and only its domains; admin.* and internal.* blocked', async () => {
    const config = seed('21-browser-domains.json5');
    const agent = effectiveAgent(config, 'main', '/tmp/h');
    assert.ok(offeredTools(config, agent, allTools.map((t) => t.name)).includes('browser'));
    const port = ctxFor(config.browser).browser!;
    assert.equal(port.check('https://docs.example.com/guide').ok, true);
    assert.equal(port.check('https://api.stripe.com/v1').ok, true);
    for (const url of ['https://example.com/', 'https://admin.docs.example.com/', 'http://internal.stripe.com/']) assert.equal(port.check(url).ok, false, url);
  });

  test('seed 23: the browser is not offered (tools allowlist) and, with no domains, reaches nothing', async () => {
    const config = seed('23-production-complete.json5');
    assert.equal(config.browser.mode, 'sandboxed');
    const names = allTools.map((t) => t.name);
    assert.ok(!offeredTools(config, effectiveAgent(config, 'main', '/tmp/h'), names).includes('browser'));
    const r = await runTool(browserTool, { action: 'navigate', url: 'https://docs.example.com/' }, ctxFor(config.browser));
    assert.equal(r.ok, false);
    assert.match(r.output, /docs\.example\.com is not in browser\.allowedDomains \(the list is empty, so no host may be reached\)/);
    assert.equal(await sessions.close('seeds'), false, 'nothing was started');
  });

  test('doctor says whether the browser can start, once browser.mode is "sandboxed"', async (t) => {
    const h = await makeHome();
    t.after(h.cleanup);
    const browserItem = async () => (await runDoctor({ env: h.env, offline: true })).find((i) => i.id === 'browser.starts');
    assert.equal(await browserItem(), undefined, 'nothing to say while the browser is off');
    writeFileSync(join(h.home, 'hardshell.json'), readFileSync(join(SEEDS, '21-browser-domains.json5')), { mode: 0o600 });
    const item = await browserItem();
    assert.equal(item?.status, 'ok', item?.detail);
  });

  test('no sandbox backend, a sandbox that is off, or no Chromium: refused with what to do, nothing started', async () => {
    const settings: BrowserSettings = { mode: 'sandboxed', allowedDomains: ['docs.example.com'], blockPatterns: [] };
    const noBwrap = new Map<BackendName, SandboxBackend>([['bwrap', new BwrapBackend({ bwrapPath: null })]]);
    const before = chromiumDescendants().length;
    const cases: Array<[ToolContext, RegExp]> = [
      [ctxFor(settings, resolveSandbox('main', { provider: 'bwrap' }), { backends: noBwrap }), /apt-get install bubblewrap/],
      [ctxFor(settings, resolveSandbox('main', { mode: 'off' })), /set sandbox\.mode to "all"/],
      [ctxFor(settings, resolveSandbox('main', { provider: 'none' })), /never runs on the host/],
      [ctxFor(settings, resolveSandbox('main', undefined), { chromiumPath: '/nonexistent/chromium' }), /Chromium is not installed.*apt-get install chromium/],
    ];
    for (const [ctx, why] of cases) {
      const r = await runTool(browserTool, { action: 'navigate', url: 'https://docs.example.com/' }, ctx);
      assert.equal(r.ok, false);
      assert.match(r.output, /^browser refused: /);
      assert.match(r.output, why);
      assert.match(r.output, /Nothing was started/);
    }
    assert.equal(chromiumDescendants().length, before);
  });
});
