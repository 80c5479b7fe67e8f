// Which hosts may be reached: exact names and `*.suffix` wildcards, deny entries first, and
// the URL block patterns of the browser (`*://admin.*`). Pure: no I/O, no DNS.
import { domainToASCII } from 'node:url';
import { parseIPv4, parseIPv6 } from './addresses.ts';

/**
 * The canonical spelling of a host: lower case, no trailing dot, IDN as punycode, IPv6 in
 * brackets and compressed as URLs write it. Null when it is not a valid host.
 */
export function normalizeHost(host: string): string | null {
  let h = host.trim();
  if (h === '') return null;
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  if (parseIPv6(bare)) {
    // The WHATWG URL parser compresses IPv6 the same way for the URL and the entry.
    try { return new URL(`http://[${bare}]/`).hostname; } catch { return null; }
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === '' || h.startsWith('.') || h.includes('..') || /[\s/\\@:?#[\]%*]/.test(h)) return null;
  const ascii = domainToASCII(h);
  if (ascii === '') return null;
  // domainToASCII turns numeric spellings (0x7f.1, 2130706433) into dotted quads: keep those.
  return ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
}

const isIPHost = (h: string) => h.startsWith('[') || parseIPv4(h) !== null;

export interface DomainEntry {
  /** The entry as written in the config. */
  raw: string;
  kind: 'exact' | 'suffix';
  /** The normalized host, or for `*.example.com` the normalized `example.com`. */
  host: string;
}

/** Parses one allowlist entry; null for an entry that can never match (see `entryProblem`). */
export function parseEntry(raw: string): DomainEntry | null {
  const t = raw.trim();
  if (t.startsWith('*.')) {
    const host = normalizeHost(t.slice(2));
    // A wildcard over an IP literal would mean nothing: IPs match only when listed literally.
    if (!host || isIPHost(host)) return null;
    return { raw, kind: 'suffix', host };
  }
  if (t.includes('*')) return null;
  const host = normalizeHost(t);
  return host ? { raw, kind: 'exact', host } : null;
}

/** A sentence saying why an entry is not usable, or null when it is fine (for config checks). */
export function entryProblem(raw: string): string | null {
  if (parseEntry(raw)) return null;
  if (raw.trim() === '*') return '"*" is not accepted: list the hosts, or "*.example.com" for every name under one domain';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) return `"${raw}" is a URL: write only the host name, e.g. "example.com"`;
  return `"${raw}" is not a host name, an IP address or "*.domain"`;
}

function entryMatches(entry: DomainEntry, host: string): boolean {
  if (entry.kind === 'exact') return host === entry.host;
  // IP literals match only entries that list them literally.
  if (isIPHost(host)) return false;
  return host.endsWith(`.${entry.host}`);
}

export interface HostRules {
  allowedDomains: readonly string[];
  deniedDomains?: readonly string[];
}

export type HostVerdict =
  | { allowed: true; host: string; entry: string }
  | { allowed: false; host: string; why: 'invalid' | 'denied' | 'not-listed'; entry?: string };

/**
 * Whether a host may be reached by name. Deny entries win over allow entries; an empty allow
 * list allows nothing.
 */
export function checkHost(host: string, rules: HostRules): HostVerdict {
  const h = normalizeHost(host);
  if (!h) return { allowed: false, host, why: 'invalid' };
  for (const raw of rules.deniedDomains ?? []) {
    const e = parseEntry(raw);
    if (e && entryMatches(e, h)) return { allowed: false, host: h, why: 'denied', entry: raw };
  }
  for (const raw of rules.allowedDomains) {
    const e = parseEntry(raw);
    if (e && entryMatches(e, h)) return { allowed: true, host: h, entry: raw };
  }
  return { allowed: false, host: h, why: 'not-listed' };
}

// ---- URL block patterns: `scheme://host-glob/path-glob` -------------------------------------

export interface BlockPattern {
  raw: string;
  scheme: RegExp;
  host: RegExp;
  /** Null when the pattern names no path: it then blocks every path of the host. */
  path: RegExp | null;
}

function globToRegExp(glob: string, flags = ''): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, flags);
}

/** Compiles `*://admin.*`, `https://*.example.com/admin/*`, ...; throws a sentence for bad ones. */
export function compileBlockPattern(raw: string): BlockPattern {
  const m = /^([a-z*][a-z0-9+.*-]*):\/\/([^/]+)(\/.*)?$/i.exec(raw.trim());
  if (!m) {
    throw new Error(`block pattern "${raw}" is not of the form scheme://host/path (e.g. "*://admin.*" or "https://example.com/admin/*")`);
  }
  const [, scheme, host, path] = m;
  if (/[:@\s]/.test(host)) throw new Error(`block pattern "${raw}": the host part may hold only a name with * (no port, no user)`);
  return {
    raw,
    scheme: globToRegExp(scheme.toLowerCase()),
    host: globToRegExp(host.toLowerCase().replace(/\.$/, '')),
    path: path === undefined || path === '/*' || path === '*' ? null : globToRegExp(path),
  };
}

/** The first pattern that blocks this URL, or null. `hostOnly` checks only patterns without a path. */
export function blockedBy(patterns: readonly BlockPattern[], url: URL, hostOnly = false): BlockPattern | null {
  const scheme = url.protocol.replace(/:$/, '');
  const host = normalizeHost(url.hostname) ?? url.hostname;
  const path = `${url.pathname}${url.search}`;
  for (const p of patterns) {
    if (!p.scheme.test(scheme) || !p.host.test(host)) continue;
    if (p.path === null) return p;
    if (!hostOnly && p.path.test(path)) return p;
  }
  return null;
}
