// Where the gateway may listen. Plain HTTP carries bearer tokens in the clear, so it is only
// served on loopback; anything reachable from other machines needs TLS (fail closed).
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

/** Throws, with what to change, when the gateway must not listen on `host` as configured. */
export function checkBind(config: Config, host: string): void {
  if (config.gateway.tls.enabled) {
    // TLS serving arrives with the edge work; until then serving plain HTTP while the config
    // asks for TLS would silently downgrade, so refuse.
    throw new GatewayStartError(
      'gateway.tls.enabled is true, but this version of hardshell cannot serve TLS yet (TLS serving arrives with the edge work). ' +
      'Set gateway.tls.enabled to false and bind to 127.0.0.1 for now; reach the gateway from elsewhere through an SSH tunnel.',
    );
  }
  if (!isLoopback(host)) {
    throw new GatewayStartError(
      `refusing to listen on ${host} (gateway.bind): without TLS, tokens and messages would cross the network in the clear. ` +
      'Bind to 127.0.0.1 (set gateway.bind to "127.0.0.1" or pass --bind 127.0.0.1), or configure TLS with gateway.tls.enabled once it is available.',
    );
  }
}
