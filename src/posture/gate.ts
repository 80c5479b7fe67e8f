// The gateway's start gate: the critical checks run before it listens, and any that fails
// stops it with the fix — unless the owner named that check with --accept-risk.
import { buildContext, type AuditOptions } from './context.ts';
import { runAudit } from './runner.ts';
import { matchesSelector, type Finding } from './types.ts';

export interface GateResult {
  refused: Finding[];
  /** Critical findings the owner accepted with --accept-risk (started anyway, with a warning). */
  accepted: Finding[];
}

/**
 * Left out of the gate: an invalid config (the loader reports it itself, every problem with
 * its line), and deployment files in the current folder, which may describe other services
 * than the gateway being started (`security audit` still reports them).
 */
export const GATE_SKIP = ['config.invalid', 'deploy'];

export function startupGate(opts: AuditOptions & { acceptRisk?: string[] }): GateResult {
  const ctx = buildContext(opts);
  const report = runAudit(ctx, { severities: ['critical'], skip: GATE_SKIP });
  const accept = opts.acceptRisk ?? [];
  const accepted = report.findings.filter((f) => accept.some((a) => matchesSelector(f.id, a)));
  return { refused: report.findings.filter((f) => !accepted.includes(f)), accepted };
}

export function gateMessage(refused: Finding[]): string {
  const lines = [`refusing to start: ${refused.length} critical security finding${refused.length === 1 ? '' : 's'}.`];
  for (const f of refused) {
    lines.push(`  ${f.id}: ${f.message}${f.file ? ` [${f.file}${f.line ? `:${f.line}` : ''}]` : ''}`);
    lines.push(`    fix: ${f.fix}`);
  }
  lines.push('Fix them (hardshell security audit shows the details; --fix applies the safe ones), or start anyway with --accept-risk <check-id> for each risk you accept.');
  return lines.join('\n');
}
