// One sandboxed browser per session: an egress proxy of its own (browser.allowedDomains and
// browser.blockPatterns), Chromium in the agent's bwrap sandbox behind it, and a check in the
// gateway of every request the page makes (the same rules, with block patterns' paths, which
// a CONNECT never shows). Refusals are audited. A browser idle for `idleMs` is closed, and
// every process it started goes with it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startEgressProxy, type EgressProxy, type EgressProxyOptions } from '../egress/proxy.ts';
import { compileBlockPattern } from '../egress/allowlist.ts';
import { checkUrl, type UrlRules, type UrlVerdict } from '../egress/url-check.ts';
import type { EgressAuditEvent } from '../egress/destination.ts';
import { launchSandboxedBrowser, type BrowserLaunchOptions, type ResolvedSandbox, type SandboxedBrowser } from '../sandbox/index.ts';

const ALLOWED_KEY = 'browser.allowedDomains';
const BLOCK_KEY = 'browser.blockPatterns';
const DEFAULT_IDLE_MS = 5 * 60_000;

/** The config's `browser` block. */
export interface BrowserSettings {
  mode: 'off' | 'sandboxed';
  allowedDomains: readonly string[];
  blockPatterns: readonly string[];
}

type BrowserAudit = (event: EgressAuditEvent & { agentId: string; sessionId: string }) => void;

export interface BrowserSessionsOptions {
  /** The state folder: proxy sockets go in its run/ folder. */
  home: string;
  audit?: BrowserAudit;
  /** Tests only: name resolution and address ranges for the proxy (never from model input). */
  egress?: Pick<EgressProxyOptions, 'hosts' | 'refusedRanges' | 'ports'>;
  idleMs?: number;
  launch?: Pick<BrowserLaunchOptions, 'backends' | 'chromiumPath'>;
}

/** What the browser tool gets from the turn (ToolContext.browser). */
export interface BrowserPort {
  settings: BrowserSettings;
  /** Checks a URL against the browser's rules; a refusal is audited. */
  check(url: string): UrlVerdict;
  /** The session's page, starting the sandboxed browser on first use. */
  page(): Promise<Page>;
  /** Closes the session's browser; false when none was open. */
  close(): Promise<boolean>;
}

interface Running {
  proxy: EgressProxy | null;
  sandboxed: SandboxedBrowser;
  page: Page;
  /** The tool call whose traffic this is now (read by the proxy and the request check). */
  call: { id: string };
  timer?: NodeJS.Timeout;
}

export interface PortRequest {
  settings: BrowserSettings;
  /** The agent's sandbox settings (mode and provider decide whether and where it may run). */
  sandbox: ResolvedSandbox;
  agentId: string;
  sessionId: string;
  callId: string;
}

export class BrowserSessions {
  private readonly open = new Map<string, Promise<Running>>();
  private readonly o: BrowserSessionsOptions;

  constructor(options: BrowserSessionsOptions) {
    this.o = options;
  }

  /** Starts nothing: the browser starts on the first page() call. */
  port(r: PortRequest): BrowserPort {
    const check = (url: string): UrlVerdict => {
      const v = checkUrl(url, this.rules(r.settings));
      if (!v.ok) this.refused(r, v, r.callId);
      return v;
    };
    return {
      settings: r.settings,
      check,
      page: async () => {
        const running = await this.start(r, this.rules(r.settings));
        running.call.id = r.callId;
        this.touch(r.sessionId, running);
        return running.page;
      },
      close: () => this.close(r.sessionId),
    };
  }

  /** Closes one session's browser and its proxy. */
  async close(sessionId: string): Promise<boolean> {
    const starting = this.open.get(sessionId);
    if (!starting) return false;
    this.open.delete(sessionId);
    const running = await starting.catch(() => null);
    if (!running) return false;
    clearTimeout(running.timer);
    await running.sandboxed.close();
    await running.proxy?.close();
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
  }

  private start(r: PortRequest, rules: UrlRules): Promise<Running> {
    let starting = this.open.get(r.sessionId);
    if (!starting) {
      starting = this.launch(r, rules);
      this.open.set(r.sessionId, starting);
      // A failed start is not kept: the next call tries again (and says why again).
      starting.catch(() => { if (this.open.get(r.sessionId) === starting) this.open.delete(r.sessionId); });
    }
    return starting;
  }

  private async launch(r: PortRequest, rules: UrlRules): Promise<Running> {
    let proxy: EgressProxy | null = null;
    const call = { id: r.callId };
    // No domains, no proxy: the sandbox then has no network at all (seed 23).
    if (r.settings.allowedDomains.length > 0) {
      const dir = join(this.o.home, 'run');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      proxy = await startEgressProxy({
        socketPath: join(dir, `browser-${randomUUID()}.sock`),
        allowedDomains: r.settings.allowedDomains,
        blockPatterns: r.settings.blockPatterns,
        allowlistKey: ALLOWED_KEY,
        audit: this.o.audit ? (e) => this.o.audit!({ ...e, agentId: r.agentId, sessionId: r.sessionId }) : undefined,
        callId: () => call.id,
        ...this.o.egress,
      });
    }
    let sandboxed: SandboxedBrowser;
    try {
      sandboxed = await launchSandboxedBrowser(r.sandbox, { proxySocket: proxy?.socketPath ?? null, ...this.o.launch });
    } catch (err) {
      await proxy?.close();
      throw err;
    }
    try {
      // No service workers (they would fetch outside the page's routes), no downloads.
      const context = await sandboxed.browser.newContext({ serviceWorkers: 'block', acceptDownloads: false });
      // A route whose page has gone meanwhile rejects: never an unhandled rejection in the gateway.
      await context.route('**/*', (route) => {
        const v = checkUrl(route.request().url(), rules);
        if (v.ok) return route.continue().catch(() => {});
        const aborted = route.abort('blockedbyclient').catch(() => {});
        try { this.refused(r, v, call.id); } catch { /* refused either way */ }
        return aborted;
      });
      // WebSockets are not routed like requests: checked here as their http(s) twins.
      await context.routeWebSocket(() => true, (ws) => {
        const v = checkUrl(ws.url().replace(/^ws/i, 'http'), rules);
        if (v.ok) { ws.connectToServer(); return; }
        void ws.close({ code: 1008, reason: 'refused by hardshell' }).catch(() => {});
        try { this.refused(r, v, call.id); } catch { /* refused either way */ }
      });
      const page = await context.newPage();
      await this.guardRedirects(page, rules, (v) => this.refused(r, v, call.id));
      // Pop-ups are closed: the tool drives one page.
      context.on('page', (p) => { if (p !== page) void p.close().catch(() => {}); });
      const running: Running = { proxy, sandboxed, page, call };
      // A browser that died, or a page whose renderer crashed (its memory limit, say), is
      // closed and forgotten: the next call starts a fresh one.
      sandboxed.browser.on('disconnected', () => { void this.forget(r.sessionId, running); });
      page.on('crash', () => { void this.forget(r.sessionId, running); });
      return running;
    } catch (err) {
      await sandboxed.close();
      await proxy?.close();
      throw err;
    }
  }

  /**
   * playwright's routes let redirect hops through unchecked. A DevTools session of our own
   * pauses every request of the page and its in-process frames, hops included, and fails the
   * ones the rules refuse. (Hops in out-of-process frames and workers still meet the proxy,
   * and a page that ends on a refused URL is never shown.) Other schemes (data:, blob:) never
   * reach the network.
   */
  private async guardRedirects(page: Page, rules: UrlRules, refused: (v: Extract<UrlVerdict, { ok: false }>) => void): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    cdp.on('Fetch.requestPaused', (e) => {
      const v = /^https?:/i.test(e.request.url) ? checkUrl(e.request.url, rules) : null;
      if (!v || v.ok) { void cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {}); return; }
      void cdp.send('Fetch.failRequest', { requestId: e.requestId, errorReason: 'BlockedByClient' }).catch(() => {});
      try { refused(v); } catch { /* refused either way */ }
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
  }

  /** The gateway's check uses the proxy's ports (tests and benchmarks move them; the config cannot). */
  private rules(settings: BrowserSettings): UrlRules {
    return { ...urlRules(settings), ...(this.o.egress?.ports ? { ports: this.o.egress.ports } : {}) };
  }

  private async forget(sessionId: string, running: Running): Promise<void> {
    const current = this.open.get(sessionId);
    if (current && (await current.catch(() => null)) === running) await this.close(sessionId);
  }

  private touch(sessionId: string, running: Running): void {
    clearTimeout(running.timer);
    running.timer = setTimeout(() => { void this.close(sessionId); }, this.o.idleMs ?? DEFAULT_IDLE_MS);
    running.timer.unref();
  }

  private refused(r: PortRequest, v: Extract<UrlVerdict, { ok: false }>, callId: string): void {
    this.o.audit?.({
      kind: 'egress', action: 'connect', decision: 'deny', via: 'browser', host: v.host, port: v.port, reason: v.reason,
      callId, agentId: r.agentId, sessionId: r.sessionId,
    });
  }
}

/** The rules of the config's browser block; a bad block pattern throws a sentence naming the key. */
function urlRules(settings: BrowserSettings): UrlRules {
  const blockPatterns = settings.blockPatterns.map((raw) => {
    try {
      return compileBlockPattern(raw);
    } catch (err) {
      throw new Error(`${BLOCK_KEY}: ${(err as Error).message}`);
    }
  });
  return {
    allowedDomains: settings.allowedDomains,
    blockPatterns,
    allowlistKey: ALLOWED_KEY,
    blocklistKey: BLOCK_KEY,
  };
}
