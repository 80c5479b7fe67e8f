// The one seam every tool call passes before it runs: allow, deny(reason) or ask(approval).
// Pure and synchronous, so it can be tested exhaustively and cannot be talked to by the model.
import { toolVerdict, BROWSER_OFF_RULE } from './tools.ts';
import { execDecision } from './exec.ts';
import { ruleOfTwo } from './rule-of-two.ts';
import { isElevated, ELEVATED_RULE } from './elevated.ts';
import type { Decision, PolicyContext, ToolCall } from './decision.ts';

export type { Decision, DecisionKind, PolicyContext, ToolCall, TrustNarrowing } from './decision.ts';

export function decide(call: ToolCall, ctx: PolicyContext): Decision {
  const verdict = toolVerdict(call.tool, ctx.config, ctx.agent, ctx.available, ctx.trust);
  if (verdict.rule === 'unknown-tool') {
    return { decision: 'deny', reason: `there is no tool named "${call.tool}"`, rule: 'unknown-tool' };
  }
  if (verdict.rule === BROWSER_OFF_RULE) {
    return { decision: 'deny', reason: 'the browser is off (browser.mode is "off"): set browser.mode to "sandboxed" in hardshell.json to use it', rule: verdict.rule };
  }
  if (!verdict.offered) {
    return { decision: 'deny', reason: `the tool "${call.tool}" is not allowed for agent "${ctx.agentId}" (${verdict.rule})`, rule: verdict.rule };
  }
  let decision: Decision = { decision: 'allow', reason: `"${call.tool}" is allowed for agent "${ctx.agentId}"`, rule: verdict.rule };
  if (call.tool === 'exec') {
    try {
      const d = execDecision(call.args, ctx.config, ctx.trust?.exec);
      decision = { decision: d.decision, reason: d.reason, rule: d.rule };
    } catch (err) {
      // A bug in the analyser must not become a crash, nor an allow.
      return { decision: 'deny', reason: `the command could not be checked (${(err as Error)?.message ?? String(err)})`, rule: 'exec.not-understood' };
    }
  }
  // An elevated tool may run outside the sandbox: a person approves every call (and an
  // approved exec asked about under this rule runs on the host: policy/elevated.ts). A call
  // that asks anyway (exec security "ask") asks once, under this rule, so the person is shown
  // where it will run; a denied one stays denied.
  if (decision.decision !== 'deny' && isElevated(call.tool, ctx.config, ctx.agent)) {
    const elevated = `"${call.tool}" is listed in tools.elevated (it may run outside the sandbox)`;
    decision = decision.decision === 'ask'
      ? { decision: 'ask', reason: `${decision.reason}; also, ${elevated}`, rule: ELEVATED_RULE }
      : { decision: 'ask', reason: `${elevated}, so every call needs a person's approval`, rule: ELEVATED_RULE };
  }
  return ruleOfTwo(call, ctx, decision);
}
