// Seed 003's security maturity model as something the audit can measure: which tier the
// effective configuration meets (basic, standard, defence-in-depth) and what is missing for
// the next one. Each requirement is "none of these findings" and/or a test of the config.
import type { AuditContext } from './context.ts';
import type { Finding } from './types.ts';
import { matchesSelector } from './types.ts';

export const TIERS = ['basic', 'standard', 'defence-in-depth'] as const;
export type Tier = (typeof TIERS)[number];

interface Requirement {
  tier: Tier;
  label: string;
  /** Findings (ids or prefixes) that break this requirement. */
  none?: string[];
  /** An extra test of the config; returns what is wrong, or undefined. */
  config?: (ctx: AuditContext) => string | undefined;
}

const maxAge = (days: number) => (ctx: AuditContext) => {
  const n = ctx.loaded?.config.security.auth.maxAgeDays;
  return n !== undefined && n > days ? `security.auth.maxAgeDays is ${n} (needs ${days} or less)` : undefined;
};

export const REQUIREMENTS: Requirement[] = [
  { tier: 'basic', label: 'API keys and tokens kept out of the config file', none: ['secrets.config', 'auth.tokens.plaintext_in_config', 'auth.apikey.plaintext_in_config', 'auth.tokens.weak_literal'] },
  { tier: 'basic', label: '.env and config files private (mode 600)', none: ['fs.env', 'fs.config.world_readable', 'fs.config.world_writable', 'fs.state.world_writable', 'fs.state.world_readable'] },
  { tier: 'basic', label: '.env git-ignored and never committed', none: ['secrets.env.not_gitignored', 'secrets.env.committed'] },
  { tier: 'basic', label: 'Audit logging enabled', none: ['logging.audit.disabled'] },
  { tier: 'basic', label: 'Keys rotated at least every 6 months', config: maxAge(180) },
  { tier: 'basic', label: 'The configuration loads', none: ['config.invalid'] },
  { tier: 'standard', label: 'hardshell runs as a non-root user', none: ['host.process.root', 'deploy.dockerfile.no_user', 'deploy.dockerfile.user_root', 'deploy.compose.no_user', 'deploy.systemd.no_user'] },
  { tier: 'standard', label: 'Tools run in a working sandbox', none: ['sandbox.mode.off', 'sandbox.provider', 'tools.exec.host_auto', 'tools.exec.host_unsandboxed'] },
  { tier: 'standard', label: 'Firewall on, gateway not exposed in the clear', none: ['host.firewall.none', 'host.gateway.public_listener', 'gateway.bind.public_no_tls', 'deploy.compose.port_public'] },
  { tier: 'standard', label: 'SSH key authentication only', none: ['host.ssh.password_auth', 'host.ssh.root_login', 'host.ssh.empty_passwords'] },
  { tier: 'standard', label: 'Backups exist and are private', none: ['backups'] },
  { tier: 'standard', label: 'Keys rotated every 90 days', none: ['auth.token.stale', 'auth.token.env_stale'], config: maxAge(90) },
  { tier: 'standard', label: 'Untrusted input cannot trigger side effects unchecked', none: ['tools.injection.off', 'tools.injection.trusted_files_wildcard'] },
  { tier: 'standard', label: 'Rate limiting on', none: ['network.rate_limit.disabled', 'network.rate_limit.very_high'] },
  { tier: 'defence-in-depth', label: 'Every agent sandboxed, including the main one', none: ['sandbox.mode.non_main'] },
  { tier: 'defence-in-depth', label: 'Every shell command needs a person or an allowlist', none: ['tools.exec.auto', 'tools.elevated.nonempty'] },
  { tier: 'defence-in-depth', label: 'Weekly credential rotation', config: maxAge(7) },
  { tier: 'defence-in-depth', label: 'Memory isolation and anti-poisoning', none: ['memory', 'sandbox.workspace.rw_non_main', 'secrets.workspace.secret_files'] },
  { tier: 'defence-in-depth', label: 'Sessions isolated from each other', none: ['channels.session.shared_dm_scope', 'sandbox.scope.agent', 'channels.dm.open', 'channels.dm.wildcard', 'channels.groups.wildcard'] },
  { tier: 'defence-in-depth', label: 'Complete audit trail', none: ['logging.audit.events_partial', 'logging.level.quiet', 'logging.level.debug'] },
  { tier: 'defence-in-depth', label: 'Spending limits on every agent', none: ['budgets.none'] },
  { tier: 'defence-in-depth', label: 'Egress limited to named hosts', none: ['egress.web_fetch', 'egress.provider.plaintext_http', 'sandbox.network.wildcard', 'sandbox.network.internal_host', 'browser.domains'] },
];

export interface TierReport {
  /** The highest tier whose requirements (and those below it) all hold; null when not even basic. */
  met: Tier | null;
  next: Tier | null;
  /** What the next tier still needs, with the findings that stand in the way. */
  missing: Array<{ label: string; because: string[] }>;
}

export function evaluateTiers(ctx: AuditContext, findings: Finding[]): TierReport {
  const failures = (r: Requirement): string[] => {
    const hits = [...new Set(findings.filter((f) => f.severity !== 'info' && (r.none ?? []).some((s) => matchesSelector(f.id, s))).map((f) => f.id))];
    const extra = r.config?.(ctx);
    return extra ? [...hits, extra] : hits;
  };
  let met: Tier | null = null;
  for (const tier of TIERS) {
    const missing = REQUIREMENTS.filter((r) => r.tier === tier).map((r) => ({ label: r.label, because: failures(r) })).filter((m) => m.because.length > 0);
    if (missing.length > 0) return { met, next: tier, missing };
    met = tier;
  }
  return { met, next: null, missing: [] };
}
