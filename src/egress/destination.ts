// The one decision every outbound connection passes, from guarded fetch and from the proxy
// alike: is this host on the allowlist (deny entries first), is the port allowed, and which
// checked address do we connect to. The name is looked up only once it is on the list, so an
// unlisted name never even reaches DNS.
import { checkHost, type HostRules } from './allowlist.ts';
import { resolvePinned, type ResolverOptions } from './resolve.ts';

export interface EgressRules extends HostRules, ResolverOptions {
  /** Ports that may be connected to. */
  ports?: readonly number[];
  /** The config key named in refusals, e.g. `tools.web.fetch.allowedDomains`. */
  allowlistKey?: string;
  /** The config key of the deny entries, named when one of them refuses a host. */
  denylistKey?: string;
}

/**
 * One audit event per connection attempt. A type, not an interface, so that it is assignable
 * to the audit room's AuditRecord as is.
 */
export type EgressAuditEvent = {
  kind: 'egress';
  action: 'connect';
  decision: 'allow' | 'deny';
  /** Which part of egress decided: the gateway's guarded fetch, the sandbox's proxy, or the browser's per-request check. */
  via: 'fetch' | 'proxy' | 'browser';
  host: string;
  /** The address connected to (allow), or the refused one (deny), when known. */
  address?: string;
  port: number;
  reason: string;
  /** The tool call this connection belongs to. */
  callId?: string;
};

export type EgressAudit = (event: EgressAuditEvent) => void;

export type Destination =
  | { ok: true; host: string; port: number; address: string; family: 4 | 6; reason: string }
  | { ok: false; host: string; port: number; address?: string; reason: string };

export const DEFAULT_ALLOWLIST_KEY = 'the egress allowlist';

/** Host and port against the rules, without any lookup: what can be decided from the name alone. */
export function checkName(host: string, port: number, rules: EgressRules): { ok: true; host: string; entry: string } | Extract<Destination, { ok: false }> {
  const key = rules.allowlistKey ?? DEFAULT_ALLOWLIST_KEY;
  const verdict = checkHost(host, rules);
  if (!verdict.allowed) {
    const h = verdict.host;
    const reason = verdict.why === 'invalid'
      ? `"${host}" is not a valid host name`
      : verdict.why === 'denied'
        ? `${h} is refused by the deny entry "${verdict.entry}"${rules.denylistKey ? ` in ${rules.denylistKey}` : ''}`
        : rules.allowedDomains.length === 0
          ? `${h} is not in ${key} (the list is empty, so no host may be reached)`
          : `${h} is not in ${key}`;
    return { ok: false, host: h, port, reason };
  }
  const ports = rules.ports ?? [80, 443];
  if (!ports.includes(port)) {
    return { ok: false, host: verdict.host, port, reason: `port ${port} is not allowed (allowed: ${ports.join(', ') || 'none'})` };
  }
  return { ok: true, host: verdict.host, entry: verdict.entry };
}

/** Checks host and port, then resolves and pins. `host` as URLs write it (IPv6 in brackets). */
export async function checkDestination(host: string, port: number, rules: EgressRules, signal?: AbortSignal): Promise<Destination> {
  const named = checkName(host, port, rules);
  if (!named.ok) return named;
  const r = await resolvePinned(named.host, rules, signal);
  if (!r.ok) return { ok: false, host: named.host, port, address: r.address, reason: r.reason };
  return {
    ok: true, host: named.host, port, address: r.address, family: r.family,
    reason: `${named.host} is allowed by "${named.entry}" in ${rules.allowlistKey ?? DEFAULT_ALLOWLIST_KEY}`,
  };
}

/** The audit event for a decision. */
export function auditEvent(d: Destination, via: EgressAuditEvent['via'], callId?: string): EgressAuditEvent {
  const event: EgressAuditEvent = {
    kind: 'egress', action: 'connect', decision: d.ok ? 'allow' : 'deny', via,
    host: d.host, port: d.port, reason: d.reason,
  };
  if (d.address !== undefined) event.address = d.address;
  if (callId !== undefined) event.callId = callId;
  return event;
}
