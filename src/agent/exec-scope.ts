// What one exec call gets from the turn: its sandbox settings, the secrets policy grants to
// this exact command, and — only when the agent may reach some domains — an egress proxy on
// a private unix socket, narrowed to a granted secret's own domains while that secret is in
// the process's environment. The proxy lives for the call and is closed after it. An elevated
// call (approved under tools.elevated) gets the same, but runs on the host without a proxy.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.ts';
import type { EffectiveAgent } from '../config/agents.ts';
import { grantsFor, narrowDomains } from '../secrets/grants.ts';
import { startEgressProxy, type EgressProxyOptions } from '../egress/proxy.ts';
import { execSandboxFor } from '../tools/exec.ts';
import type { ResolvedSandbox } from '../sandbox/settings.ts';
import type { RunResult } from '../sandbox/types.ts';
import type { AuditSink } from '../audit/types.ts';

export interface ExecScope {
  sandbox: ResolvedSandbox;
  /** Told of each finished run: records the sandbox/run audit event (backend, elevated, outcome). */
  ran: (result: RunResult) => void;
  grantedEnv: Record<string, string>;
  /** A line for the model naming secrets it referred to that were not given (names only). */
  note: string | null;
  close(): Promise<void>;
}

export interface ExecScopeDeps {
  config: Config;
  home: string;
  env: NodeJS.ProcessEnv;
  audit?: AuditSink;
  /** Tests only: resolve names and lift address ranges for the proxy (never from model input). */
  egress?: Pick<EgressProxyOptions, 'hosts' | 'refusedRanges' | 'ports'>;
}

export interface ExecCall {
  sessionId: string;
  callId: string;
  /**
   * This call runs on the host (runsOnHostWhenApproved, and a person approved it): the same
   * workspace, limits, clean environment and granted secrets, no sandbox and no egress proxy.
   */
  elevated?: boolean;
}

export async function prepareExec(command: string, agent: EffectiveAgent, mainWorkspace: string, deps: ExecScopeDeps,
  ids: ExecCall): Promise<ExecScope> {
  const base = execSandboxFor(agent, mainWorkspace);
  // Checked before any secret is granted: the host cannot keep a workspace read-only.
  if (ids.elevated && base.workspaceAccess === 'ro') {
    throw new Error(`this approved elevated command would run on the host, but agent "${agent.id}"'s workspace is read-only (sandbox.workspaceAccess "ro"), which only a sandbox can keep; nothing was run. Set workspaceAccess to "rw" for this agent, or remove exec from tools.elevated`);
  }
  const grant = grantsFor(command, {
    config: deps.config, env: deps.env, home: deps.home, audit: deps.audit, agentId: agent.id, sessionId: ids.sessionId, callId: ids.callId,
  });
  const network = agent.sandbox?.network;
  // On the host the process has the host's network: a proxy would restrict nothing.
  const allowed = ids.elevated ? [] : narrowDomains(network?.allowedDomains ?? [], grant);
  let proxy: { socketPath: string; close(): Promise<void> } | null = null;
  if (allowed.length > 0) {
    const dir = join(deps.home, 'run');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    proxy = await startEgressProxy({
      socketPath: join(dir, `egress-${randomUUID()}.sock`),
      allowedDomains: allowed,
      deniedDomains: network?.deniedDomains ?? [],
      audit: deps.audit ? (event) => deps.audit!({ ...event, agentId: agent.id, sessionId: ids.sessionId }) : undefined,
      callId: ids.callId,
      ...deps.egress,
    });
  }
  const notes = [
    grant.refused.length ? `not given to this command (not granted in tools.exec.secrets): ${grant.refused.map((n) => `$${n}`).join(', ')}` : '',
    grant.missing.length ? `granted but not set: ${grant.missing.map((n) => `$${n}`).join(', ')}` : '',
  ].filter(Boolean);
  // The sandbox reaches exactly what the proxy allows: the grant's narrowing included.
  const sandbox: ResolvedSandbox = { ...base, ...(proxy ? { proxySocket: proxy.socketPath } : {}), allowedDomains: allowed, ...(ids.elevated ? { elevated: true } : {}) };
  return {
    sandbox,
    ran: (r) => deps.audit?.({
      kind: 'sandbox', action: 'run', agentId: agent.id, sessionId: ids.sessionId, callId: ids.callId, tool: 'exec',
      backend: r.backend, elevated: ids.elevated === true, exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, truncated: r.truncated,
      ...(r.killedBy ? { killedBy: r.killedBy } : {}), durationMs: r.durationMs,
    }),
    grantedEnv: grant.env,
    note: notes.length ? `[secrets ${notes.join('; ')}]` : null,
    close: async () => { await proxy?.close(); },
  };
}
