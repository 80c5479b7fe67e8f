// The sandbox's only way out: an HTTP proxy on a unix socket that is bound into the sandbox
// (a relay inside forwards 127.0.0.1:3128 to it). `CONNECT host:443` opens a byte tunnel for
// HTTPS; absolute-form requests (`GET http://host/path`) are forwarded for plain HTTP. Both
// pass the same destination check as guarded fetch, connect to the pinned address, and are
// audited; a refusal is a 403 whose body says why in one line.
import http from 'node:http';
import net from 'node:net';
import { lstat, unlink, chmod } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { compileBlockPattern, blockedBy, type BlockPattern } from './allowlist.ts';
import { validateRanges, DEFAULT_REFUSED_RANGES } from './addresses.ts';
import { checkDestination, auditEvent, type EgressRules, type EgressAudit, type Destination } from './destination.ts';

export interface EgressProxyOptions extends EgressRules {
  socketPath: string;
  /** Ports plain-HTTP requests may go to. Default 80 and 443. */
  ports?: readonly number[];
  /** Ports CONNECT may open tunnels to. Default 443 only. */
  connectPorts?: readonly number[];
  /** URL patterns refused even for allowed hosts (`*://admin.*`); see allowlist.ts. */
  blockPatterns?: readonly string[];
  audit?: EgressAudit;
  /** The tool call traffic belongs to; a function when one proxy serves several calls. */
  callId?: string | (() => string | undefined);
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** A tunnel or request silent this long is closed. Default 5 min. */
  idleTimeoutMs?: number;
  /** Default 256. */
  maxConnections?: number;
  /** File mode of the socket. Default 0o600: only this user (and the sandbox, as this user). */
  socketMode?: number;
}

export interface EgressProxy {
  socketPath: string;
  close(): Promise<void>;
}

/** Headers that belong to one hop and are never forwarded (RFC 9110 §7.6.1), plus Proxy-*. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  // Bad settings fail here, at start, with the entry named, not on the first request.
  const patterns: BlockPattern[] = (options.blockPatterns ?? []).map(compileBlockPattern);
  validateRanges(options.refusedRanges ?? DEFAULT_REFUSED_RANGES);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  const plainRules: EgressRules = { ...options, ports: options.ports ?? [80, 443] };
  const connectRules: EgressRules = { ...options, ports: options.connectPorts ?? [443] };
  const callId = () => (typeof options.callId === 'function' ? options.callId() : options.callId);
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => { open.add(s); s.once('close', () => open.delete(s)); };

  /** Audits a decision; if the audit sink fails, the connection is refused (fail closed). */
  function record(d: Destination): Destination {
    try {
      options.audit?.(auditEvent(d, 'proxy', callId()));
      return d;
    } catch (err) {
      return { ok: false, host: d.host, port: d.port, reason: `the audit log could not record the connection (${(err as Error)?.message})` };
    }
  }
  function blockedDestination(url: URL, port: number, hostOnly: boolean): Destination | null {
    const hit = blockedBy(patterns, url, hostOnly);
    return hit ? { ok: false, host: url.hostname, port, reason: `${url.hostname} matches the block pattern "${hit.raw}"` } : null;
  }

  async function tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer): Promise<void> {
    client.on('error', () => {});
    const target = parseAuthority(req.url ?? '');
    if (!target) {
      rawReply(client, 400, `CONNECT needs host:port, e.g. "CONNECT example.com:443" (got "${(req.url ?? '').slice(0, 100)}")`);
      return;
    }
    const { url, port } = target;
    const d = record(blockedDestination(url, port, true) ?? await checkDestination(url.hostname, port, connectRules));
    if (!d.ok) { rawReply(client, 403, d.reason); return; }
    if (client.destroyed) return; // gave up while we were resolving

    const upstream = net.connect({ host: d.address, port: d.port, family: d.family });
    track(upstream);
    upstream.setNoDelay(true);
    const timer = setTimeout(() => upstream.destroy(new Error('ETIMEDOUT')), connectTimeoutMs);
    let connected = false;
    upstream.once('connect', () => {
      clearTimeout(timer);
      connected = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      for (const s of [client, upstream]) s.setTimeout(idleTimeoutMs, () => { client.destroy(); upstream.destroy(); });
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!connected) {
        rawReply(client, 502, `could not connect to ${d.host}:${d.port} (${err.code ?? err.message})`);
      } else {
        client.destroy();
      }
    });
    upstream.once('close', () => { if (connected) client.destroy(); });
    client.once('close', () => upstream.destroy());
  }

  async function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = req.url ?? '';
    if (/^https:\/\//i.test(raw)) { reply(res, 400, 'send https requests through CONNECT host:443, not as absolute https:// URLs'); return; }
    if (!/^http:\/\//i.test(raw)) { reply(res, 400, 'this is an egress proxy: ask for absolute http:// URLs, or CONNECT host:443 for https'); return; }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      reply(res, 400, `"${raw.slice(0, 200)}" is not a valid URL`);
      return;
    }
    if (url.username || url.password) { reply(res, 400, 'URLs with a user name or password are not forwarded'); return; }
    const port = url.port ? Number(url.port) : 80;
    const d = record(blockedDestination(url, port, false) ?? await checkDestination(url.hostname, port, plainRules));
    if (!d.ok) { reply(res, 403, d.reason); return; }
    if (res.destroyed) return; // gave up while we were resolving

    const pinned: LookupFunction = (_host, opts, cb) => {
      if (opts.all) cb(null, [{ address: d.address, family: d.family }]);
      else cb(null, d.address, d.family);
    };
    const headers = forwardable(req.rawHeaders, ['host']);
    headers.push('host', url.host);
    const up = http.request({
      hostname: url.hostname.replace(/^\[|\]$/g, ''), port, path: `${url.pathname}${url.search}`, method: req.method,
      headers, lookup: pinned, agent: false, setHost: false,
    });
    up.on('socket', (s) => { track(s); s.setNoDelay(true); s.setTimeout(idleTimeoutMs, () => up.destroy(new Error('ETIMEDOUT'))); });
    const connectTimer = setTimeout(() => up.destroy(new Error('ETIMEDOUT')), connectTimeoutMs);
    up.once('response', (upRes) => {
      clearTimeout(connectTimer);
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, forwardable(upRes.rawHeaders, []));
      upRes.pipe(res);
    });
    up.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      if (!res.headersSent) reply(res, 502, `could not reach ${d.host}:${d.port} (${err.code ?? err.message})`);
      else res.destroy();
    });
    res.once('close', () => { if (!up.destroyed && !res.writableFinished) up.destroy(); });
    req.pipe(up);
  }

  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: idleTimeoutMs });
  server.maxConnections = options.maxConnections ?? 256;
  server.on('connection', track);
  server.on('connect', (req, client: net.Socket, head) => { void tunnel(req, client, head).catch(() => client.destroy()); });
  server.on('request', (req, res) => { void forward(req, res).catch(() => res.destroy()); });
  // Upgrades (WebSocket over plain http) would turn into an unchecked byte stream.
  server.on('upgrade', (_req, socket: net.Socket) => rawReply(socket, 501, 'upgrades over plain http are not forwarded; use wss:// (CONNECT) instead'));
  server.on('clientError', (_err, socket: net.Socket) => rawReply(socket, 400, 'malformed request'));

  await removeStaleSocket(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => { server.off('error', reject); resolve(); });
  });
  await chmod(options.socketPath, options.socketMode ?? 0o600);

  return {
    socketPath: options.socketPath,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of open) s.destroy();
      await closed;
    },
  };
}

/** `host:port` of a CONNECT, normalized the way URLs are (so `0x7f.1` is 127.0.0.1). */
function parseAuthority(authority: string): { url: URL; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]\\]+):(\d{1,5})$/.exec(authority);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  try {
    return { url: new URL(`https://${m[1]}:${port}/`), port };
  } catch {
    return null;
  }
}

/** rawHeaders minus hop-by-hop, those named in Connection, Proxy-* and the ones in `drop`. */
function forwardable(rawHeaders: string[], drop: string[]): string[] {
  const named = new Set(drop);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1].split(',')) named.add(token.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

function reply(res: http.ServerResponse, status: number, reason: string): void {
  const body = `hardshell egress: ${reason}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

function rawReply(socket: net.Socket, status: number, reason: string): void {
  if (!socket.writable) { socket.destroy(); return; }
  const body = `hardshell egress: ${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** A socket file left by a crashed proxy is replaced; any other file at that path is not. */
async function removeStaleSocket(path: string): Promise<void> {
  const st = await lstat(path).catch(() => null);
  if (!st) return;
  if (!st.isSocket()) throw new Error(`egress proxy: ${path} exists and is not a socket; refusing to replace it`);
  await unlink(path);
}
