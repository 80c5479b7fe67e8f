// IP addresses and CIDR ranges, compared as numbers. Every address is normalised first, so
// `::ffff:127.0.0.1`, `[::1]` and `fe80::1%eth0` cannot slip past a rule written in another
// form: an IPv4-mapped IPv6 address is the IPv4 address it maps.
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  /** 4 or 6, after normalisation (a mapped IPv6 range becomes an IPv4 one). */
  family: 4 | 6;
  base: bigint;
  bits: number;
  text: string;
}

/** The canonical text of an address, or undefined when `raw` is not one. */
export function normalizeIp(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  let h = raw.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  if (zone !== -1) h = h.slice(0, zone);
  if (isIPv4(h)) return h;
  if (!isIPv6(h)) return undefined;
  const n = v6ToBigInt(h);
  if (n >> 32n === 0xffffn) return v4FromBigInt(n & 0xffffffffn); // ::ffff:a.b.c.d
  return v6FromBigInt(n);
}

export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || (isIPv4(ip) && ip.startsWith('127.'));
}

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address; throws a sentence naming `where`. */
export function parseCidr(text: string, where: string): Cidr {
  const [addr, prefix, extra] = text.trim().split('/');
  const ip = normalizeIp(addr);
  if (!ip || extra !== undefined) throw new Error(`${where}: "${text}" is not an IP address or CIDR range (e.g. 192.168.1.0/24, 2001:db8::/32)`);
  let family: 4 | 6 = isIPv4(ip) ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let bits = max;
  if (prefix !== undefined) {
    if (!/^\d{1,3}$/.test(prefix)) throw new Error(`${where}: "${text}" has a bad prefix length; write /0 to /${max}`);
    bits = Number(prefix);
    // A mapped IPv6 range (::ffff:10.0.0.0/104) written in v6 form was normalised to v4.
    if (family === 4 && isIPv6(addr.replace(/^\[|\]$/g, ''))) bits -= 96;
    if (bits < 0 || bits > max) throw new Error(`${where}: "${text}" has a bad prefix length; write /0 to /${max}`);
  }
  const value = family === 4 ? v4ToBigInt(ip) : v6ToBigInt(ip);
  const width = BigInt(max - bits);
  return { family, base: (value >> width) << width, bits, text: text.trim() };
}

/** A list of ranges, matched against normalised addresses. */
export class IpRanges {
  readonly ranges: Cidr[];
  constructor(texts: string[], where: string) {
    this.ranges = texts.map((t, i) => parseCidr(t, `${where}[${i}]`));
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** `ip` must already be normalised (normalizeIp). */
  has(ip: string): boolean {
    if (this.ranges.length === 0) return false;
    const family = isIPv4(ip) ? 4 : 6;
    const value = family === 4 ? v4ToBigInt(ip) : v6ToBigInt(ip);
    for (const r of this.ranges) {
      if (r.family !== family) continue;
      const width = BigInt((family === 4 ? 32 : 128) - r.bits);
      if ((value >> width) << width === r.base) return true;
    }
    return false;
  }
}

function v4ToBigInt(ip: string): bigint {
  let n = 0n;
  for (const part of ip.split('.')) n = (n << 8n) | BigInt(Number(part));
  return n;
}

function v4FromBigInt(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

function v6ToBigInt(ip: string): bigint {
  let text = ip.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two hextets.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v = v4ToBigInt(quad[1]);
    text = text.slice(0, -quad[1].length) + `${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const parts = [...left, ...Array<string>(fill).fill('0'), ...right];
  let n = 0n;
  for (const p of parts) n = (n << 16n) | BigInt(parseInt(p, 16));
  return n;
}

function v6FromBigInt(n: bigint): string {
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  // Compress the longest run of zeros (RFC 5952), so equal addresses have equal text.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (parts[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
