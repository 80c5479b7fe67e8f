// The web page's login: a token, posted once, becomes a session cookie the page's script can
// never read (HttpOnly), that the browser sends only to this site (SameSite=Strict) and only
// over TLS when TLS is on (Secure, and the __Host- prefix). Pages on another port of the same
// machine count as the same *site*, so every state-changing request made with the cookie must
// also carry the session's CSRF token in a header, which another page cannot read or set.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './auth.ts';

export interface BrowserSession {
  principal: Principal;
  /** The hash of the token it was made from; checked on every use, so revoking the token ends it. */
  tokenHash: string;
  csrf: string;
  expires: number;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;

export function sessionCookieName(tls: boolean): string {
  return tls ? '__Host-hardshell_session' : 'hardshell_session';
}

export class BrowserSessions {
  /** Keyed by the SHA-256 of the cookie value, so memory holds no usable cookie. */
  private readonly sessions = new Map<string, BrowserSession>();

  create(principal: Principal, tokenHash: string, now = Date.now()): { cookie: string; csrf: string } {
    for (const [k, s] of this.sessions) if (s.expires <= now) this.sessions.delete(k);
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const cookie = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.sessions.set(digest(cookie), { principal, tokenHash, csrf, expires: now + SESSION_TTL_MS });
    return { cookie, csrf };
  }

  get(cookie: string, now = Date.now()): BrowserSession | undefined {
    const key = digest(cookie);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (s.expires <= now) {
      this.sessions.delete(key);
      return undefined;
    }
    return s;
  }

  delete(cookie: string): void {
    this.sessions.delete(digest(cookie));
  }
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(digest(a), 'hex');
  const y = Buffer.from(digest(b), 'hex');
  return timingSafeEqual(x, y);
}

function digest(v: string): string {
  return createHash('sha256').update(v).digest('hex');
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setCookieHeader(name: string, value: string, tls: boolean, maxAgeSec: number): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${tls ? '; Secure' : ''}`;
}
