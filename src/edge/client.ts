// Who is on the other end: the socket's address, or, only when that socket is one of
// gateway.trustedProxies, the right-most address in X-Forwarded-For that is not itself a
// trusted proxy (every hop left of it could have been written by the client). The Host
// header plays no part in anything the edge decides.
import { isLoopbackIp, normalizeIp, type IpRanges } from './ip.ts';

export interface ClientAddress {
  /** The normalised address rate limits, bans and IP rules apply to. */
  ip: string;
  /** True when the request comes from a web page (it carries Origin or Sec-Fetch-Site). */
  browser: boolean;
  /**
   * The key limits and bans are kept under. A web page on this machine shares the loopback
   * address with the owner's own tools, so it gets a key of its own: it is limited and banned
   * like any stranger, and cannot get the owner's terminal banned.
   */
  key: string;
}

export function clientAddress(
  remote: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: IpRanges,
  browser: boolean,
): ClientAddress {
  let ip = normalizeIp(remote) ?? 'unknown';
  if (!trusted.empty && trusted.has(ip) && forwardedFor !== undefined) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIp(hops[i]);
      // A hop that is not an address means the header cannot be believed past this point:
      // stay with the last address we could trust (the proxy's own), not a guess.
      if (!hop) break;
      ip = hop;
      if (!trusted.has(hop)) break;
    }
  }
  const key = browser && isLoopbackIp(ip) ? `${ip} (browser)` : ip;
  return { ip, browser, key };
}

/** Web pages send Origin (always on POST and WebSocket) or Sec-Fetch-Site; tools do not. */
export function fromBrowser(origin: string | undefined, fetchSite: string | undefined): boolean {
  return (origin !== undefined && origin !== '') || (fetchSite !== undefined && fetchSite !== 'none');
}
