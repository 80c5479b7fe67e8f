// Which web pages may talk to the gateway. A browser attaches Origin to every WebSocket
// upgrade and every POST, and a page on any site can make one, so those requests are refused
// unless their origin is the gateway's own or is listed in gateway.controlUi.allowedOrigins
// (or gateway.cors.origins). Requests without Origin come from tools, not pages.
import { isLoopback } from './bind.ts';

/** The canonical form of an origin ("HTTP://LocalHost:80" → "http://localhost"), or undefined. */
export function canonicalOrigin(raw: string): string | undefined {
  if (raw === 'null') return undefined; // sandboxed frames and file: pages
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

export class OriginPolicy {
  private readonly allowed = new Set<string>();
  private readonly cors = new Set<string>();

  constructor(allowed: string[], cors: string[]) {
    for (const [list, into, key] of [[allowed, this.allowed, 'gateway.controlUi.allowedOrigins'], [cors, this.cors, 'gateway.cors.origins']] as const) {
      list.forEach((o, i) => {
        const c = canonicalOrigin(o);
        if (!c) throw new Error(`${key}[${i}]: "${o}" is not an origin; write it as scheme://host[:port], e.g. https://hardshell.example.com`);
        into.add(c);
      });
    }
  }

  /**
   * Adds the gateway's own origins once the port is known. On loopback a page from
   * 127.0.0.1, localhost or [::1] on that port is the gateway's own page; elsewhere only the
   * bind address itself (a DNS name must be listed explicitly).
   */
  addOwn(host: string, port: number, tls: boolean): void {
    const scheme = tls ? 'https' : 'http';
    const hosts = isLoopback(host) ? ['127.0.0.1', 'localhost', '[::1]'] : host === '0.0.0.0' || host === '::' ? [] : [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
    for (const h of hosts) {
      const c = canonicalOrigin(`${scheme}://${h}:${port}`);
      if (c) this.allowed.add(c);
    }
  }

  /** May a page from `origin` open the WebSocket or send a state-changing request? */
  allows(origin: string): boolean {
    const c = canonicalOrigin(origin);
    return c !== undefined && (this.allowed.has(c) || this.cors.has(c));
  }

  /** The origin to echo in Access-Control-Allow-Origin, or undefined: CORS stays closed. */
  corsOrigin(origin: string | undefined): string | undefined {
    if (!origin) return undefined;
    const c = canonicalOrigin(origin);
    return c !== undefined && this.cors.has(c) ? c : undefined;
  }
}
