// The one seam every tool call passes before it runs: allow, deny(reason) or ask(approval).
// Pure and synchronous, so it can be tested exhaustively and cannot be talked to by the model.
import type { Config, AgentSettings } from '../config/schema.ts';
import { toolVerdict } from './tools.ts';

export type DecisionKind = 'allow' | 'deny' | 'ask';

export interface Decision {
  decision: DecisionKind;
  /** A sentence for the user and the model. */
  reason: string;
  /** The config key or built-in rule that made the decision. */
  rule: string;
}

export interface ToolCall {
  tool: string;
  args: unknown;
}

export interface PolicyContext {
  config: Config;
  agentId: string;
  agent: AgentSettings;
  /** Names of every tool hardshell implements. */
  available: readonly string[];
}

export function decide(call: ToolCall, ctx: PolicyContext): Decision {
  const verdict = toolVerdict(call.tool, ctx.config, ctx.agent, ctx.available);
  if (verdict.rule === 'unknown-tool') {
    return { decision: 'deny', reason: `there is no tool named "${call.tool}"`, rule: 'unknown-tool' };
  }
  if (!verdict.offered) {
    return { decision: 'deny', reason: `the tool "${call.tool}" is not allowed for agent "${ctx.agentId}" (${verdict.rule})`, rule: verdict.rule };
  }
  if (call.tool === 'exec') return execMode(ctx.config);
  return { decision: 'allow', reason: `"${call.tool}" is allowed for agent "${ctx.agentId}"`, rule: verdict.rule };
}

/**
 * Commands by `tools.exec.security`. Until the command analyser exists, `allowlist` cannot
 * prove a command is on the list, so it asks: never allow what was not understood.
 */
function execMode(config: Config): Decision {
  switch (config.tools.exec.security) {
    case 'deny': return { decision: 'deny', reason: 'running commands is turned off (tools.exec.security is "deny")', rule: 'tools.exec.security=deny' };
    case 'auto': return { decision: 'allow', reason: 'commands run without approval, inside the sandbox (tools.exec.security is "auto")', rule: 'tools.exec.security=auto' };
    case 'ask': return { decision: 'ask', reason: 'every command needs a person\'s approval (tools.exec.security is "ask")', rule: 'tools.exec.security=ask' };
    case 'allowlist': return { decision: 'ask', reason: 'the command could not be checked against tools.exec.allowedCommands, so it needs a person\'s approval', rule: 'tools.exec.security=allowlist' };
  }
}
