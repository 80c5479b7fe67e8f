// `hardshell security audit`: checks of the effective configuration, the file system, the
// deployment files here and the host; `--fix` applies the safe remediations.
// The posture modules load only when the command runs, so other commands do not pay for them.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { AuditOptions } from '../posture/context.ts';
import type { AuditReport } from '../posture/runner.ts';
import type { FixResult } from '../posture/fixes.ts';
import { say } from './io.ts';

interface AuditFlags {
  deep?: boolean;
  json?: boolean;
  sarif?: string;
  fix?: boolean;
  skip: string[];
  dir?: string;
  hostRoot?: string;
  config?: string;
  verbose?: boolean;
  openclaw?: string | true;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  const security = program.command('security').description('security checks of this install');
  security.command('audit')
    .description('check the effective configuration, files, deployment and host; exits 1 on any critical or high finding')
    .option('--deep', 'also probe the running gateway (auth enforced, /healthz quiet)')
    .option('--json', 'print the report as JSON')
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to this file')
    .option('--fix', 'apply the safe remediations (file modes, .gitignore, audit/log settings), with backups')
    .option('--skip <check>', 'leave out a check id, family or id prefix (repeatable), e.g. --skip host', collect, [])
    .option('--dir <folder>', 'where to look for Dockerfile, compose files and systemd units (default: the current folder)')
    .option('--config <file>', 'audit this config file instead of the state folder\'s hardshell.json')
    .option('--host-root <folder>', 'read host files (/etc/ssh, /proc, ...) under this folder, e.g. a mounted image')
    .option('--openclaw [folder]', 'audit an OpenClaw install instead (its openclaw.json, .env, state modes, compose files; default ~/.openclaw)')
    .option('-v, --verbose', 'also show info findings')
    .action(async (flags: AuditFlags) => {
      process.exitCode = await audit(flags);
    });
}

async function audit(flags: AuditFlags): Promise<number> {
  const [{ exitCodeFor }, { renderHuman, renderJson, renderSarif }, { applyFixes }] = await Promise.all([
    import('../posture/runner.ts'), import('../posture/report.ts'), import('../posture/fixes.ts'),
  ]);
  const opts: AuditOptions = { env: process.env, projectDir: flags.dir, hostRoot: flags.hostRoot, file: flags.config, openclaw: flags.openclaw };
  let report = await fullReport(opts, flags);
  let fixes: FixResult[] | undefined;
  if (flags.fix) {
    fixes = applyFixes(report.findings);
    if (fixes.length > 0) report = await fullReport(opts, flags);
  }
  if (flags.sarif) writeFileSync(flags.sarif, renderSarif(report));
  if (flags.json) {
    const out = JSON.parse(renderJson(report));
    process.stdout.write(JSON.stringify(fixes ? { ...out, fixes } : out, null, 2) + '\n');
  } else {
    if (fixes) printFixes(fixes);
    process.stdout.write(renderHuman(report, { colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, verbose: flags.verbose }));
    if (flags.sarif) say(`SARIF written to ${flags.sarif}`);
  }
  return exitCodeFor(report);
}

async function fullReport(opts: AuditOptions, flags: AuditFlags): Promise<AuditReport> {
  const [{ buildContext }, { runAudit }, { SEVERITIES, severityRank }] = await Promise.all([
    import('../posture/context.ts'), import('../posture/runner.ts'), import('../posture/types.ts'),
  ]);
  const ctx = buildContext(opts);
  const report = runAudit(ctx, { skip: flags.skip });
  if (flags.deep && ctx.loaded) {
    const { runDeepChecks } = await import('../posture/deep.ts');
    report.findings.push(...await runDeepChecks(ctx));
    report.findings.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    for (const s of SEVERITIES) report.counts[s] = report.findings.filter((f) => f.severity === s).length;
  }
  return report;
}

function printFixes(fixes: FixResult[]): void {
  say(`hardshell security audit --fix: ${fixes.filter((f) => !f.error).length} fixed, ${fixes.filter((f) => f.error).length} left for you`);
  for (const f of fixes) {
    if (f.error) say(`  ✗ ${f.id}: ${f.error}`);
    else say(`  ✓ ${f.id}: ${f.target}: ${f.before} → ${f.after}${f.backup ? ` (backup: ${f.backup})` : ''}`);
  }
  say('');
}
