// An agent's sandbox settings with hardshell's defaults filled in, and the one question that
// matters: where may this agent's commands run? The answer is a sandbox, the host only when
// the config says provider "none" in so many words, or nowhere (with a sentence saying why).
import type { Limits, ProviderName, WorkspaceAccess } from './types.ts';
import { DEFAULT_LIMITS } from './types.ts';

export type SandboxMode = 'off' | 'non-main' | 'all';
export type SandboxScope = 'session' | 'invocation' | 'agent';

/** agents.*.sandbox as the config holds it (every key optional). */
export interface SandboxSettingsInput {
  mode?: SandboxMode;
  scope?: SandboxScope;
  workspaceAccess?: WorkspaceAccess;
  provider?: ProviderName;
  network?: { allowedDomains?: string[]; deniedDomains?: string[] };
}

export interface ResolvedSandbox {
  agentId: string;
  mode: SandboxMode;
  scope: SandboxScope;
  workspaceAccess: WorkspaceAccess;
  provider: ProviderName;
  allowedDomains: string[];
  deniedDomains: string[];
  limits: Limits;
  /** The egress proxy's unix socket for this agent, when it has allowed domains and the proxy runs. */
  proxySocket?: string;
  /**
   * This one command runs on the host: exec is in tools.elevated and a person approved the
   * call under that rule (agent/exec-scope.ts sets it for that call only, never from config).
   */
  elevated?: boolean;
}

export const MAIN_AGENT = 'main';

export interface ResolveOptions {
  /** A non-main agent working in the main agent's workspace gets it read-only unless its config says otherwise. */
  sharesMainWorkspace?: boolean;
  limits?: Partial<Limits>;
  proxySocket?: string;
}

export function resolveSandbox(agentId: string, input: SandboxSettingsInput | undefined, options: ResolveOptions = {}): ResolvedSandbox {
  const s = input ?? {};
  const isMain = agentId === MAIN_AGENT;
  return {
    agentId,
    mode: s.mode ?? 'all',
    scope: s.scope ?? 'session',
    workspaceAccess: s.workspaceAccess ?? (!isMain && options.sharesMainWorkspace ? 'ro' : 'rw'),
    provider: s.provider ?? 'auto',
    allowedDomains: [...(s.network?.allowedDomains ?? [])],
    deniedDomains: [...(s.network?.deniedDomains ?? [])],
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    ...(options.proxySocket ? { proxySocket: options.proxySocket } : {}),
  };
}

export type Placement =
  | { kind: 'sandbox'; provider: Exclude<ProviderName, 'none'> }
  | { kind: 'host'; reason: string }
  | { kind: 'refuse'; reason: string };

/** Where this agent's commands run. */
export function placement(s: ResolvedSandbox): Placement {
  if (s.elevated === true) {
    return { kind: 'host', reason: `exec is in tools.elevated and a person approved this command of agent "${s.agentId}": it runs on the host, unsandboxed` };
  }
  if (s.provider === 'none') {
    return { kind: 'host', reason: `sandbox.provider is "none": commands of agent "${s.agentId}" run on the host, unsandboxed` };
  }
  const off = s.mode === 'off' || (s.mode === 'non-main' && s.agentId === MAIN_AGENT);
  if (off) {
    const why = s.mode === 'off' ? 'sandbox.mode is "off"' : `sandbox.mode is "non-main" and "${s.agentId}" is the main agent`;
    return {
      kind: 'refuse',
      reason: `commands of agent "${s.agentId}" have no sandbox (${why}), and hardshell never runs commands on the host unless told to: set sandbox.mode to "all" to run them in a sandbox, or sandbox.provider to "none" to run them on the host, unsandboxed`,
    };
  }
  return { kind: 'sandbox', provider: s.provider };
}
