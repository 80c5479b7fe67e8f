// Where the gateway may listen. Plain HTTP carries bearer tokens in the clear, so it is only
// served on loopback; anything reachable from other machines needs TLS and a token (fail closed).
import { isIPv4, isIPv6 } from 'node:net';
import type { Config } from '../config/schema.ts';
import { GatewayStartError } from './errors.ts';

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (isIPv6(h)) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return Boolean(mapped && isIPv4(mapped[1]) && mapped[1].startsWith('127.'));
  }
  return false;
}

/**
 * Throws, with what to change, when the gateway must not listen on `host` as configured.
 * Loopback is fine as it is. Anything else needs TLS (or an explicit reverse proxy in
 * gateway.trustedProxies that terminates TLS) and at least one credential, because a gateway
 * reachable from the network with no token is the one everybody scans for.
 */
export function checkBind(config: Config, host: string, hasCredentials: boolean): void {
  if (isLoopback(host)) return;
  const { tls, trustedProxies } = config.gateway;
  if (!tls.enabled && trustedProxies.length === 0) {
    throw new GatewayStartError(
      `refusing to listen on ${host} (gateway.bind): without TLS, tokens and messages would cross the network in the clear. ` +
      'Set gateway.tls.enabled with gateway.tls.cert and gateway.tls.key, or put a TLS reverse proxy in front and list it in gateway.trustedProxies, ' +
      'or bind to 127.0.0.1 (gateway.bind or --bind 127.0.0.1).',
    );
  }
  if (!hasCredentials) {
    throw new GatewayStartError(
      `refusing to listen on ${host} (gateway.bind) with no credential to check: create a token with "hardshell token create <name>", ` +
      'or set security.auth.tokens (or security.auth.key in apiKey mode), or bind to 127.0.0.1.',
    );
  }
}
