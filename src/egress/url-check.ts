// The check a URL gets before the browser may request it: the proxy's rules, decided from the
// URL alone (scheme, user info, host allowlist, port, block patterns including their paths,
// which a CONNECT never shows). Pure: no DNS. Whatever passes still goes through the egress
// proxy, which resolves the name and refuses private addresses.
import { blockedBy, type BlockPattern } from './allowlist.ts';
import { checkName, type EgressRules } from './destination.ts';

export interface UrlRules extends EgressRules {
  blockPatterns: readonly BlockPattern[];
  /** Ports for https (the proxy's CONNECT ports). Default 443; `ports` (default 80, 443) is for http. */
  connectPorts?: readonly number[];
  /** The config key of the block patterns, named in refusals. */
  blocklistKey?: string;
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; host: string; port: number; reason: string };

export function checkUrl(raw: string, rules: UrlRules): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, host: '', port: 0, reason: `"${raw.slice(0, 200)}" is not a valid URL` };
  }
  const https = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : https ? 443 : 80;
  if (!https && url.protocol !== 'http:') return { ok: false, host: url.hostname, port, reason: `only http and https URLs may be opened, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, host: url.hostname, port, reason: 'URLs with a user name or password are not opened' };
  const named = checkName(url.hostname, port, https ? { ...rules, ports: rules.connectPorts ?? [443] } : rules);
  if (!named.ok) return named;
  const hit = blockedBy(rules.blockPatterns, url);
  if (hit) return { ok: false, host: named.host, port, reason: `${url.href.slice(0, 200)} matches the block pattern "${hit.raw}"${rules.blocklistKey ? ` in ${rules.blocklistKey}` : ''}` };
  return { ok: true, url };
}
