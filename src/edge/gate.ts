// Everything between the network and an authenticated request, in the order it applies, for
// HTTP requests and WebSocket upgrades alike:
//   client address (trusted proxies only) → IP allowlist → ban → rate limit per client →
//   Origin → failed-auth budget → credential (header, or the web page's cookie + CSRF) →
//   rate limit per token.
// Each refusal is an ApiError with a sentence saying what to do. Failed authentications and
// refused origins spend the client's failed-auth budget; spending past it bans the client.
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.ts';
import type { AuditSink } from '../audit/types.ts';
import { ApiError } from './errors.ts';
import type { Authenticator, Principal } from './auth.ts';
import { clientAddress, fromBrowser, type ClientAddress } from './client.ts';
import { IpRanges } from './ip.ts';
import { RateLimiter } from './rate-limit.ts';
import { BanList } from './bans.ts';
import type { OriginPolicy } from './origin.ts';
import { readCookie, sameSecret, sessionCookieName, type BrowserSessions } from './browser-sessions.ts';
import type { Store } from '../store/db.ts';

export type AuthNeed = 'required' | 'optional' | 'none';

export interface Admitted {
  client: ClientAddress;
  principal?: Principal;
  /** How the credential came: a header, or the web page's session cookie. */
  via?: 'header' | 'cookie';
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface GateOptions {
  config: Config;
  auth: Authenticator;
  store: Store;
  origins: OriginPolicy;
  browserSessions: BrowserSessions;
  tls: boolean;
  log: (line: Record<string, unknown>) => void;
  audit?: AuditSink;
}

export class EdgeGate {
  readonly trusted: IpRanges;
  readonly allowed: IpRanges;
  readonly limits: RateLimiter | undefined;
  readonly failures: RateLimiter;
  readonly bans: BanList | undefined;
  private readonly o: GateOptions;
  private readonly cookieName: string;

  constructor(o: GateOptions) {
    this.o = o;
    const { gateway, security } = o.config;
    this.trusted = new IpRanges(gateway.trustedProxies, 'gateway.trustedProxies');
    this.allowed = new IpRanges(security.network.allowedIPs, 'security.network.allowedIPs');
    const rl = security.rateLimit;
    this.limits = rl.enabled ? new RateLimiter(rl.requests, rl.window, rl.maxClients) : undefined;
    this.failures = new RateLimiter(rl.authFailures, rl.authWindow, rl.maxClients);
    this.bans = rl.ban.enabled ? new BanList(o.store, rl.ban, rl.maxClients) : undefined;
    this.cookieName = sessionCookieName(o.tls);
  }

  get sessionCookie(): string {
    return this.cookieName;
  }

  /** Where the request comes from, as limits and bans see it. */
  client(req: IncomingMessage): ClientAddress {
    const h = req.headers;
    return clientAddress(req.socket.remoteAddress, h['x-forwarded-for'], this.trusted, fromBrowser(one(h.origin), one(h['sec-fetch-site'])));
  }

  /** Admits the request or throws the ApiError to answer with. */
  admit(req: IncomingMessage, need: AuthNeed, upgrade = false, now = Date.now()): Admitted {
    const client = this.client(req);
    const h = req.headers;

    if (!this.allowed.empty && !this.allowed.has(client.ip)) {
      throw new ApiError(403, 'forbidden', `requests from ${client.ip} are not accepted here: the address is not in security.network.allowedIPs`);
    }
    if (this.bans) {
      const until = this.bans.bannedUntil(client.key, now);
      if (until) throw banned(client, until, now);
    }
    if (this.limits) {
      const t = this.limits.take(client.key, now);
      if (!t.ok) throw tooMany(`from ${client.ip}`, t.retryAfter, 'security.rateLimit.requests per security.rateLimit.window ms');
    }

    const origin = one(h.origin);
    const method = (req.method ?? 'GET').toUpperCase();
    if (origin !== undefined && (upgrade || !SAFE_METHODS.has(method)) && !this.o.origins.allows(origin)) {
      this.failed(client, 'origin', now);
      throw new ApiError(403, 'forbidden', `pages from ${origin} may not ${upgrade ? 'open the WebSocket' : 'send this request'}; the gateway's own page and the origins in gateway.controlUi.allowedOrigins may`);
    }
    if (need === 'none') return { client };

    const authorization = one(h.authorization);
    const apiKey = one(h['x-api-key']);
    const cookie = authorization === undefined && apiKey === undefined ? readCookie(one(h.cookie), this.cookieName) : undefined;
    if (need === 'optional' && authorization === undefined && apiKey === undefined && cookie === undefined) return { client };

    // Past the budget, not even one more guess is compared: the client is banned instead.
    if (!this.failures.peek(client.key, now).ok) this.failed(client, 'auth', now);

    if (cookie !== undefined) return { client, principal: this.byCookie(req, client, cookie, origin, method, upgrade, now), via: 'cookie' };

    const result = this.o.auth.check({ authorization, apiKey, url: req.url }, now);
    if (!result.ok) {
      this.failed(client, result.reason, now);
      throw new ApiError(401, 'unauthorized', result.message, { 'WWW-Authenticate': 'Bearer' });
    }
    this.afterAuth(client, result.principal, now);
    return { client, principal: result.principal, via: 'header' };
  }

  /**
   * The web page's login: checks a token posted in the body with the same budget, counting
   * and per-token limit as a header credential.
   */
  login(client: ClientAddress, value: string, now = Date.now()): { principal: Principal; hash: string } {
    if (!this.failures.peek(client.key, now).ok) this.failed(client, 'auth', now);
    const result = this.o.auth.check({ authorization: `Bearer ${value}` }, now);
    if (!result.ok) {
      this.failed(client, 'login', now);
      throw new ApiError(401, 'unauthorized', 'the token was not accepted: it is unknown, revoked or expired');
    }
    this.afterAuth(client, result.principal, now);
    return { principal: result.principal, hash: result.hash };
  }

  private byCookie(req: IncomingMessage, client: ClientAddress, cookie: string, origin: string | undefined, method: string, upgrade: boolean, now: number): Principal {
    const session = this.o.browserSessions.get(cookie, now);
    const principal = session ? this.o.auth.byHash(session.tokenHash, now) : undefined;
    if (!session || !principal) {
      this.failed(client, 'cookie', now);
      throw new ApiError(401, 'unauthorized', 'the login session has expired or its token was revoked; log in again', { 'WWW-Authenticate': 'Bearer' });
    }
    if (upgrade || !SAFE_METHODS.has(method)) {
      // A cookie rides along on requests other pages make; only the gateway's own pages send
      // an allowed Origin and know the CSRF token.
      if (origin === undefined) throw new ApiError(403, 'forbidden', 'a request authenticated by the session cookie must come from the gateway\'s page (Origin header missing)');
      const csrf = one(req.headers[CSRF_HEADER]);
      if (!upgrade && (csrf === undefined || !sameSecret(csrf, session.csrf))) {
        this.failed(client, 'csrf', now);
        throw new ApiError(403, 'forbidden', `this request needs the ${CSRF_HEADER} header the login answered with`);
      }
    }
    this.afterAuth(client, principal, now);
    return principal;
  }

  private afterAuth(client: ClientAddress, principal: Principal, now: number): void {
    if (!this.limits) return;
    const t = this.limits.take(`token:${principal.name}`, now);
    if (!t.ok) throw tooMany(`for the token "${principal.name}"`, t.retryAfter, 'security.rateLimit.requests per security.rateLimit.window ms');
    void client;
  }

  /** Spends one failed attempt; past the budget, bans the client and throws the ban. */
  failed(client: ClientAddress, reason: string, now = Date.now()): void {
    const t = this.failures.take(client.key, now);
    this.o.log({ level: 'warn', msg: 'request refused: not authenticated', reason, client: client.key });
    this.o.audit?.({ kind: 'auth', action: 'auth_failed', client: client.key, reason });
    if (t.ok) return;
    const rl = this.o.config.security.rateLimit;
    if (!this.bans) throw tooMany(`from ${client.ip}`, t.retryAfter, `security.rateLimit.authFailures (${rl.authFailures} failed attempts per ${rl.authWindow} ms)`);
    const ban = this.bans.ban(client.key, `more than ${rl.authFailures} failed attempts (${reason}) in ${rl.authWindow / 1000} s`, now);
    this.failures.forget(client.key);
    this.o.log({ level: 'warn', msg: 'client banned', client: client.key, strikes: ban.strikes, until: new Date(ban.until).toISOString(), reason: ban.reason });
    this.o.audit?.({ kind: 'auth', action: 'ban', client: client.key, strikes: ban.strikes, until: new Date(ban.until).toISOString() });
    throw banned(client, ban.until, now);
  }
}

function banned(client: ClientAddress, until: number, now: number): ApiError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return new ApiError(403, 'banned',
    `${client.key} is banned until ${new Date(until).toISOString()} after repeated failed authentication; the owner can lift it with "hardshell bans lift ${client.ip}"`,
    { 'Retry-After': String(seconds) });
}

function tooMany(whom: string, retryAfter: number, limit: string): ApiError {
  return new ApiError(429, 'rate_limit_exceeded', `too many requests ${whom} (${limit}); retry after ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
