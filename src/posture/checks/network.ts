// Network and rate limits: who may connect, and how fast.
import { isIP } from 'node:net';
import { isLoopback } from '../../edge/bind.ts';
import type { Check } from '../types.ts';
import { at, isPrivateV4, isWildcard } from './util.ts';

const F = 'network' as const;

function parseCidr(entry: string): { ip: string; prefix: number; kind: 4 | 6 } | null {
  const [ip, bits, extra] = entry.trim().split('/');
  if (extra !== undefined) return null;
  const kind = isIP(ip);
  if (kind === 0) return null;
  const max = kind === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) return null;
  return { ip, prefix, kind: kind as 4 | 6 };
}

export const networkChecks: Check[] = [
  {
    id: 'network.allowed_ips.any', family: F, severity: 'high',
    title: 'IP allowlist allows every address',
    why: '0.0.0.0/0 or ::/0 in security.network.allowedIPs looks like a restriction but lets the whole internet in.',
    fix: 'List only the networks your clients use (e.g. "192.168.1.0/24"), or leave it empty and keep the gateway on loopback.',
    run: (ctx) => ctx.cfg().security.network.allowedIPs.flatMap((e, i) => {
      const c = parseCidr(e);
      return isWildcard(e) || (c && c.prefix === 0) ? [at(ctx, ['security', 'network', 'allowedIPs', i], `security.network.allowedIPs contains "${e}"`)] : [];
    }),
  },
  {
    id: 'network.allowed_ips.public_wide', family: F, severity: 'medium',
    title: 'IP allowlist has a wide public range',
    why: 'A public range wider than /16 (65 536 addresses) admits many strangers, e.g. everyone on a cloud provider.',
    fix: 'Narrow it to your own addresses (a /32 or a small range).',
    run: (ctx) => ctx.cfg().security.network.allowedIPs.flatMap((e, i) => {
      const c = parseCidr(e);
      const wide = c && c.prefix > 0 && ((c.kind === 4 && c.prefix < 16 && !isPrivateV4(c.ip)) || (c.kind === 6 && c.prefix < 32 && !/^f[cd]|^fe80/i.test(c.ip)));
      return wide ? [at(ctx, ['security', 'network', 'allowedIPs', i], `security.network.allowedIPs contains the wide public range "${e}"`)] : [];
    }),
  },
  {
    id: 'network.allowed_ips.invalid', family: F, severity: 'medium',
    title: 'IP allowlist entry is not an address or CIDR range',
    why: 'An entry that is not an address matches nothing, so the allowlist is not what you think.',
    fix: 'Write addresses as 203.0.113.7 or ranges as 192.168.1.0/24.',
    run: (ctx) => ctx.cfg().security.network.allowedIPs.flatMap((e, i) =>
      !parseCidr(e) && !isWildcard(e) ? [at(ctx, ['security', 'network', 'allowedIPs', i], `"${e}" is not an IP address or CIDR range`)] : []),
  },
  {
    id: 'network.allowed_ips.empty_public', family: F, severity: 'medium',
    title: 'Gateway reachable from other machines with no IP allowlist',
    why: 'Seed 002: only known networks should reach the gateway; anyone else should be refused before authentication is tried.',
    fix: 'Set security.network.allowedIPs to your clients\' networks.',
    run: (ctx) => {
      if (!isLoopback(ctx.bind()) && ctx.cfg().security.network.allowedIPs.length === 0) {
        return at(ctx, ['security', 'network', 'allowedIPs'], `gateway.bind is "${ctx.bind()}" and security.network.allowedIPs is empty`);
      }
    },
  },
  {
    id: 'network.rate_limit.disabled', family: F, severity: 'high',
    title: 'Rate limiting is off',
    why: 'Without it, tokens can be brute-forced and one client can burn your model budget.',
    fix: 'Set security.rateLimit.enabled to true (the default: 10 requests per second per client).',
    run: (ctx) => {
      if (!ctx.cfg().security.rateLimit.enabled) return at(ctx, ['security', 'rateLimit', 'enabled'], 'security.rateLimit.enabled is false');
    },
  },
  {
    id: 'network.rate_limit.very_high', family: F, severity: 'medium',
    title: 'Rate limit too high to matter',
    why: 'More than 100 requests per second per client is no brake on brute force or runaway clients.',
    fix: 'Lower security.rateLimit.requests / window (e.g. 60 per 60000 ms, seed 002).',
    run: (ctx) => {
      const r = ctx.cfg().security.rateLimit;
      const perSecond = r.requests / (r.window / 1000);
      if (r.enabled && perSecond > 100) return at(ctx, ['security', 'rateLimit', 'requests'], `security.rateLimit allows ${r.requests} requests per ${r.window} ms (${Math.round(perSecond)} per second)`);
    },
  },
  {
    id: 'network.rate_limit.large_burst', family: F, severity: 'low',
    title: 'Rate limit allows a large burst',
    why: 'More than 1000 requests in one window lets a client fire a burst before the limit applies.',
    fix: 'Use a shorter window with fewer requests (same average rate).',
    run: (ctx) => {
      const r = ctx.cfg().security.rateLimit;
      if (r.enabled && r.requests > 1000) return at(ctx, ['security', 'rateLimit', 'requests'], `security.rateLimit.requests is ${r.requests} per window`);
    },
  },
];
