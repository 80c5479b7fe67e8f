// The browser's numbers: starting Chromium in the bwrap sandbox (launch until the page is
// usable, through BrowserSessions as the tool does it), and opening a small page through the
// egress proxy once it runs. The upstream is on 127.0.0.1; the proxy's refused ranges are
// emptied for this benchmark only, so loopback stands in for a public host.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserSessions } from '../src/tools/browser-session.ts';
import { resolveSandbox } from '../src/sandbox/settings.ts';
import { CHROMIUM_PATH } from '../src/sandbox/browser.ts';
import { selectBackend } from '../src/sandbox/select.ts';
import { startUpstream } from '../test/egress/upstream-server.ts';
import { median, report } from './stats.ts';

const HOST = 'bench.example.test';
const LAUNCHES = 5;
const NAVIGATIONS = 30;

export async function benchBrowser(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) { report('browser', `skipped: Chromium is not installed (${CHROMIUM_PATH})`); return; }
  if ((await selectBackend('auto').catch(() => null))?.name !== 'bwrap') { report('browser', 'skipped: the bwrap sandbox is not usable here'); return; }
  const upstream = await startUpstream({ address: '127.0.0.1', http: [0] });
  const home = await mkdtemp(join(tmpdir(), 'hardshell-bench-browser-'));
  const port = upstream.ports.http[0];
  const sessions = new BrowserSessions({ home, egress: { hosts: { [HOST]: ['127.0.0.1'] }, refusedRanges: [], ports: [port] } });
  const settings = { mode: 'sandboxed' as const, allowedDomains: [HOST], blockPatterns: ['*://admin.*'] };
  const sandbox = resolveSandbox('main', undefined);
  try {
    const launches: number[] = [];
    const opens: number[] = [];
    for (let i = 0; i < LAUNCHES; i++) {
      const browser = sessions.port({ settings, sandbox, agentId: 'main', sessionId: `bench-${i}`, callId: 'bench' });
      const t0 = performance.now();
      const page = await browser.page();
      launches.push(performance.now() - t0);
      for (let j = 0; j < NAVIGATIONS; j++) {
        const t1 = performance.now();
        await page.goto(`http://${HOST}:${port}/?n=${j}`, { waitUntil: 'domcontentloaded' });
        await page.content();
        opens.push(performance.now() - t1);
      }
      await browser.close();
    }
    report('browser start: Chromium in the bwrap sandbox, until its first page is usable', `median ${median(launches).toFixed(0)} ms of ${LAUNCHES}`);
    report('browser: open a small page through the egress proxy and read it', `median ${median(opens).toFixed(1)} ms of ${opens.length}`);
  } finally {
    await sessions.closeAll();
    await upstream.close();
    await rm(home, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchBrowser();
