// Debian's Chromium in a bubblewrap sandbox, driven by playwright-core over Chromium's
// DevTools pipe (fds 3 and 4): no debugging port is ever opened, so no web page on this
// machine can reach the browser. The sandbox is the boundary, so Chromium's own sandbox
// (which needs user namespaces, refused by our seccomp filter) is off. Its only way out is
// the egress proxy, through the relay on 127.0.0.1:3128 inside the sandbox.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { BwrapBackend, bwrapPlan, SETUP_TASKS, type BwrapPlan } from './bwrap.ts';
import { hostLayout } from './host-layout.ts';
import { makePidsCgroup } from './cgroup.ts';
import { sandboxEnv } from './env.ts';
import { SETUP_FAILED } from './inner.ts';
import { SandboxRefused } from './run.ts';
import { selectBackend } from './select.ts';
import { placement, type ResolvedSandbox } from './settings.ts';
import { RELAY_PORT, SandboxUnavailable, type BackendName, type Limits, type NetworkSpec, type RunSpec, type SandboxBackend } from './types.ts';

/** Debian's Chromium binary (/usr/bin/chromium is a shell launcher that reads /etc/chromium.d). */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';
export const CHROMIUM_INSTALL = 'install Debian\'s Chromium: "apt-get install chromium"';

/**
 * Limits for a browser sandbox. Memory is RLIMIT_DATA per process (1 GiB), not RLIMIT_AS:
 * V8 reserves terabytes of address space it never uses and will not start under RLIMIT_AS.
 * Chromium runs a handful of processes with dozens of threads each, hence the larger counts.
 * wallMs is the most a browser lives, however busy; outputBytes does not apply (playwright
 * reads Chromium's output into its own bounded log).
 */
const BROWSER_LIMITS: Readonly<Limits> = Object.freeze({
  wallMs: 30 * 60_000,
  cpuSeconds: 10 * 60,
  memoryBytes: 1024 * 1024 * 1024,
  processes: 512,
  openFiles: 1024,
  outputBytes: 1024 * 1024,
  tmpBytes: 256 * 1024 * 1024,
});

/** Chromium not ready by then (the pipe answering): it is killed and the call refused. */
const LAUNCH_TIMEOUT_MS = 30_000;
/** The descriptor the launch script opens the seccomp filter on (0-4 are playwright's). */
const SECCOMP_FD = 5;

/**
 * Chromium's switches, all set here: the launch script ignores the ones playwright passes. The proxy is the
 * relay; `<-loopback>` sends even 127.0.0.1 and localhost to it (Chromium bypasses proxies
 * for loopback otherwise), so every request meets the egress rules. The profile is Chromium's
 * default under HOME, i.e. the sandbox's private /tmp (playwright refuses --user-data-dir).
 */
function chromiumArgs(): string[] {
  return [
    '--headless', '--no-sandbox', '--remote-debugging-pipe', '--no-startup-window',
    `--proxy-server=http://127.0.0.1:${RELAY_PORT}`, '--proxy-bypass-list=<-loopback>',
    '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
    // Nothing of its own on the network: no updates, sync, metrics, field trials or prefetching.
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps',
    '--disable-extensions', '--disable-component-extensions-with-background-pages', '--disable-field-trial-config', '--disable-breakpad', '--metrics-recording-only',
    '--disable-client-side-phishing-detection', '--safebrowsing-disable-auto-update', '--disable-domain-reliability',
    '--no-first-run', '--no-default-browser-check', '--no-service-autorun', '--password-store=basic', '--use-mock-keychain',
    '--disable-features=OptimizationHints,OptimizationGuideModelDownloading,OptimizationHintsFetching,MediaRouter,HttpsUpgrades,NetworkTimeServiceQuerying,AvoidCorsURLLoaderRestartOnRedirect,AutofillServerCommunication,CertificateTransparencyComponentUpdater,Translate',
    '--mute-audio', '--hide-scrollbars',
  ];
}

export interface SandboxedBrowser {
  browser: Browser;
  /** Closes the browser; the whole sandbox goes with it. Safe to call twice. */
  close(): Promise<void>;
}

export interface BrowserLaunchOptions {
  /** The egress proxy's unix socket; null: no network at all. */
  proxySocket: string | null;
  backends?: Map<BackendName, SandboxBackend>;
  /** Tests: another Chromium binary (a missing one shows the install hint). */
  chromiumPath?: string;
}

/** Why the browser cannot start with these settings, or null. Starts nothing. */
export async function browserUnavailable(settings: ResolvedSandbox, options: Pick<BrowserLaunchOptions, 'backends' | 'chromiumPath'> = {}): Promise<string | null> {
  try {
    await bwrapFor(settings, options);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function bwrapFor(settings: ResolvedSandbox, options: Pick<BrowserLaunchOptions, 'backends' | 'chromiumPath'>): Promise<string> {
  const where = placement(settings);
  if (where.kind === 'refuse') throw new SandboxRefused(`the browser cannot start: ${where.reason}. Nothing was started.`);
  if (where.kind === 'host') {
    throw new SandboxUnavailable(`the browser never runs on the host, and agent "${settings.agentId}" has sandbox.provider "none": set sandbox.provider to "auto" or "bwrap" (or browser.mode to "off"). Nothing was started.`, 'set sandbox.provider to "bwrap"');
  }
  let backend: SandboxBackend;
  try {
    backend = await selectBackend(where.provider, options.backends);
  } catch (err) {
    if (!(err instanceof SandboxUnavailable)) throw err;
    throw new SandboxUnavailable(`the browser cannot start: ${err.message.replace(/^commands cannot run: /, '').replace(/Nothing was run.*$/, 'Nothing was started.')}`, err.install);
  }
  if (!(backend instanceof BwrapBackend) || !backend.bwrapPath) {
    throw new SandboxUnavailable(`the browser runs only in the bubblewrap sandbox, and this agent's sandbox is ${backend.name}: install bubblewrap ("apt-get install bubblewrap") and set sandbox.provider to "auto" or "bwrap". Nothing was started.`, 'apt-get install bubblewrap');
  }
  const chromium = options.chromiumPath ?? CHROMIUM_PATH;
  if (!existsSync(chromium)) throw new SandboxUnavailable(`the browser cannot start: Chromium is not installed (no ${chromium}). To fix: ${CHROMIUM_INSTALL}. Nothing was started.`, CHROMIUM_INSTALL);
  return backend.bwrapPath;
}

/** The bwrap command line of a browser sandbox. */
function browserPlan(network: NetworkSpec, chromiumPath = CHROMIUM_PATH): BwrapPlan {
  const spec: RunSpec = {
    argv: [chromiumPath, ...chromiumArgs()], cwd: '.', env: {}, workspace: '/', workspaceAccess: 'none',
    limits: BROWSER_LIMITS, network, signal: new AbortController().signal,
  };
  return bwrapPlan(spec, hostLayout(), { seccompFd: SECCOMP_FD, memoryRlimit: 'data' });
}

/**
 * Starts Chromium in a fresh bwrap sandbox. Refuses (SandboxRefused / SandboxUnavailable,
 * with what to do) when the agent has no sandbox, the sandbox is not bwrap, or Chromium is
 * missing; then nothing was started.
 */
export async function launchSandboxedBrowser(settings: ResolvedSandbox, options: BrowserLaunchOptions): Promise<SandboxedBrowser> {
  const bwrap = await bwrapFor(settings, options);
  const network: NetworkSpec = options.proxySocket ? { proxySocket: options.proxySocket } : 'none';
  const { chromium } = await import('playwright-core');
  const layout = hostLayout();
  const plan = browserPlan(network, options.chromiumPath);
  const cgroup = makePidsCgroup(BROWSER_LIMITS.processes + SETUP_TASKS);
  // playwright-core starts this script with the DevTools pipe on fds 3 and 4; it opens the
  // seccomp filter on fd 5, joins the pids cgroup, and becomes bwrap. Everything is in the
  // script, quoted: playwright refuses launch arguments that name its own switches or a page.
  const script = [
    '#!/bin/sh',
    `exec ${SECCOMP_FD}<${shQuote(layout.seccompFile)} || exit ${SETUP_FAILED}`,
    ...(cgroup ? [`echo $$ > ${shQuote(cgroup.procsFile)} || exit ${SETUP_FAILED}`] : []),
    `exec ${[bwrap, ...plan.args].map(shQuote).join(' ')}`,
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'hardshell-browser-'));
  const launcher = join(dir, 'launch');
  writeFileSync(launcher, `${script}\n`, { mode: 0o700 });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: launcher,
      env: sandboxEnv({}, network),
      // The gateway handles its own signals; playwright kills the browser at process exit.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
      timeout: LAUNCH_TIMEOUT_MS,
    });
  } catch (err) {
    void cgroup?.release();
    throw new SandboxUnavailable(`the sandboxed browser did not start: ${firstLine((err as Error).message)}`, CHROMIUM_INSTALL);
  } finally {
    rmSync(dir, { recursive: true, force: true }); // it has run: bwrap holds all it needs
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    clearTimeout(lifetime);
    closing ??= browser.close().catch(() => {}).finally(() => cgroup?.release());
    return closing;
  };
  const lifetime = setTimeout(close, BROWSER_LIMITS.wallMs);
  lifetime.unref();
  return { browser, close };
}

/** One word for /bin/sh, whatever it holds. */
function shQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? 'unknown error';
}
