// The rule of two: a session may combine untrusted input with actions that change state or
// talk to the outside world only with a person's yes. Once a session holds untrusted content,
// every call with a side effect asks (security.injection.mode "ask", the default) or is
// refused ("deny"). Which calls have side effects is declared by each tool, not guessed here.
import type { Decision, PolicyContext, ToolCall } from './decision.ts';

export function ruleOfTwo(call: ToolCall, ctx: PolicyContext, decision: Decision): Decision {
  if (decision.decision === 'deny' || !call.sideEffect || !ctx.taint) return decision;
  const mode = ctx.config.security.injection.mode;
  if (mode === 'off') return decision;
  const why = `this session holds untrusted content (${ctx.taint.source}) and "${call.tool}" has side effects`;
  if (mode === 'deny') {
    return { decision: 'deny', reason: `${why}, which security.injection.mode "deny" does not allow`, rule: 'security.injection.mode=deny' };
  }
  if (decision.decision === 'ask') return { ...decision, reason: `${decision.reason}; also, ${why}` };
  return { decision: 'ask', reason: `${why}, so a person must approve it (the rule of two)`, rule: 'security.injection.mode=ask' };
}
