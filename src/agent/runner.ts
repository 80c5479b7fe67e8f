// One agent turn, end to end: context → model → tool calls (each through policy.decide) →
// results → model → … → reply. The model never runs a tool itself: the AI SDK is given tool
// schemas without implementations, and this loop decides and executes every call.
import { mkdirSync, realpathSync } from 'node:fs';
import { matchesGlob } from 'node:path';
import type { ModelMessage, ToolSet, streamText as StreamText } from 'ai';
import type { Config } from '../config/schema.ts';
import { effectiveAgent, agentIds, type EffectiveAgent } from '../config/agents.ts';
import { prepareExec, type ExecScope, type ExecScopeDeps } from './exec-scope.ts';
import { BrowserSessions } from '../tools/browser-session.ts';
import { execSandboxFor } from '../tools/exec.ts';
import type { Sessions } from '../sessions/store.ts';
import type { UsageLedger } from '../sessions/usage.ts';
import type { MemoryLedger } from '../sessions/memory.ts';
import type { FilePort, MemoryPort, MessagePort } from '../tools/types.ts';
import { sha256 } from '../tools/memory.ts';
import { TurnBudget, DEFAULT_MAX_CONCURRENT_TURNS } from './budgets.ts';
import type { ToolDef } from '../tools/types.ts';
import { allTools } from '../tools/registry.ts';
import { decide, type PolicyContext } from '../policy/decide.ts';
import { offeredTools } from '../policy/tools.ts';
import { runsOnHostWhenApproved } from '../policy/elevated.ts';
import { chooseModel, type ModelChoice, type ResolvedModel } from './providers.ts';
import { systemPrompt, transcriptMessages, newNonce, sessionTaint, untrustedLabel, wrapUntrusted, type Taint } from './context.ts';
import { runTool } from './run-tool.ts';
import { modelSchema } from './tool-schemas.ts';
import { Subagents, type ChildSpec } from './subagents.ts';
import type { SubagentPort } from '../tools/types.ts';
import type { AuditSink } from '../audit/types.ts';
import type { ApprovalAnswer, Approver } from '../approvals/types.ts';
import type { AgentRunner, StopReason, ToolCallRecord, TurnEvent, TurnRequest, TurnResult } from './events.ts';

export const DEFAULT_MAX_STEPS = 25;
export const DEFAULT_TURN_TIMEOUT_MS = 10 * 60 * 1000;

export interface RunnerDeps {
  config: Config;
  /** The state folder; the default workspace lies inside it. */
  home: string;
  /** Environment used to resolve provider keys and secret references. */
  env: NodeJS.ProcessEnv;
  sessions: Sessions;
  /** Daily spending per agent, for budgets. */
  usage: UsageLedger;
  /** Memory entries and bootstrap-file fingerprints. */
  memory: MemoryLedger;
  tools?: ToolDef[];
  /** Every tool result passes this before the model sees it (the secrets room's redactor). */
  redact?: (text: string) => string;
  /** Every decision and tool run is reported here (the audit room). */
  audit?: AuditSink;
  /** Asked when policy says `ask`. Without one, `ask` means no. */
  approver?: Approver;
  /** The running chat channels, for the message tool (the gateway's); absent, the tool says none run. */
  message?: MessagePort;
  /** A model to use for every turn instead of the configured one (`hardshell demo`'s scripted model). */
  model?: ResolvedModel;
  /** Tests only: name resolution and address ranges for the sandbox's egress proxy. */
  egress?: ExecScopeDeps['egress'];
  /** The sessions' sandboxed browsers; the runner makes its own if absent (tests pass one to close it). */
  browsers?: BrowserSessions;
}

type Provenance = 'owner' | 'user' | 'tool' | 'web' | 'agent';

/** What the turn knows about trust: the first untrusted content, and files the owner vouches for. */
interface TrustState {
  taint: Taint | null;
  /** Paths or globs (`notes/**`) from agents.*.trustedFiles. */
  trustedFiles: string[];
}

const normalisePath = (p: string) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** `file:<path>` of a file the agent's trustedFiles name (exactly or by glob) counts as the owner's own words. */
function isTrustedFile(source: string, trust: TrustState): boolean {
  if (!source.startsWith('file:')) return false;
  const path = normalisePath(source.slice(5));
  return trust.trustedFiles.some((pattern) => pattern === path || matchesGlob(path, pattern));
}

/** The memory tools' view of hardshell: entries recorded with the session's taint. */
function memoryPort(deps: RunnerDeps, workspace: string, agentId: string, sessionId: string, trust: TrustState, vouch: MemoryPort['vouchedFor']): MemoryPort {
  return {
    record: (file, content) => {
      const entry = deps.memory.add({ agentId, sessionId, file, content, taintedBy: trust.taint?.source ?? null });
      deps.audit?.({ kind: 'tool', action: entry.status === 'quarantined' ? 'memory_quarantined' : 'memory_written', agentId, sessionId, file, entry: entry.id, taintedBy: entry.taintedBy });
      return { id: entry.id, status: entry.status === 'quarantined' ? 'quarantined' : 'written', taintedBy: entry.taintedBy };
    },
    wrote: (file, content) => deps.memory.accept(workspace, file, sha256(content)),
    vouchedFor: vouch,
    // Without a redactor nothing can be recognised as a secret: then nothing is remembered.
    containsSecret: (text) => (deps.redact ? deps.redact(text) !== text : true),
  };
}

/**
 * Provenance of the files this turn writes: content from a session holding no untrusted
 * content is vouched for, so reading it back later does not taint a session; anything a
 * tainted session writes, or an edit that keeps unvouched content, is not.
 *
 * A fingerprint is held until flush(), which the turn calls in the commit that records the
 * call's result: the two land together. A process killed in between loses the fingerprint,
 * and the file then reads as not vouched for (fails closed). A fingerprint vouches only for
 * exactly that content, so one landing after another writer's change vouches for nothing.
 */
function filePort(ledger: MemoryLedger, workspace: string, trust: TrustState): { port: FilePort; flush(): void } {
  const pending = new Map<string, string | null>();
  const hashOf = (path: string) => (pending.has(path) ? pending.get(path) ?? null : ledger.writtenHash(workspace, path));
  const listed = (path: string) => isTrustedFile(`file:${path}`, trust);
  const vouchedFor = (path: string, text: string) => listed(path) || hashOf(path) === sha256(text);
  return {
    port: {
      wrote: (path, content, before) => {
        const keepsUnvouched = before !== undefined && !vouchedFor(path, before);
        pending.set(path, trust.taint || keepsUnvouched ? null : sha256(content));
      },
      mayVouch: (path) => listed(path) || hashOf(path) !== null,
      vouchedFor,
    },
    flush: () => {
      for (const [path, hash] of pending) ledger.wroteFile(workspace, path, hash);
      pending.clear();
    },
  };
}

/** What one tool call needs from the turn around it. */
interface CallScope {
  memory: MemoryPort;
  files: FilePort;
  agent: EffectiveAgent;
  /** The main agent's workspace: an agent sharing it gets the main agent's sandbox rules. */
  mainWorkspace: string;
  /** The session's trust so far; policy reads it for the rule of two. */
  trust: TrustState;
  policy: PolicyContext;
  byName: Map<string, ToolDef>;
  workspace: string;
  subagents: SubagentPort;
  sessionId: string;
  signal: AbortSignal;
  emit: (e: TurnEvent) => void;
  deps: RunnerDeps;
  browsers: BrowserSessions;
  /** A sub-agent's turn: its commands stay in their sandbox even when exec is elevated. */
  child: boolean;
}

export function createAgentRunner(deps: RunnerDeps): AgentRunner {
  const tools = deps.tools ?? allTools;
  const byName = new Map(tools.map((t) => [t.name, t]));
  const browsers = deps.browsers ?? new BrowserSessions({ home: deps.home, audit: deps.audit, egress: deps.egress });
  const available = tools.map((t) => t.name);
  const models = new Map<string, Promise<ModelChoice>>();
  const running = new Map<string, number>();
  // The AI SDK is loaded on the first turn, not at start-up: it is most of the start-up time.
  let sdk: Promise<typeof import('ai')> | undefined;
  let schemas: Map<string, unknown> | undefined;
  async function toolSchemas(): Promise<{ streamText: typeof StreamText; schemas: Map<string, unknown> }> {
    const { streamText, jsonSchema } = await (sdk ??= import('ai'));
    schemas ??= new Map(tools.map((t) => [t.name, jsonSchema(modelSchema(t) as Parameters<typeof jsonSchema>[0])]));
    return { streamText, schemas };
  }

  // A model is built once per configured name; a missing one is looked for again next turn
  // (the user may have started Ollama or set a key meanwhile).
  async function modelFor(ref: string | undefined): Promise<ModelChoice> {
    if (deps.model) return deps.model;
    const key = ref ?? '';
    let choice = models.get(key);
    if (!choice) {
      choice = chooseModel(ref, deps.config, deps.env);
      models.set(key, choice);
      // A failure (a provider key's secret not set yet) is not kept: the next turn tries again.
      choice.catch(() => models.delete(key));
    }
    const resolved = await choice;
    if ('missing' in resolved) models.delete(key);
    return resolved;
  }

  // A child turn skips the per-agent concurrency count: its parent holds a place already.
  const subagents = new Subagents({ home: deps.home, sessions: deps.sessions, audit: deps.audit, runChild: (request, child) => oneTurn(request, request.agentId ?? 'main', child) });

  async function runTurn(request: TurnRequest): Promise<TurnResult> {
    const agentId = request.agentId ?? 'main';
    const limit = effectiveAgent(deps.config, agentId, deps.home).budgets?.maxConcurrentTurns ?? DEFAULT_MAX_CONCURRENT_TURNS;
    const now = running.get(agentId) ?? 0;
    if (now >= limit) {
      const session = deps.sessions.open(agentId, request.sessionKey ?? 'default');
      const error = `agent "${agentId}" is already running ${now} turns, its limit (budgets.maxConcurrentTurns); try again when one finishes`;
      const result: TurnResult = { sessionId: session.id, sessionKey: session.key, agentId, reply: '', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, stopReason: 'busy', error };
      request.onEvent?.({ type: 'error', message: error });
      request.onEvent?.({ type: 'done', result });
      return result;
    }
    running.set(agentId, now + 1);
    try {
      return await oneTurn(request, agentId);
    } finally {
      running.set(agentId, (running.get(agentId) ?? 1) - 1);
    }
  }

  async function oneTurn(request: TurnRequest, agentId: string, child?: ChildSpec): Promise<TurnResult> {
    const emit = (event: TurnEvent) => request.onEvent?.(event);
    const configured = effectiveAgent(deps.config, agentId, deps.home);
    // A sub-agent works in its own workspace copy, always sandboxed (agent/subagents.ts).
    const agent: EffectiveAgent = child ? { ...configured, workspace: child.workspace, sandbox: child.sandbox } : configured;
    const session = deps.sessions.open(agentId, request.sessionKey ?? 'default');
    const result: TurnResult = {
      sessionId: session.id, sessionKey: session.key, agentId, reply: '', toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, stopReason: 'completed',
    };
    // `touched`: the session was marked active in the turn's last commit already.
    const finish = (stopReason: StopReason, error?: string, touched = false): TurnResult => {
      if (!touched) deps.sessions.touch(session.id);
      result.stopReason = stopReason;
      if (error) {
        result.error = error;
        emit({ type: 'error', message: error });
      }
      emit({ type: 'done', result });
      return result;
    };
    emit({ type: 'turn_start', sessionId: session.id, agentId });

    let choice: ModelChoice;
    try {
      choice = await modelFor(agent.model);
    } catch (err) {
      // e.g. a `${secret:NAME}` API key that is not set: the user's fix, not a crash.
      return finish('no_model', (err as Error).message);
    }
    if ('missing' in choice) return finish('no_model', choice.missing);

    const workspace = prepareWorkspace(agent.workspace);
    const { streamText, schemas } = await toolSchemas();
    // Who is talking narrows what the turn may do: a sub-agent's parent, a non-owner in a chat.
    const narrowing = child?.trust ?? request.trust;
    const policy: PolicyContext = { config: deps.config, agentId, agent, available, ...(narrowing ? { trust: narrowing } : {}) };
    const mainWorkspace = agentId === 'main' && !child ? agent.workspace : effectiveAgent(deps.config, 'main', deps.home).workspace;
    const offered = offeredTools(deps.config, agent, available, narrowing);
    const toolSet: ToolSet = Object.fromEntries(offered.map((name) => [name, {
      description: byName.get(name)!.description,
      inputSchema: schemas.get(name) as ToolSet[string]['inputSchema'],
    }]));
    const nonce = newNonce();
    const vouch = (file: string, text: string) => deps.memory.acceptedHash(workspace, file) === sha256(text);
    const prompt = await systemPrompt(workspace, agent.systemPrompt, nonce, vouch);
    const system = prompt.text;
    for (const file of prompt.held) {
      emit({ type: 'notice', message: `${file} changed since hardshell last accepted it (or is new), so it was not loaded. Read it, then run "hardshell memory accept ${file}" to load it again.` });
      deps.audit?.({ kind: 'policy', action: 'bootstrap_held', agentId, sessionId: session.id, file });
    }
    const history = deps.sessions.items(session.id);
    const messages: ModelMessage[] = transcriptMessages(history, nonce);
    // A child starts with its parent's taint: handing a task down does not wash it.
    const trust: TrustState = { taint: sessionTaint(history) ?? child?.taint ?? null, trustedFiles: (agent.trustedFiles ?? []).map(normalisePath) };
    const record = (role: 'user' | 'assistant' | 'tool', provenance: Provenance, message: ModelMessage, source?: string) => {
      const seq = deps.sessions.append(session.id, role, provenance, message, { source, touch: role === 'user' });
      const label = untrustedLabel({ source: source ?? null, provenance });
      if (label) trust.taint ??= { source: label, seq };
      messages.push(label ? wrapUntrusted(message, label, nonce) : message);
    };
    record('user', child ? 'agent' : request.provenance ?? 'owner', { role: 'user', content: request.message });
    const spawner = subagents.port({
      agent, depth: child?.depth ?? 0, sessionId: session.id, sessionKey: session.key, offered, trust: narrowing, workspace,
      get taint() { return trust.taint; },
    });

    const timeoutMs = child?.timeoutMs ?? agent.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const maxSteps = agent.maxSteps ?? DEFAULT_MAX_STEPS;
    const budget = new TurnBudget(agent.budgets, agentId, deps.usage, deps.config.models.prices[choice.label]);
    const memory = memoryPort(deps, workspace, agentId, session.id, trust, vouch);
    const files = filePort(deps.memory, workspace, trust);
    const overBudget = (why: string) => {
      deps.audit?.({ kind: 'policy', action: 'budget_reached', agentId, sessionId: session.id, reason: why });
      return finish('budget', why);
    };

    try {
      while (result.steps < maxSteps) {
        const stop = budget.beforeStep(result.usage);
        if (stop) return overBudget(stop);
        result.steps++;
        const before = { ...result.usage };
        let step: ModelStep | undefined;
        try {
          step = await modelStep(streamText, choice.model, system, messages, toolSet, signal, result, emit);
        } finally {
          // The step's messages and what it cost, in one commit; on a failed step, the cost
          // alone. The turn's last step also marks the session active.
          const spent = { inputTokens: result.usage.inputTokens - before.inputTokens, outputTokens: result.usage.outputTokens - before.outputTokens };
          deps.sessions.together(() => {
            for (const message of step?.messages ?? []) record('assistant', 'agent', message);
            budget.spent(spent);
            if (step?.calls.length === 0) deps.sessions.touch(session.id);
          });
        }
        const calls = step.calls;
        if (calls.length === 0) return finish('completed', undefined, true);
        for (const call of calls) {
          const looping = budget.repeated(call.toolName, call.input);
          if (looping) {
            record('tool', 'tool', { role: 'tool', content: calls.map((c) => ({ type: 'tool-result' as const, toolCallId: c.toolCallId, toolName: c.toolName, output: { type: 'text' as const, value: 'not run: the turn was stopped' } })) });
            return overBudget(looping);
          }
        }
        for (const call of calls) {
          const outcome = await handleCall(call, {
            policy, byName, workspace, sessionId: session.id, signal, emit, deps, trust, agent, mainWorkspace, browsers, subagents: spawner, child: Boolean(child),
            memory, files: files.port,
          });
          result.toolCalls.push(outcome.record);
          const source = outcome.source && !isTrustedFile(outcome.source, trust) ? outcome.source : undefined;
          // The result and the fingerprint of the file the call wrote: one commit.
          deps.sessions.together(() => {
            files.flush();
            record('tool', source?.startsWith('web:') ? 'web' : 'tool',
              { role: 'tool', content: [{ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.toolName, output: { type: 'text', value: outcome.output } }] }, source);
          });
        }
      }
      return finish('max_steps', `the turn stopped after ${maxSteps} model steps (agents.defaults.maxSteps); send another message to continue`);
    } catch (err) {
      if (timeout.aborted) return finish('timeout', `the turn took longer than ${Math.round(timeoutMs / 1000)} s (agents.defaults.turnTimeoutMs) and was stopped`);
      if (request.signal?.aborted) return finish('aborted', 'the turn was cancelled');
      return finish('model_error', `the model provider (${choice.label}) failed: ${describeError(err)}`);
    }
  }

  return { runTurn, knownAgents: () => agentIds(deps.config) };
}

interface PendingCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

interface ModelStep {
  /** The model's messages, for the transcript (the caller records them). */
  messages: ModelMessage[];
  /** The tool calls it asked for. */
  calls: PendingCall[];
}

/** One model call: streams text out as events, returns its messages and the tool calls the model asked for. */
async function modelStep(
  streamText: typeof StreamText, model: Parameters<typeof StreamText>[0]['model'], system: string, messages: ModelMessage[], tools: ToolSet,
  signal: AbortSignal, result: TurnResult, emit: (e: TurnEvent) => void,
): Promise<ModelStep> {
  // onError: errors arrive as 'error' parts below; the SDK's default would print a stack trace.
  const stream = streamText({ model, system, messages: [...messages], tools, abortSignal: signal, maxRetries: 1, onError: () => {} });
  const calls: PendingCall[] = [];
  for await (const part of stream.fullStream) {
    if (part.type === 'text-delta') {
      result.reply += part.text;
      emit({ type: 'text', delta: part.text });
    } else if (part.type === 'tool-call') {
      calls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
    } else if (part.type === 'finish-step') {
      result.usage.inputTokens += part.usage.inputTokens ?? 0;
      result.usage.outputTokens += part.usage.outputTokens ?? 0;
    } else if (part.type === 'error') {
      throw part.error;
    }
  }
  return { messages: (await stream.response).messages, calls };
}

async function handleCall(call: PendingCall, scope: CallScope): Promise<{ record: ToolCallRecord; output: string; source?: string }> {
  const { policy, emit, deps } = scope;
  const id = call.toolCallId;
  const where = { agentId: policy.agentId, sessionId: scope.sessionId, toolCallId: id, tool: call.toolName };
  emit({ type: 'tool_call', id, tool: call.toolName, args: call.input });
  const tool = scope.byName.get(call.toolName);
  // Checked once: policy reads the side effect from it, and the tool runs on it.
  const parsed = tool?.input.safeParse(call.input);
  const decision = decide({ tool: call.toolName, args: call.input, sideEffect: sideEffectOf(tool, call.input, parsed) },
    { ...policy, taint: scope.trust.taint });
  emit({ type: 'decision', id, tool: call.toolName, ...decision });
  deps.audit?.({ kind: 'policy', action: 'decision', ...where, args: call.input, ...decision });
  const record: ToolCallRecord = { id, tool: call.toolName, args: call.input, ...decision, ok: null };
  let allowed = decision.decision === 'allow';
  let refusal = `denied by policy: ${decision.reason}`;
  let approval: { verify: NonNullable<ApprovalAnswer['verify']> } | undefined;
  // An exec asked about under tools.elevated runs on the host once approved: the person is
  // told so, and the approval is bound to it. Any other call stays where it runs, as does a
  // sub-agent's (its commands are always sandboxed).
  const onHost = decision.decision === 'ask' && !scope.child && runsOnHostWhenApproved(call.toolName, decision.rule);
  let elevated = false;
  if (decision.decision === 'ask') {
    const answer = await askPerson(scope, call, decision.reason, decision.rule, onHost);
    deps.audit?.({ kind: 'approval', action: answer.approved ? 'approved' : 'denied', ...where, by: answer.by, note: answer.note });
    allowed = answer.approved;
    refusal = `denied by policy: ${decision.reason}; ${answer.note ?? 'no person approved it'}`;
    // What runs is what was approved: checked again here, and by exec against the program file.
    if (allowed && answer.verify) {
      const check = answer.verify({ args: call.input });
      approval = { verify: answer.verify };
      if (!check.ok) { allowed = false; refusal = `denied by policy: ${check.reason}`; }
    }
    // Only an approval that carries the execution check leaves the sandbox.
    elevated = onHost && allowed && approval !== undefined;
  }
  let output = refusal;
  let source: string | undefined;
  let exec: ExecScope | null = null;
  if (allowed && call.toolName === 'exec') {
    try {
      exec = await prepareExec(String((call.input as { command?: unknown })?.command ?? ''), scope.agent, scope.mainWorkspace,
        { config: policy.config, home: deps.home, env: deps.env, audit: deps.audit, egress: deps.egress }, { sessionId: scope.sessionId, callId: id, elevated });
    } catch (err) {
      allowed = false;
      record.ok = false;
      output = `exec refused: ${(err as Error).message}`;
    }
  }
  if (allowed) {
    try {
      const ran = await runTool(tool!, call.input, {
        workspace: scope.workspace, agentId: policy.agentId, sessionId: scope.sessionId, signal: scope.signal, memory: scope.memory, files: scope.files, message: deps.message,
        webFetch: { allowedDomains: policy.config.tools.web.fetch.allowedDomains, audit: deps.audit, callId: id },
        // Only the browser tool reads it: other calls do not resolve a sandbox for it.
        ...(call.toolName === 'browser' ? {
          browser: scope.browsers.port({ settings: policy.config.browser, sandbox: execSandboxFor(scope.agent, scope.mainWorkspace), agentId: policy.agentId, sessionId: scope.sessionId, callId: id }),
        } : {}),
        sandbox: exec?.sandbox, sandboxRan: exec?.ran, grantedEnv: exec?.grantedEnv, redact: deps.redact, approval, subagents: scope.subagents,
      }, parsed);
      record.ok = ran.ok;
      source = ran.source;
      output = exec?.note ? `${ran.output}\n${exec.note}` : ran.output;
      deps.audit?.({ kind: 'tool', action: 'run', ...where, ok: ran.ok });
    } finally {
      await exec?.close();
    }
  }
  emit({ type: 'tool_result', id, tool: call.toolName, ok: record.ok ?? false, output });
  return { record, output, source };
}

/**
 * The tool's own declaration for these arguments; arguments it cannot read count as a side
 * effect. `parsed`: the arguments already checked against the tool's schema.
 */
export function sideEffectOf(tool: ToolDef | undefined, args: unknown, parsed = tool?.input.safeParse(args)): boolean {
  if (!tool || !parsed) return true;
  return parsed.success ? (tool.sideEffectOf?.(parsed.data) ?? tool.sideEffect) : true;
}

/** Silence is no: without an approver, or when asking fails, the call does not run. */
async function askPerson(scope: CallScope, call: PendingCall, reason: string, rule: string, onHost: boolean) {
  const approver = scope.deps.approver;
  if (!approver) return { approved: false, by: 'nobody', note: 'no person was available to approve it' };
  try {
    return await approver({ agentId: scope.policy.agentId, sessionId: scope.sessionId, toolCallId: call.toolCallId, tool: call.toolName, args: call.input, reason, rule, ...(onHost ? { onHost } : {}) }, scope.signal);
  } catch (err) {
    return { approved: false, by: 'nobody', note: `asking for approval failed (${(err as Error).message})` };
  }
}

/**
 * The workspace as a real path, created if missing. Synchronous on purpose (see
 * safe-fs/resolve.ts): two metadata calls of a microsecond each, where their promise versions
 * cost a thread-pool round trip each on every turn.
 */
function prepareWorkspace(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return realpathSync.native(path);
}

function describeError(err: unknown): string {
  // A retry error wraps the real one: report that.
  const wrapped = err as { lastError?: unknown };
  const e = (wrapped?.lastError ?? err) as { message?: string; statusCode?: number; url?: string; cause?: { message?: string } };
  const parts = [e?.message ?? String(err)];
  if (e?.statusCode) parts.push(`(HTTP ${e.statusCode})`);
  if (e?.cause?.message && !parts[0].includes(e.cause.message)) parts.push(`— ${e.cause.message}`);
  return parts.join(' ');
}
