// The "ClawJacked" attack in a real browser: a page from another origin on 127.0.0.1 tries to
// open the gateway's WebSocket (even knowing the token), to guess tokens through the login and
// the API, and keeps trying. It must never get a socket, never get a guess compared past the
// limit, and end up banned — while the owner's own tools on the same address keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway } from './helpers.ts';
import { listBans } from '../../src/edge/bans.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The attacker's page: everything a page may do against a loopback service, reported back. */
function evilPage(gateway: string, token: string): string {
  const ws = gateway.replace(/^http/, 'ws');
  return `<!doctype html><meta charset="utf-8"><title>totally harmless</title><script>
(async () => {
  const out = { sockets: [], guesses: 0, readable: 0, t: [] }; const t0 = performance.now(); const mark = () => out.t.push(Math.round(performance.now() - t0));
  const tryWs = (url, protocols) => new Promise((resolve) => {
    let s;
    try { s = new WebSocket(url, protocols); } catch (e) { return resolve('threw'); }
    s.onopen = () => { s.close(); resolve('open'); };
    s.onerror = () => resolve('error');
  });
  // Even with the real token in every place a page can put it, the socket must not open.
  out.sockets.push(await tryWs(${JSON.stringify(ws + '/ws')}));
  out.sockets.push(await tryWs(${JSON.stringify(ws + '/ws?token=' + token)}));
  out.sockets.push(await tryWs(${JSON.stringify(ws + '/ws')}, ['bearer', ${JSON.stringify(token.replace(/[^\w-]/g, ''))}]));
  mark();
  // Then guess tokens as fast as the browser allows.
  for (let i = 0; i < 40; i++) {
    const attempts = [
      fetch(${JSON.stringify(gateway + '/v1/auth/login')}, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ token: 'hs_guess' + i }) }),
      fetch(${JSON.stringify(gateway + '/v1/sessions')}, { headers: { authorization: 'Bearer hs_guess' + i } }),
      fetch(${JSON.stringify(gateway + '/v1/sessions?token=hs_guess')} + i, { mode: 'no-cors' }),
    ];
    for (const a of attempts) {
      out.guesses++;
      try { const r = await a; if (r.type !== 'opaque') out.readable++; } catch {}
    }
  }
  mark();
  out.sockets.push(await tryWs(${JSON.stringify(ws + '/ws')}));
  mark();
  window.result = out;
})();
</script>`;
}

test('a page from another origin cannot open the WebSocket, cannot guess past the limit, and is banned', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (scripts/system-deps.sh installs Debian's chromium)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  // The defaults: 10 requests a second, 3 failed attempts a minute.
  const gw = await startTestGateway(t, { security: { rateLimit: { requests: 10, window: 1000 } } });
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilPage(gw.url, gw.token));
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { evil.close(() => resolve()); evil.closeAllConnections(); }));
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;

  const profile = await mkdtemp(join(tmpdir(), 'hardshell-chromium-'));
  t.after(() => rm(profile, { recursive: true, force: true }));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  t.after(() => browser.close());
  const page = await browser.newPage();
  await page.goto(evilUrl);
  await page.waitForFunction(() => (globalThis as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 90_000 });
  const result = await page.evaluate(() => (globalThis as unknown as { result: { sockets: string[]; guesses: number; readable: number; t: number[] } }).result);

  assert.deepEqual(result.sockets, ['error', 'error', 'error', 'error'], 'no WebSocket ever opened');
  assert.equal(result.readable, 0, 'the page could read no answer');
  // No guess was ever compared with a token: the page's Origin is refused first. The page's
  // failed attempts were counted, and it was banned after the third.
  const compared = gw.logs.filter((l) => l.msg === 'request refused: not authenticated' && l.client === '127.0.0.1 (browser)');
  assert.ok(compared.length <= 4, `${compared.length} attempts counted before the ban`);
  assert.ok(compared.every((l) => ['origin', 'auth', 'query', 'missing'].includes(String(l.reason))), JSON.stringify(compared.map((l) => l.reason)));
  assert.ok(!gw.logs.some((l) => l.reason === 'invalid' || l.reason === 'login'), 'no guessed token was ever checked');
  const bans = listBans(gw.store);
  assert.deepEqual(bans.map((b) => b.key), ['127.0.0.1 (browser)']);
  // The owner's terminal on the same machine is not locked out by the page.
  assert.equal((await gw.call('/v1/sessions')).status, 200);
  // And the page stays banned, whatever it sends next.
  assert.equal((await gw.call('/healthz', { token: null, headers: { origin: evilUrl.slice(0, -1) } })).status, 403);
});
