// Turns a host into the one address egress will connect to. Every address the name resolves
// to must pass the address rules (one bad answer refuses the lot: DNS rebinding answers with a
// mix), and the caller connects to the address returned here, never resolving again (pinning).
import { lookup as dnsLookup } from 'node:dns/promises';
import { parseIP, refusedAddress, DEFAULT_REFUSED_RANGES, type AddressRange } from './addresses.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Lookup = (host: string) => Promise<ResolvedAddress[]>;

export interface ResolverOptions {
  /**
   * Fixed answers by host name, used instead of DNS (tests). A name missing from the map does
   * not resolve. Set by the gateway's own code, never from model input.
   */
  hosts?: Readonly<Record<string, readonly string[]>>;
  /** Another resolver (tests); default: the system's, `dns.lookup` with every answer. */
  lookup?: Lookup;
  /** The address ranges never connected to; default DEFAULT_REFUSED_RANGES. */
  refusedRanges?: readonly AddressRange[];
}

export type Resolution =
  | { ok: true; address: string; family: 4 | 6; answers: string[] }
  | { ok: false; reason: string; address?: string };

const systemLookup: Lookup = async (host) => {
  const answers = await dnsLookup(host, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function familyOf(address: string): 4 | 6 | null {
  const b = parseIP(address);
  return b ? (b.length === 4 ? 4 : 6) : null;
}

/**
 * Resolves a normalized host (IPv6 literals in brackets) and checks every answer. `signal`
 * bounds the wait: the system resolver cannot be cancelled, so the answer is then ignored.
 */
export async function resolvePinned(host: string, options: ResolverOptions = {}, signal?: AbortSignal): Promise<Resolution> {
  const ranges = options.refusedRanges ?? DEFAULT_REFUSED_RANGES;
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  const literalFamily = familyOf(literal);
  if (literalFamily) {
    const refused = refusedAddress(literal, ranges);
    if (refused) return { ok: false, address: literal, reason: `${literal} is a refused address (${refused})` };
    return { ok: true, address: literal, family: literalFamily, answers: [literal] };
  }

  let answers: ResolvedAddress[];
  try {
    answers = await withSignal(lookupWith(options)(host), signal);
  } catch (err) {
    if (signal?.aborted) return { ok: false, reason: `resolving ${host} took too long` };
    const code = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message;
    return { ok: false, reason: `${host} could not be resolved (${code})` };
  }
  if (answers.length === 0) return { ok: false, reason: `${host} could not be resolved (no addresses)` };
  for (const a of answers) {
    const refused = refusedAddress(a.address, ranges);
    if (refused) {
      return { ok: false, address: a.address, reason: `${host} resolves to ${a.address}, a refused address (${refused})` };
    }
  }
  const pinned = answers[0];
  return { ok: true, address: pinned.address, family: pinned.family, answers: answers.map((a) => a.address) };
}

function lookupWith(options: ResolverOptions): Lookup {
  if (options.lookup) return options.lookup;
  const hosts = options.hosts;
  if (!hosts) return systemLookup;
  return async (host) => {
    const list = Object.hasOwn(hosts, host) ? hosts[host] : [];
    if (list.length === 0) throw Object.assign(new Error('not in the hosts map'), { code: 'ENOTFOUND' });
    return list.map((address) => {
      const family = familyOf(address);
      if (!family) throw Object.assign(new Error(`hosts map: ${address} is not an IP address`), { code: 'EINVAL' });
      return { address, family };
    });
  };
}

function withSignal<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
