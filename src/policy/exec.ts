// Which shell commands may run: `tools.exec.security` with allowedCommands, deniedCommands and
// inlineCode, applied to every program the command line would start (shell/analyse.ts).
// Denied programs are denied wherever they appear and in every mode; anything not fully
// understood is never allowed: it asks (ask, auto) or is denied (allowlist).
import type { Config } from '../config/schema.ts';
import { analyseCommand, dangerousEnvName, INERT_BUILTINS, type ExecAnalysis, type Finding, type Invocation } from './shell/analyse.ts';
import type { Decision } from './decision.ts';

export type ExecMode = Config['tools']['exec']['security'];

export interface ExecArgs {
  command: string;
  workdir?: string;
  env?: Record<string, string>;
}

/** Lists prepared once per config: matching is then a Set lookup per program. */
interface ExecRules {
  mode: ExecMode;
  denied: Set<string>;
  allowedNames: Set<string>;
  /** Entries with arguments (`npm test`): the program and the words its argv must start with. */
  allowedPrefixes: Array<{ name: string; words: string[] }>;
  inlineCode: string[];
}

const prepared = new WeakMap<Config['tools']['exec'], ExecRules>();

function rulesFor(exec: Config['tools']['exec']): ExecRules {
  let r = prepared.get(exec);
  if (r) return r;
  const base = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  const allowedNames = new Set<string>();
  const allowedPrefixes: ExecRules['allowedPrefixes'] = [];
  for (const entry of exec.allowedCommands) {
    const words = entry.trim().split(/\s+/);
    if (words.length === 1) allowedNames.add(base(words[0]));
    else allowedPrefixes.push({ name: base(words[0]), words: words.slice(1) });
  }
  r = {
    mode: exec.security,
    denied: new Set(exec.deniedCommands.map((d) => base(d.trim().split(/\s+/)[0]))),
    allowedNames, allowedPrefixes,
    inlineCode: exec.inlineCode ?? [],
  };
  prepared.set(exec, r);
  return r;
}

/** The stricter of two modes; `allowlist` and `ask` together ask about what the list allows. */
export function narrowMode(a: ExecMode, b: ExecMode | undefined): ExecMode {
  if (!b || a === b) return a;
  if (a === 'deny' || b === 'deny') return 'deny';
  if (a === 'auto') return b;
  if (b === 'auto') return a;
  return 'ask';
}

function describeVia(inv: Invocation): string {
  return inv.via.length ? ` (reached through ${inv.via.join(' → ')})` : '';
}

export function parseExecArgs(args: unknown): ExecArgs | string {
  if (typeof args !== 'object' || args === null) return 'exec needs an object with a "command" string';
  const a = args as Record<string, unknown>;
  if (typeof a.command !== 'string' || a.command.trim() === '') return 'exec needs a non-empty "command" string';
  if (a.workdir !== undefined && typeof a.workdir !== 'string') return 'exec "workdir" must be a string';
  if (a.env !== undefined && (typeof a.env !== 'object' || a.env === null || Object.values(a.env).some((v) => typeof v !== 'string'))) {
    return 'exec "env" must be an object of strings';
  }
  return { command: a.command, workdir: a.workdir as string | undefined, env: a.env as Record<string, string> | undefined };
}

/** The decision for one exec call under the config's exec rules, with an optional narrower mode. */
export function execDecision(args: unknown, config: Config, narrower?: ExecMode): Decision & { analysis?: ExecAnalysis } {
  const rules = rulesFor(config.tools.exec);
  const mode = narrowMode(rules.mode, narrower);
  if (mode === 'deny') {
    return { decision: 'deny', reason: 'running commands is turned off (tools.exec.security is "deny")', rule: 'tools.exec.security=deny' };
  }
  const parsed = parseExecArgs(args);
  if (typeof parsed === 'string') return { decision: 'deny', reason: parsed, rule: 'exec.arguments' };
  const analysis = analyseCommand(parsed.command, { inlineCode: rules.inlineCode });
  for (const name of Object.keys(parsed.env ?? {})) {
    if (dangerousEnvName(name)) analysis.findings.push({ kind: 'environment', message: `setting ${name} changes which program runs or what it runs` });
  }

  for (const inv of analysis.invocations) {
    if (rules.denied.has(inv.name)) {
      return { decision: 'deny', reason: `"${inv.name}" is in tools.exec.deniedCommands${describeVia(inv)}`, rule: 'tools.exec.deniedCommands', analysis };
    }
  }
  // Where the analysis could not follow the command (`git -c core.pager=rm`, `env -S 'rm x'`,
  // inline code), a denied name anywhere in it as a word is enough: denied wherever it appears.
  if (analysis.findings.length > 0) {
    for (const token of parsed.command.split(/[^A-Za-z0-9_.+-]+/)) {
      if (rules.denied.has(token)) {
        return { decision: 'deny', reason: `"${token}" is in tools.exec.deniedCommands and appears in a part of the command hardshell could not fully follow (${analysis.findings[0].message})`, rule: 'tools.exec.deniedCommands', analysis };
      }
    }
  }
  const privilege = analysis.findings.find((f) => f.kind === 'privilege');
  if (privilege) return { decision: 'deny', reason: `${privilege.message}; commands never change privileges`, rule: 'exec.privilege', analysis };

  const finding = analysis.findings[0];
  if (mode === 'auto') {
    if (finding) return { decision: 'ask', reason: `${finding.message}, so a person must approve it`, rule: findingRule(finding), analysis };
    return { decision: 'allow', reason: 'commands run without approval, inside the sandbox (tools.exec.security is "auto")', rule: 'tools.exec.security=auto', analysis };
  }
  if (mode === 'ask') {
    const why = finding ? ` (note: ${finding.message})` : '';
    return { decision: 'ask', reason: `every command needs a person's approval (tools.exec.security is "ask")${why}`, rule: 'tools.exec.security=ask', analysis };
  }
  // allowlist (and allowlist narrowed from ask, handled above as ask)
  if (finding) return { decision: 'deny', reason: `${finding.message}; under tools.exec.security "allowlist" only commands hardshell fully understands run`, rule: findingRule(finding), analysis };
  for (const inv of analysis.invocations) {
    if (inv.wrapper) continue;
    if (inv.untrustedPath) {
      return { decision: 'deny', reason: `"${inv.written}" is a file outside the system program folders, not the allowed program "${inv.name}"${describeVia(inv)}`, rule: 'tools.exec.allowedCommands', analysis };
    }
    if (!isAllowed(inv, rules)) {
      return { decision: 'deny', reason: `"${inv.name}" is not in tools.exec.allowedCommands${describeVia(inv)}`, rule: 'tools.exec.allowedCommands', analysis };
    }
  }
  if (analysis.invocations.length === 0) {
    return { decision: 'deny', reason: 'the command runs no program hardshell could identify', rule: 'exec.not-understood', analysis };
  }
  return { decision: 'allow', reason: 'every program in the command is in tools.exec.allowedCommands', rule: 'tools.exec.allowedCommands', analysis };
}

function isAllowed(inv: Invocation, rules: ExecRules): boolean {
  if (rules.allowedNames.has(inv.name)) return true;
  if (INERT_BUILTINS.has(inv.name)) return true;
  return rules.allowedPrefixes.some((p) => p.name === inv.name && p.words.every((w, i) => inv.argv[i + 1] === w));
}

function findingRule(f: Finding): string {
  switch (f.kind) {
    case 'inline-code': return 'tools.exec.inlineCode';
    case 'network': return 'exec.network';
    case 'environment': return 'exec.environment';
    case 'privilege': return 'exec.privilege';
    default: return 'exec.not-understood';
  }
}
