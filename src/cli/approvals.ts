// `hardshell approvals list|show|approve|deny|rules|forget`: answer the requests that agents
// are waiting on, from any terminal, while the gateway or `hardshell agent` waits in another
// process. Also builds the approver every runtime hands its runner.
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { effectiveAgent } from '../config/agents.ts';
import { openStore, type Store } from '../store/db.ts';
import { whatWillRun } from '../policy/show.ts';
import { analyseCommand } from '../policy/shell/analyse.ts';
import { parseExecArgs } from '../policy/exec.ts';
import { SANDBOX_PATH } from '../sandbox/env.ts';
import type { ProgramIdentity } from '../approvals/binding.ts';
import { createApprover, type ApproverOptions } from '../approvals/approver.ts';
import { ApprovalStore, type AnswerResult, type ApprovalRecord } from '../approvals/store.ts';
import type { ApprovalChoice, Approver } from '../approvals/types.ts';
import type { AuditSink } from '../audit/types.ts';
import { printJson, say, UserError } from './io.ts';

export interface RuntimeApproverOptions {
  prompt?: ApproverOptions['prompt'];
  onPending?: ApproverOptions['onPending'];
  audit?: AuditSink;
  pollMs?: number;
}

/** The approver a runtime gives its runner: requests in the store, answered from anywhere. */
export function runtimeApprover(config: Config, home: string, store: Store, opts: RuntimeApproverOptions = {}): Approver {
  return createApprover({
    store: new ApprovalStore(store),
    timeoutMs: config.tools.exec.approvalTimeout,
    pollMs: opts.pollMs,
    prompt: opts.prompt,
    onPending: opts.onPending,
    audit: opts.audit,
    identify: (request) => {
      if (request.tool !== 'exec') return undefined;
      const agent = effectiveAgent(config, request.agentId, home);
      return programIdentity(request.args, config, agent.workspace);
    },
    describe: (request) => {
      const agent = effectiveAgent(config, request.agentId, home);
      const view = whatWillRun(request.tool, request.args, config, agent, agent.workspace, { onHost: request.onHost });
      return { view, binding: { agentId: request.agentId, tool: request.tool, args: request.args, workdir: view.workdir } };
    },
  });
}

const fileHashes = new Map<string, { key: string; sha256: string }>();

/** SHA-256 of a program file, cached by path, size and modification time. */
function fileHash(path: string): string {
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const cached = fileHashes.get(path);
  if (cached?.key === key) return cached.sha256;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  fileHashes.set(path, { key, sha256 });
  return sha256;
}

/** Where the sandbox's shell would find a program (the sandbox binds these folders from the host). */
function resolveProgram(written: string, workdir: string): string | null {
  const candidates = written.includes('/') ? [isAbsolute(written) ? written : join(workdir, written)] : SANDBOX_PATH.split(':').map((d) => join(d, written));
  for (const c of candidates) {
    try {
      const real = realpathSync(c);
      if (statSync(real).isFile()) return real;
    } catch { /* not there: the next folder */ }
  }
  return null;
}

/**
 * The files an exec call would start, resolved and hashed: an approval (and an "always" rule)
 * is bound to them, so a replaced binary is asked about again. Builtins and programs that are
 * not found count by name.
 */
export function programIdentity(args: unknown, config: Config, workspace: string): ProgramIdentity | undefined {
  const parsed = parseExecArgs(args);
  if (typeof parsed === 'string') return undefined;
  const workdir = parsed.workdir ? (isAbsolute(parsed.workdir) ? parsed.workdir : join(workspace, parsed.workdir)) : workspace;
  const parts: Array<{ path: string; sha256: string }> = [];
  for (const inv of analyseCommand(parsed.command, { inlineCode: config.tools.exec.inlineCode }).invocations) {
    const path = resolveProgram(inv.written, workdir);
    let sha256 = 'missing';
    if (path) {
      try { sha256 = fileHash(path); } catch { sha256 = 'unreadable'; }
    }
    parts.push({ path: path ?? `${inv.written} (not found)`, sha256 });
  }
  return { path: parts.map((p) => p.path).join(' '), sha256: createHash('sha256').update(parts.map((p) => `${p.path}\0${p.sha256}`).join('\n')).digest('hex') };
}

/** A request as a person reads it: every field on its own line, nothing hidden. */
export function formatApproval(r: ApprovalRecord, now = new Date(), full = false): string {
  const v = r.view;
  const LIMIT = 2000;
  const command = full || v.command.length <= LIMIT ? v.command
    : `${v.command.slice(0, LIMIT)}… (${v.command.length - LIMIT} more characters: \`hardshell approvals show ${r.id}\` prints all)`;
  const left = Math.max(0, Math.round((new Date(r.expiresAt).getTime() - now.getTime()) / 1000));
  const status = r.status === 'pending' ? `pending, ${left} s left` : `${r.status}${r.answeredBy ? ` by ${r.answeredBy}` : ''}${r.choice === 'always' ? ' (always)' : ''}`;
  const lines = [
    `${r.id}  ${status}`,
    `  agent:    ${r.agentId}   tool: ${r.tool}   session: ${r.sessionId}`,
    `  ${r.tool === 'exec' ? 'command' : 'args'}:  ${command}`,
  ];
  for (const p of v.programs) lines.push(`  runs:     ${JSON.stringify([p.program, ...p.argv.slice(1)])}${p.via.length ? `  (through ${p.via.join(' → ')})` : ''}`);
  lines.push(`  workdir:  ${v.workdir}`, `  env:      ${v.env.length ? v.env.join(', ') : '(none set)'}`, `  sandbox:  ${v.sandbox}`, `  network:  ${v.network}`, `  why:      ${v.reason} [${v.rule}]`);
  return lines.join('\n');
}

function openApprovals(): { approvals: ApprovalStore; close(): void } {
  const loaded = loadConfig();
  const db = openStore(loaded.paths.store);
  return { approvals: new ApprovalStore(db), close: () => db.close() };
}

/** Why an answer was not taken, as a sentence (the CLI's error, the chat's reply). */
export function notAnswered(id: string, result: Extract<AnswerResult, { ok: false }>): string {
  return result.reason === 'unknown' ? `there is no approval request "${id}" (hardshell approvals list shows them)`
    : result.reason === 'expired' ? `the request ${id} expired before it was answered; the call was denied`
    : `the request ${id} was already answered (${result.record?.status})`;
}

function answer(id: string, choice: ApprovalChoice, json: boolean | undefined): void {
  const { approvals, close } = openApprovals();
  try {
    const result = approvals.answer(id, choice, 'cli');
    if (!result.ok) throw new UserError(notAnswered(id, result));
    if (json) printJson({ id, status: result.record.status, choice });
    else say(`${choice === 'deny' ? 'denied' : choice === 'always' ? 'approved, and always for this exact call' : 'approved once'}: ${id}`);
  } finally {
    close();
  }
}

export function register(program: Command): void {
  const cmd = program.command('approvals').description('answer the requests agents are waiting on (a person in the loop)');
  cmd.command('list')
    .description('show pending requests (with --all, recent answered ones too)')
    .option('--all', 'include answered and expired requests')
    .option('--json', 'print JSON')
    .action((opts: { all?: boolean; json?: boolean }) => {
      const { approvals, close } = openApprovals();
      try {
        const list = approvals.list(opts.all ? {} : { status: 'pending' });
        if (opts.json) return printJson(list);
        if (list.length === 0) return say(opts.all ? 'no approval requests' : 'nothing is waiting for approval');
        say(list.map((r) => formatApproval(r)).join('\n\n'));
      } finally {
        close();
      }
    });
  cmd.command('show <id>')
    .description('show one request')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) => {
      const { approvals, close } = openApprovals();
      try {
        approvals.expire();
        const r = approvals.get(id);
        if (!r) throw new UserError(`there is no approval request "${id}" (hardshell approvals list shows them)`);
        if (opts.json) printJson(r);
        else say(formatApproval(r, new Date(), true));
      } finally {
        close();
      }
    });
  cmd.command('approve <id>')
    .description('let the waiting call run, once (or with --always, every time this exact call comes again)')
    .option('--always', 'also approve this exact call in future: same agent, tool, arguments, folder and program')
    .option('--json', 'print JSON')
    .action((id: string, opts: { always?: boolean; json?: boolean }) => answer(id, opts.always ? 'always' : 'once', opts.json));
  cmd.command('deny <id>')
    .description('refuse the waiting call; the model is told it was denied by policy')
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }) => answer(id, 'deny', opts.json));
  cmd.command('rules')
    .description('list the "always" approvals')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const { approvals, close } = openApprovals();
      try {
        const rules = approvals.rules();
        if (opts.json) return printJson(rules);
        if (rules.length === 0) return say('no "always" approvals');
        for (const r of rules) say(`${r.key}\n  agent ${r.agentId}, ${r.tool}: ${r.view.command}\n  by ${r.createdBy} at ${r.createdAt}`);
      } finally {
        close();
      }
    });
  cmd.command('forget <key>')
    .description('remove an "always" approval (its key from `approvals rules`)')
    .action((key: string) => {
      const { approvals, close } = openApprovals();
      try {
        if (!approvals.removeRule(key)) throw new UserError(`there is no "always" approval "${key}" (hardshell approvals rules lists them)`);
        say(`removed ${key}`);
      } finally {
        close();
      }
    });
}
