// Which IP addresses egress never connects to, even for an allowed name: everything that is
// not the public internet (loopback, private, link-local and cloud metadata, CGNAT, ULA, ...),
// including IPv6 spellings that carry such an IPv4 address inside them. Pure: no I/O.

export interface AddressRange {
  /** `a.b.c.d/n` or an IPv6 prefix `x:y::/n`. */
  cidr: string;
  /** What the range is, for the refusal sentence. */
  label: string;
}

/**
 * The ranges refused by default. Tests that need a "public" host in a network namespace pass
 * a list without the TEST-NET range they use; nothing the model writes can change this list.
 */
export const DEFAULT_REFUSED_RANGES: readonly AddressRange[] = Object.freeze([
  { cidr: '0.0.0.0/8', label: 'unspecified ("this network")' },
  { cidr: '10.0.0.0/8', label: 'private' },
  { cidr: '100.64.0.0/10', label: 'carrier-grade NAT' },
  { cidr: '127.0.0.0/8', label: 'loopback' },
  { cidr: '169.254.0.0/16', label: 'link-local (cloud metadata)' },
  { cidr: '172.16.0.0/12', label: 'private' },
  { cidr: '192.0.0.0/24', label: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', label: 'documentation (TEST-NET-1)' },
  { cidr: '192.88.99.0/24', label: '6to4 relay' },
  { cidr: '192.168.0.0/16', label: 'private' },
  { cidr: '198.18.0.0/15', label: 'benchmarking' },
  { cidr: '198.51.100.0/24', label: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', label: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', label: 'multicast' },
  { cidr: '255.255.255.255/32', label: 'broadcast' },
  { cidr: '240.0.0.0/4', label: 'reserved' },
  { cidr: '::/128', label: 'unspecified' },
  { cidr: '::1/128', label: 'loopback' },
  { cidr: '::ffff:0:0/96', label: 'IPv4-mapped' },
  { cidr: '::/96', label: 'IPv4-compatible' },
  { cidr: '::ffff:0:0:0/96', label: 'IPv4-translated' },
  { cidr: '64:ff9b:1::/48', label: 'local-use NAT64' },
  { cidr: '100::/64', label: 'discard-only' },
  { cidr: '2001::/23', label: 'IETF protocol assignments (Teredo, ORCHID, benchmarking)' },
  { cidr: '2001:db8::/32', label: 'documentation' },
  { cidr: '3fff::/20', label: 'documentation' },
  { cidr: 'fc00::/7', label: 'unique local (ULA)' },
  { cidr: 'fe80::/10', label: 'link-local' },
  { cidr: 'fec0::/10', label: 'site-local' },
  { cidr: 'ff00::/8', label: 'multicast' },
]);

/** Parses a dotted-quad IPv4 address (exactly four decimal parts); null if it is not one. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** Parses an IPv6 address (`::`, an IPv4 tail, brackets accepted; zone ids refused). */
export function parseIPv6(text: string): Uint8Array | null {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes('%') || !s.includes(':')) return null;
  let tail: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-f]{1,4}$/i.test(all[i])) return null;
    const n = parseInt(all[i], 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/** 4 bytes for IPv4, 16 for IPv6, null for anything else. */
export function parseIP(text: string): Uint8Array | null {
  return parseIPv4(text) ?? parseIPv6(text);
}

export const isIPLiteral = (text: string): boolean => parseIP(text) !== null;

function formatIPv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

interface CompiledRange { bytes: Uint8Array; prefix: number; label: string }

function compileRange(range: AddressRange): CompiledRange {
  const slash = range.cidr.lastIndexOf('/');
  const bytes = slash > 0 ? parseIP(range.cidr.slice(0, slash)) : null;
  const prefix = Number(range.cidr.slice(slash + 1));
  if (!bytes || !Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8) {
    throw new Error(`egress: "${range.cidr}" is not an address range (write it as 10.0.0.0/8 or fc00::/7)`);
  }
  return { bytes, prefix, label: range.label };
}

function inRange(addr: Uint8Array, r: CompiledRange): boolean {
  if (addr.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i] & mask) !== (r.bytes[i] & mask)) return false;
  }
  return true;
}

const compiled = new WeakMap<readonly AddressRange[], CompiledRange[]>();

function compileAll(ranges: readonly AddressRange[]): CompiledRange[] {
  let list = compiled.get(ranges);
  if (!list) {
    list = ranges.map(compileRange);
    compiled.set(ranges, list);
  }
  return list;
}

/** Checks that a list of ranges is well formed; throws a sentence naming the bad entry. */
export function validateRanges(ranges: readonly AddressRange[]): void {
  compileAll(ranges);
}

const startsWith = (b: Uint8Array, prefix: number[]) => prefix.every((v, i) => b[i] === v);

/**
 * The IPv4 address an IPv6 address carries, where the form routes to it: IPv4-mapped and
 * -compatible, IPv4-translated, NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 */
export function embeddedIPv4(b: Uint8Array): { v4: Uint8Array; form: string } | null {
  if (b.length !== 16) return null;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return { v4: b.slice(12), form: 'IPv4-mapped' };
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) return { v4: b.slice(12), form: 'IPv4-translated' };
  if (zeros(0, 12) && !zeros(12, 15)) return { v4: b.slice(12), form: 'IPv4-compatible' };
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b]) && zeros(4, 12)) return { v4: b.slice(12), form: 'NAT64' };
  if (startsWith(b, [0x20, 0x02])) return { v4: b.slice(2, 6), form: '6to4' };
  return null;
}

/**
 * What refused range an address lies in (e.g. `loopback`, `IPv4-mapped form of 10.0.0.1,
 * private`), or null when it may be connected to. An address that does not parse is refused:
 * fail closed.
 */
export function refusedAddress(address: string, ranges: readonly AddressRange[] = DEFAULT_REFUSED_RANGES): string | null {
  const bytes = parseIP(address);
  if (!bytes) return 'not an IP address';
  const list = compileAll(ranges);
  const inner = embeddedIPv4(bytes);
  if (inner) {
    const hit = list.find((r) => inRange(inner.v4, r));
    if (hit) return `${inner.form} form of ${formatIPv4(inner.v4)}, ${hit.label}`;
  }
  return list.find((r) => inRange(bytes, r))?.label ?? null;
}
