// `hardshell approvals list|show|approve|deny|rules|forget`: answer the requests that agents
// are waiting on, from any terminal, while the gateway or `hardshell agent` waits in another
// process. Also builds the approver every runtime hands its runner.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { effectiveAgent } from '../config/agents.ts';
import { openStore, type Store } from '../store/db.ts';
import { whatWillRun } from '../policy/show.ts';
import { createApprover, type ApproverOptions } from '../approvals/approver.ts';
import { ApprovalStore, type ApprovalRecord } from '../approvals/store.ts';
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
    describe: (request) => {
      const agent = effectiveAgent(config, request.agentId, home);
      const view = whatWillRun(request.tool, request.args, config, agent, agent.workspace);
      return { view, binding: { agentId: request.agentId, tool: request.tool, args: request.args, workdir: view.workdir } };
    },
  });
}

/** A request as a person reads it: every field on its own line, nothing hidden. */
export function formatApproval(r: ApprovalRecord, now = new Date()): string {
  const v = r.view;
  const left = Math.max(0, Math.round((new Date(r.expiresAt).getTime() - now.getTime()) / 1000));
  const status = r.status === 'pending' ? `pending, ${left} s left` : `${r.status}${r.answeredBy ? ` by ${r.answeredBy}` : ''}${r.choice === 'always' ? ' (always)' : ''}`;
  const lines = [
    `${r.id}  ${status}`,
    `  agent:    ${r.agentId}   tool: ${r.tool}   session: ${r.sessionId}`,
    `  ${r.tool === 'exec' ? 'command' : 'args'}:  ${v.command}`,
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

function answer(id: string, choice: ApprovalChoice, json: boolean | undefined): void {
  const { approvals, close } = openApprovals();
  try {
    const result = approvals.answer(id, choice, 'cli');
    if (!result.ok) {
      const why = result.reason === 'unknown' ? `there is no approval request "${id}" (hardshell approvals list shows them)`
        : result.reason === 'expired' ? `the request ${id} expired before it was answered; the call was denied`
        : `the request ${id} was already answered (${result.record?.status})`;
      throw new UserError(why);
    }
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
        else say(formatApproval(r));
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
