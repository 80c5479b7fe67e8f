// What a turn reports while it runs. The CLI, the HTTP API and the WebSocket all render these
// same events, so their shape is part of hardshell's public interface (docs/cli.md).
import type { TrustNarrowing } from '../policy/decision.ts';

export type DecisionKind = 'allow' | 'deny' | 'ask';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type TurnEvent =
  | { type: 'turn_start'; sessionId: string; agentId: string }
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id: string; tool: string; args: unknown }
  | { type: 'decision'; id: string; tool: string; decision: DecisionKind; reason: string; rule: string }
  | { type: 'tool_result'; id: string; tool: string; ok: boolean; output: string }
  | { type: 'done'; result: TurnResult }
  | { type: 'notice'; message: string }
  | { type: 'error'; message: string };

export type StopReason = 'completed' | 'max_steps' | 'timeout' | 'aborted' | 'model_error' | 'no_model' | 'budget' | 'busy';

export interface ToolCallRecord {
  id: string;
  tool: string;
  args: unknown;
  decision: DecisionKind;
  reason: string;
  rule: string;
  ok: boolean | null;
}

export interface TurnResult {
  sessionId: string;
  sessionKey: string;
  agentId: string;
  reply: string;
  toolCalls: ToolCallRecord[];
  usage: Usage;
  steps: number;
  stopReason: StopReason;
  /** A sentence for the user when stopReason is not `completed`. */
  error?: string;
}

export interface TurnRequest {
  agentId?: string;
  /** Stable name of the conversation (e.g. `cli:default`); a new session is made when unknown. */
  sessionKey?: string;
  message: string;
  /** Who sent the message; decides its provenance label in the transcript. */
  provenance?: 'owner' | 'user';
  /** Narrowing for who is talking (channels set it for non-owners from dm.tools / groups.tools). */
  trust?: TrustNarrowing;
  signal?: AbortSignal;
  onEvent?: (event: TurnEvent) => void;
}

/** What the gateway and the CLI need from the agent room. */
export interface AgentRunner {
  runTurn(request: TurnRequest): Promise<TurnResult>;
  knownAgents(): string[];
}
