// HTTP(S) requests from the gateway itself (web_fetch), under the egress rules: allowlist,
// address rules, the connection pinned to the checked address (node:http with a lookup that
// answers only that address; TLS still checks the certificate against the name), every
// redirect hop checked again, and caps on size and time.
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { checkDestination, auditEvent, type EgressRules, type EgressAudit, type Destination } from './destination.ts';

export interface GuardedFetchOptions extends EgressRules {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The most body bytes kept (after decompression); reading stops there. Default 5 MiB. */
  maxBytes?: number;
  /** For the whole request, every redirect included. Default 30 s. */
  timeoutMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  audit?: EgressAudit;
  /** The tool call the request belongs to, for the audit event. */
  callId?: string;
  signal?: AbortSignal;
  /** CA certificates to trust instead of the system's (tests with a self-signed server). */
  ca?: string | Buffer | Array<string | Buffer>;
}

export interface GuardedResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the body went on past maxBytes and was cut there. */
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
}

/** Why a guarded fetch did not return a response: refused by the rules, or failed on the way. */
export class EgressError extends Error {
  override name = 'EgressError';
  /** True when the egress rules refused it (and it was audited as a deny). */
  readonly refused: boolean;
  readonly url: string;
  constructor(message: string, refused: boolean, url: string) {
    super(message);
    this.refused = refused;
    this.url = url;
  }
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers the caller may not set: egress sets them, or they would let a request steer itself. */
const CONTROLLED = new Set(['host', 'connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);
/** Dropped when a redirect leaves the origin: credentials belong to the host they were meant for. */
const CREDENTIALS = ['authorization', 'cookie'];

export async function guardedFetch(input: string | URL, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fail = (url: string, err: unknown): EgressError => {
    if (err instanceof EgressError) return err;
    if (timeout.aborted) return new EgressError(`${url} did not answer within ${timeoutMs} ms`, false, url);
    if (signal.aborted) return new EgressError(`the request to ${url} was cancelled`, false, url);
    const code = (err as NodeJS.ErrnoException)?.code;
    return new EgressError(`could not fetch ${url}: ${code ?? (err as Error)?.message ?? String(err)}`, false, url);
  };

  let url = startUrl(input, options);
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  let headers = callerHeaders(options.headers);
  const redirects: string[] = [];
  for (;;) {
    const port = portOf(url);
    let dest: Destination;
    try {
      dest = await checkDestination(url.hostname, port, options, signal);
    } catch (err) {
      throw fail(url.href, err);
    }
    if (signal.aborted) throw fail(url.href, signal.reason);
    options.audit?.(auditEvent(dest, 'fetch', options.callId));
    if (!dest.ok) throw new EgressError(dest.reason, true, url.href);

    let res: http.IncomingMessage;
    try {
      res = await send(url, dest, method, headers, body, options, signal);
    } catch (err) {
      throw fail(url.href, err);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!REDIRECTS.has(status) || !location) {
      try {
        const read = await readBody(res, options.maxBytes ?? DEFAULT_MAX_BYTES, signal);
        return { status, statusText: res.statusMessage ?? '', headers: res.headers, body: read.body, truncated: read.truncated, url: url.href, redirects };
      } catch (err) {
        throw fail(url.href, err);
      }
    }

    res.destroy();
    if (redirects.length >= maxRedirects) {
      throw new EgressError(`stopped after ${maxRedirects} redirects (the last one pointed from ${url.href} to ${location.slice(0, 200)})`, false, url.href);
    }
    const next = redirectTarget(url, location, options);
    if (next.origin !== url.origin) headers = without(headers, CREDENTIALS);
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = without(headers, ['content-type']);
    }
    redirects.push(next.href);
    url = next;
  }

  /** Parses and checks a URL's scheme; a refusal is audited like any other. */
  function startUrl(value: string | URL, opts: GuardedFetchOptions): URL {
    let u: URL;
    try {
      u = new URL(String(value));
    } catch {
      refuse(opts, String(value), '', 0, `"${String(value).slice(0, 200)}" is not a valid URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      refuse(opts, u.href, u.hostname, 0, `only http and https URLs may be fetched (this one is ${u.protocol.slice(0, -1)})`);
    }
    if (u.username || u.password) refuse(opts, u.href, u.hostname, portOf(u), 'URLs with a user name or password are not fetched');
    return u;
  }

  function redirectTarget(from: URL, location: string, opts: GuardedFetchOptions): URL {
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      refuse(opts, from.href, from.hostname, portOf(from), `${from.href} redirected to "${location.slice(0, 200)}", which is not a valid URL`);
    }
    if (from.protocol === 'https:' && next.protocol === 'http:') {
      refuse(opts, next.href, next.hostname, portOf(next), `${from.href} redirected from https to plain http (${next.href}); not followed`);
    }
    return startUrl(next, opts);
  }
}

function refuse(opts: GuardedFetchOptions, url: string, host: string, port: number, reason: string): never {
  opts.audit?.({ kind: 'egress', action: 'connect', decision: 'deny', via: 'fetch', host, port, reason, ...(opts.callId ? { callId: opts.callId } : {}) });
  throw new EgressError(reason, true, url);
}

const portOf = (u: URL) => (u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80);

function callerHeaders(given: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
  for (const [k, v] of Object.entries(given ?? {})) {
    const name = k.toLowerCase();
    if (!CONTROLLED.has(name) && !name.startsWith('proxy-')) out[name] = v;
  }
  return out;
}

function without(headers: Record<string, string>, names: string[]): Record<string, string> {
  const out = { ...headers };
  for (const n of names) delete out[n];
  return out;
}

function send(url: URL, dest: Extract<Destination, { ok: true }>, method: string, headers: Record<string, string>,
  body: string | Uint8Array | undefined, options: GuardedFetchOptions, signal: AbortSignal): Promise<http.IncomingMessage> {
  // The pin: whatever name the socket layer asks about, the answer is the address checked.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if (opts.all) callback(null, [{ address: dest.address, family: dest.family }]);
    else callback(null, dest.address, dest.family);
  };
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request({
      hostname, port: dest.port, path: `${url.pathname}${url.search}`, method,
      headers: { ...headers, host: url.host },
      lookup: pinned, agent: false, signal,
      ...(options.ca && url.protocol === 'https:' ? { ca: options.ca } : {}),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(body);
  });
}

function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip': case 'x-gzip': return zlib.createGunzip();
    case 'deflate': return zlib.createInflate();
    case 'br': return zlib.createBrotliDecompress();
    default: return null;
  }
}

/** Reads at most maxBytes of the (decompressed) body, then stops the download. */
function readBody(res: http.IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<{ body: Buffer; truncated: boolean }> {
  const decoder = decoderFor(res.headers['content-encoding']);
  const stream: Readable = decoder ? res.pipe(decoder) : res;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: unknown, truncated = false) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (err) { res.destroy(); decoder?.destroy(); reject(err); return; }
      if (truncated) { res.destroy(); decoder?.destroy(); }
      resolve({ body: Buffer.concat(chunks), truncated });
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = maxBytes;
        finish(null, true);
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.once('end', () => finish(null));
    stream.once('error', (err) => finish(err));
    res.once('error', (err) => finish(err));
    res.once('close', () => { if (!res.complete) finish(new Error('the connection closed before the body was complete')); });
  });
}
