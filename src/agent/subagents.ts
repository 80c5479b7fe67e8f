// Sub-agents (sessions_spawn): a child turn that never has more than its parent. Its tools are
// the parent's intersected with what the call asks for; it carries the parent's taint and its
// narrowing; its commands always run in a sandbox (mode "non-main" means exactly this); it
// works in its own copy of the workspace, so its writes never reach the parent's files; and
// depth, children per session and concurrency are bounded.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentSettings } from '../config/schema.ts';
import type { EffectiveAgent } from '../config/agents.ts';
import type { TrustNarrowing } from '../policy/decision.ts';
import type { Sessions } from '../sessions/store.ts';
import type { AuditSink } from '../audit/types.ts';
import { copyWorkspace } from '../safe-fs/copy.ts';
import { sandboxReady, execSandboxFor } from '../tools/exec.ts';
import { ToolError, type SpawnRequest, type SpawnResult, type SubagentPort } from '../tools/types.ts';
import { sessionTaint, type Taint } from './context.ts';
import type { TurnRequest, TurnResult } from './events.ts';

export const SUBAGENT_DEFAULTS = Object.freeze({ maxDepth: 2, maxChildrenPerSession: 5, maxConcurrent: 2 });
/** A child's workspace copy is refused beyond this: a sub-agent is for a task, not a mirror. */
export const COPY_LIMITS = Object.freeze({ maxBytes: 64 * 1024 * 1024, maxFiles: 10_000 });
/** A child cannot write memory: its workspace copy, and so its notes, may be deleted with it. */
const NEVER_FOR_CHILDREN = ['memory_write'];

/** What a child turn runs with, on top of its agent's settings. */
export interface ChildSpec {
  /** 1 for a child of a top-level turn. */
  depth: number;
  trust: TrustNarrowing;
  taint: Taint | null;
  workspace: string;
  sandbox: AgentSettings['sandbox'];
  timeoutMs?: number;
}

/** The parent turn as a spawn sees it. */
export interface ParentView {
  agent: EffectiveAgent;
  depth: number;
  sessionId: string;
  sessionKey: string;
  /** Tools the parent is offered (after its own narrowing). */
  offered: readonly string[];
  trust?: TrustNarrowing;
  taint: Taint | null;
  /** The parent's workspace on disk, copied for the child. */
  workspace: string;
}

export interface SubagentDeps {
  home: string;
  sessions: Sessions;
  audit?: AuditSink;
  runChild(request: TurnRequest, child: ChildSpec): Promise<TurnResult>;
}

/** The tools a child gets: only the parent's, only those asked for, and never more nesting than allowed. */
export function childTools(parentOffered: readonly string[], requested: readonly string[] | undefined, canNest: boolean): { tools: string[]; refused: string[] } {
  const wanted = requested ?? parentOffered;
  const tools = wanted.filter((t, i) => parentOffered.includes(t) && !NEVER_FOR_CHILDREN.includes(t) && (canNest || t !== 'sessions_spawn') && wanted.indexOf(t) === i);
  return { tools, refused: wanted.filter((t) => !tools.includes(t)) };
}

/** A child's sandbox: the parent's, always on unless the parent's is off ("non-main" sandboxes exactly the children). */
export function childSandbox(parent: AgentSettings['sandbox']): NonNullable<AgentSettings['sandbox']> {
  return { ...parent, mode: parent?.mode === 'off' ? 'off' : 'all' };
}

/** Counts children per session and running ones, for one runner. */
export class Subagents {
  private readonly spawned = new Map<string, number>();
  private running = 0;
  private readonly deps: SubagentDeps;

  constructor(deps: SubagentDeps) {
    this.deps = deps;
  }

  port(parent: ParentView): SubagentPort {
    return { spawn: (request, signal) => this.spawn(parent, request, signal) };
  }

  private async spawn(parent: ParentView, request: SpawnRequest, signal: AbortSignal): Promise<SpawnResult> {
    const { home, sessions, audit } = this.deps;
    const own = parent.agent.subagents;
    const limits = {
      maxDepth: own?.maxDepth ?? SUBAGENT_DEFAULTS.maxDepth,
      maxChildrenPerSession: own?.maxChildrenPerSession ?? SUBAGENT_DEFAULTS.maxChildrenPerSession,
      maxConcurrent: own?.maxConcurrent ?? SUBAGENT_DEFAULTS.maxConcurrent,
    };
    const refuse = (why: string): never => {
      audit?.({ kind: 'tool', action: 'subagent_refused', agentId: parent.agent.id, sessionId: parent.sessionId, reason: why });
      throw new ToolError(`sessions_spawn refused: ${why}. Nothing was started.`);
    };
    if (parent.depth >= limits.maxDepth) refuse(`sub-agents may nest ${limits.maxDepth} deep at most (agents.defaults.subagents.maxDepth), and this session is at depth ${parent.depth}`);
    const count = this.spawned.get(parent.sessionId) ?? 0;
    if (count >= limits.maxChildrenPerSession) refuse(`this session has already started ${count} sub-agents, its limit (agents.defaults.subagents.maxChildrenPerSession)`);
    if (this.running >= limits.maxConcurrent) refuse(`${this.running} sub-agents are running, the limit (agents.defaults.subagents.maxConcurrent); try again when one finishes`);

    const depth = parent.depth + 1;
    const { tools, refused } = childTools(parent.offered, request.tools, depth < limits.maxDepth);
    const sandbox = childSandbox(parent.agent.sandbox);
    if (request.sandbox === 'require') {
      const ready = await sandboxReady(execSandboxFor({ id: parent.agent.id, sandbox, workspace: '' }, parent.agent.workspace));
      if (!ready.ok) refuse(`sandbox "require" was asked for, but the sub-agent's commands would not run in a working sandbox: ${ready.why.replace(/\.?\s*Nothing was run\.$/, '')}`);
    }

    this.spawned.set(parent.sessionId, count + 1);
    this.running++;
    const id = randomUUID();
    const dir = join(home, 'subagents', id);
    // The id keeps every child's key new: a kept child's transcript is never picked up again.
    const sessionKey = `${parent.sessionKey}/sub:${[slug(request.label), id.slice(0, 8)].filter(Boolean).join('-')}`;
    let started = false;
    try {
      const workspace = join(dir, 'workspace');
      const copied = await copyWorkspace(parent.workspace, workspace, COPY_LIMITS, signal);
      const trust: TrustNarrowing = {
        label: `sub-agent of ${parent.agent.id} (${parent.sessionKey})`,
        allow: tools,
        ...(parent.trust?.deny ? { deny: parent.trust.deny } : {}),
        ...(parent.trust?.exec ? { exec: parent.trust.exec } : {}),
      };
      audit?.({
        kind: 'tool', action: 'subagent_started', agentId: parent.agent.id, sessionId: parent.sessionId, child: sessionKey, depth, tools,
        notGiven: refused, sandbox: sandbox.mode, taintedBy: parent.taint?.source ?? null, copiedFiles: copied.files,
      });
      started = true;
      const result = await this.deps.runChild(
        { agentId: parent.agent.id, sessionKey, message: request.task, signal },
        { depth, trust, taint: parent.taint, workspace, sandbox, timeoutMs: request.timeoutMs },
      );
      const taint = sessionTaint(sessions.items(result.sessionId)) ?? parent.taint;
      audit?.({ kind: 'tool', action: 'subagent_finished', agentId: parent.agent.id, sessionId: parent.sessionId, child: sessionKey, stopReason: result.stopReason, steps: result.steps });
      return {
        sessionKey, reply: result.reply, stopReason: result.stopReason, steps: result.steps, tools,
        taintedBy: taint?.source ?? null, kept: request.cleanup === 'keep',
        ...(result.error ? { error: result.error } : {}),
      };
    } finally {
      this.running--;
      // A child that never started leaves nothing (no session was made); one asked to be
      // deleted leaves nothing either.
      if (!started) await rm(dir, { recursive: true, force: true });
      else if (request.cleanup === 'delete') {
        await rm(dir, { recursive: true, force: true });
        const session = sessions.get(sessionKey);
        if (session) sessions.remove(session.id);
        audit?.({ kind: 'tool', action: 'subagent_deleted', agentId: parent.agent.id, sessionId: parent.sessionId, child: sessionKey });
      }
    }
  }
}

const slug = (label: string | undefined) => (label ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

