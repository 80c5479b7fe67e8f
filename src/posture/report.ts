// The three ways an audit is shown: for people (grouped by severity, colour only on a TTY),
// JSON for scripts, and SARIF 2.1.0 for code-scanning tools.
import { pathToFileURL } from 'node:url';
import { allChecks } from './checks/index.ts';
import { openclawChecks } from './openclaw.ts';
import { deepChecks } from './deep.ts';
import { SEVERITIES, type Finding, type Severity } from './types.ts';
import type { AuditReport } from './runner.ts';

const COLOURS: Record<Severity, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

export function renderHuman(report: AuditReport, opts: { colour: boolean; verbose?: boolean } = { colour: false }): string {
  const c = (s: Severity, text: string) => (opts.colour ? `${COLOURS[s]}${text}\x1b[0m` : text);
  const bold = (text: string) => (opts.colour ? `\x1b[1m${text}\x1b[0m` : text);
  const out: string[] = [];
  out.push(bold(`hardshell security audit — ${report.configFile}${report.openclaw ? ' (OpenClaw install, read through hardshell migrate openclaw)' : ''}`));
  out.push(`${report.checksRun} checks run${report.skipped.length ? `, ${report.skipped.length} skipped` : ''}; deployment files from ${report.projectDir}`);
  out.push('');
  for (const sev of SEVERITIES) {
    const group = report.findings.filter((f) => f.severity === sev);
    if (group.length === 0 || (sev === 'info' && !opts.verbose)) continue;
    out.push(c(sev, `${sev.toUpperCase()} (${group.length})`));
    for (const f of group) {
      out.push(`  ${c(sev, '●')} ${bold(f.id)}  ${f.title}`);
      out.push(`    found: ${f.message}${where(f)}`);
      out.push(`    why:   ${f.why}`);
      out.push(`    fix:   ${f.fix}${f.action ? '  (hardshell security audit --fix does this)' : ''}`);
    }
    out.push('');
  }
  const info = report.counts.info;
  out.push(`Summary: ${SEVERITIES.map((s) => c(s, `${report.counts[s]} ${s}`)).join(', ')}${info && !opts.verbose ? ' (info findings shown with --verbose)' : ''}`);
  const fixable = report.findings.filter((f) => f.action).length;
  if (fixable) out.push(`${fixable} finding${fixable === 1 ? '' : 's'} can be fixed safely with: hardshell security audit --fix`);
  const t = report.tiers;
  out.push(`Security tier (seed 003): ${t.met ?? 'below basic'}${t.next ? `; for ${t.next}:` : ' (the highest)'}`);
  for (const m of t.missing) out.push(`  - ${m.label} (${m.because.join('; ')})`);
  return out.join('\n') + '\n';
}

function where(f: Finding): string {
  if (!f.file) return '';
  return ` [${f.file}${f.line ? `:${f.line}` : ''}${f.key ? ` ${f.key}` : ''}]`;
}

export function renderJson(report: AuditReport): string {
  return JSON.stringify({
    ok: report.counts.critical + report.counts.high === 0,
    ...report,
  }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SARIF_SCORE: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function renderSarif(report: AuditReport): string {
  const used = new Set(report.findings.map((f) => f.id));
  const rules = [...allChecks, ...deepChecks, ...openclawChecks].filter((c) => used.has(c.id));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'hardshell security audit',
          informationUri: 'https://github.com/hardshell/hardshell/blob/main/docs/security-audit.md',
          version: '0.1.0',
          rules: rules.map((r) => ({
            id: r.id,
            name: r.id.replace(/[._](\w)/g, (_, x: string) => x.toUpperCase()),
            shortDescription: { text: r.title },
            fullDescription: { text: r.why },
            help: { text: r.fix },
            defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            properties: { 'security-severity': SARIF_SCORE[r.severity], tags: ['security', r.family] },
          })),
        },
      },
      results: report.findings.map((f) => ({
        ruleId: f.id,
        ruleIndex: rules.findIndex((r) => r.id === f.id),
        level: SARIF_LEVEL[f.severity],
        message: { text: `${f.message}. Fix: ${f.fix}` },
        ...(f.file && f.file.startsWith('/') ? {
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: pathToFileURL(f.file).href },
              ...(f.line ? { region: { startLine: f.line } } : {}),
            },
            ...(f.key ? { logicalLocations: [{ fullyQualifiedName: f.key, kind: 'member' }] } : {}),
          }],
        } : {}),
        properties: { severity: f.severity, family: f.family, fixable: Boolean(f.action) },
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
