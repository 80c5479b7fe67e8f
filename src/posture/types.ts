// The shapes of the security audit: a check (stable id, family, severity, what it looks at),
// the findings it returns (what was found, where, why it matters, the exact fix), and the
// safe remediations `--fix` may apply for some of them.
import type { AuditContext } from './context.ts';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FAMILIES = [
  'config', 'gateway', 'auth', 'network', 'channels', 'tools', 'sandbox', 'egress', 'secrets',
  'logging', 'memory', 'skills', 'browser', 'budgets', 'backups', 'deploy', 'host', 'fs', 'openclaw',
] as const;
export type Family = (typeof FAMILIES)[number];

/** A remediation `--fix` may apply without asking: it can never lock the owner out. */
export type FixAction =
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'gitignore'; file: string; entry: string }
  | { kind: 'config-set'; file: string; keyPath: Array<string | number>; value: unknown };

export interface FindingDraft {
  /** What was found, in a sentence, naming the value. */
  message: string;
  file?: string;
  /** The config key path as written (`tools.exec.security`). */
  key?: string;
  line?: number;
  /** The exact fix for this finding, when more specific than the check's general fix. */
  fix?: string;
  /** Set when `--fix` can apply the remediation safely. */
  action?: FixAction;
}

export interface Finding extends FindingDraft {
  id: string;
  family: Family;
  severity: Severity;
  title: string;
  why: string;
  fix: string;
}

export interface Check {
  /** Stable, dotted: `<family>.<subject>.<problem>`. Never renamed once shipped. */
  id: string;
  family: Family;
  severity: Severity;
  title: string;
  /** Why it matters, for the report and docs/security-audit.md. */
  why: string;
  /** The general fix; a finding may carry a more specific one. */
  fix: string;
  run(ctx: AuditContext): FindingDraft[] | FindingDraft | undefined | void;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** A --skip / --accept-risk selector: a check id, a family, or an id prefix. */
export function matchesSelector(id: string, selector: string): boolean {
  return id === selector || id.startsWith(`${selector}.`);
}
