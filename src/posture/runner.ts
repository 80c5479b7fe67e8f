// Runs the checks over one context and collects the findings, most severe first. A check
// that needs the config is skipped when it did not load (config.invalid says why); a check
// that throws becomes a finding of its own rather than hiding the rest of the report.
import { allChecks } from './checks/index.ts';
import { openclawChecks } from './openclaw.ts';
import { NoConfig, type AuditContext } from './context.ts';
import { SEVERITIES, matchesSelector, severityRank, type Check, type Finding, type Severity } from './types.ts';
import { evaluateTiers, type TierReport } from './tiers.ts';

export { matchesSelector };

export interface AuditReport {
  home: string;
  configFile: string;
  projectDir: string;
  /** True when this is an OpenClaw install's audit. */
  openclaw?: boolean;
  checksRun: number;
  /** Checks not run: by --skip, or because the config did not load. */
  skipped: string[];
  findings: Finding[];
  counts: Record<Severity, number>;
  tiers: TierReport;
}

export interface RunOptions {
  /** Check ids, families or id prefixes to leave out (`host`, `deploy.compose`, `host.process.root`). */
  skip?: string[];
  /** Only these severities (the gateway's start gate runs the critical ones). */
  severities?: Severity[];
  checks?: Check[];
}

export function runAudit(ctx: AuditContext, opts: RunOptions = {}): AuditReport {
  const checks = opts.checks ?? (ctx.openclaw ? [...allChecks, ...openclawChecks] : allChecks);
  const skipped: string[] = [];
  const findings: Finding[] = [];
  let run = 0;
  for (const check of checks) {
    if ((opts.skip ?? []).some((s) => matchesSelector(check.id, s)) || (opts.severities && !opts.severities.includes(check.severity))) {
      skipped.push(check.id);
      continue;
    }
    let drafts;
    try {
      drafts = check.run(ctx);
    } catch (err) {
      if (err instanceof NoConfig) { skipped.push(check.id); continue; }
      drafts = { message: `this check could not run: ${(err as Error).message}`, fix: 'Report this as a bug in hardshell; the other checks still ran.' };
    }
    run++;
    for (const d of drafts === undefined ? [] : Array.isArray(drafts) ? drafts : [drafts]) {
      // An OpenClaw config is read through a conversion: its keys are not hardshell's to edit.
      if (ctx.openclaw && d.action?.kind === 'config-set') delete d.action;
      findings.push({ id: check.id, family: check.family, severity: check.severity, title: check.title, why: check.why, ...d, fix: d.fix ?? check.fix });
    }
  }
  findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || checks.findIndex((c) => c.id === a.id) - checks.findIndex((c) => c.id === b.id));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    home: ctx.paths.home, configFile: ctx.paths.config, projectDir: ctx.projectDir, ...(ctx.openclaw ? { openclaw: true } : {}),
    checksRun: run, skipped, findings, counts, tiers: evaluateTiers(ctx, findings),
  };
}

/** Exit code for CI: 1 when any critical or high finding remains. */
export function exitCodeFor(report: Pick<AuditReport, 'counts'>): number {
  return report.counts.critical + report.counts.high > 0 ? 1 : 0;
}
