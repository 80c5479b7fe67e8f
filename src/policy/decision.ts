// What policy answers, and what it is asked about. Types only, shared by every policy module.
import type { Config, AgentSettings } from '../config/schema.ts';

export type DecisionKind = 'allow' | 'deny' | 'ask';

export interface Decision {
  decision: DecisionKind;
  /** A sentence for the user and the model. */
  reason: string;
  /** The config key or built-in rule that made the decision (stable: docs/policy.md lists them). */
  rule: string;
}

export interface ToolCall {
  tool: string;
  args: unknown;
  /** Whether this call changes state or talks to the outside world, as its tool declares. */
  sideEffect?: boolean;
}

/**
 * Narrowing from who is talking (a channel's sender, a sub-agent's parent). It can only take
 * away: tools it does not allow are not offered, and its exec mode applies when stricter.
 */
export interface TrustNarrowing {
  /** Shown in reasons, e.g. `sub-agent of main` or `telegram group`. */
  label: string;
  allow?: readonly string[];
  deny?: readonly string[];
  exec?: 'deny' | 'allowlist' | 'ask';
}

export interface PolicyContext {
  config: Config;
  agentId: string;
  /** The agent's effective settings (config/agents.ts effectiveAgent). */
  agent: AgentSettings;
  /** Names of every tool hardshell implements. */
  available: readonly string[];
  trust?: TrustNarrowing;
  /** The first untrusted content the session holds, if any (for the rule of two). */
  taint?: { source: string } | null;
}
