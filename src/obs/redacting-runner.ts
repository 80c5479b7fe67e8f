// The agent runner as the outside world sees it: replies, streamed text, error sentences,
// tool-call arguments and results pass the redactor on their way to a person or a chat (a
// secret split across two streamed deltas is still caught); message events go to the audit
// log, and tokens spent feed the alert counters.
import type { AgentRunner, TurnEvent, TurnResult } from '../agent/events.ts';
import type { AuditSink } from '../audit/types.ts';
import { redactDeep, type Redactor } from '../secrets/redactor.ts';
import type { Alerts } from './alerts.ts';

export function redactingRunner(inner: AgentRunner, redactor: Redactor, audit?: AuditSink, alerts?: Alerts): AgentRunner {
  const text = (s: string) => redactor.message(s);
  const clean = (r: TurnResult): TurnResult => ({
    ...r,
    reply: redactor.message(r.reply),
    toolCalls: r.toolCalls.map((c) => ({ ...c, args: redactDeep(c.args, text) })),
    ...(r.error === undefined ? {} : { error: redactor.message(r.error) }),
  });
  return {
    knownAgents: () => inner.knownAgents(),
    async runTurn(request) {
      const agentId = request.agentId ?? 'main';
      audit?.({ kind: 'message', action: 'received', agentId, sessionKey: request.sessionKey, provenance: request.provenance ?? 'owner', chars: request.message.length });
      let stream = redactor.stream('message');
      const forward = request.onEvent;
      const onEvent = forward && ((e: TurnEvent) => {
        if (e.type === 'text') {
          const delta = stream.push(e.delta);
          if (delta) forward({ type: 'text', delta });
          return;
        }
        // Text held back for a possible split secret goes out before anything that follows it.
        const rest = stream.end();
        stream = redactor.stream('message');
        if (rest) forward({ type: 'text', delta: rest });
        if (e.type === 'done') return forward({ type: 'done', result: clean(e.result) });
        if (e.type === 'error' || e.type === 'notice') return forward({ ...e, message: redactor.message(e.message) });
        if (e.type === 'tool_call') return forward({ ...e, args: redactDeep(e.args, text) });
        if (e.type === 'tool_result') return forward({ ...e, output: redactor.tool(e.output) });
        forward(e);
      });
      const result = await inner.runTurn({ ...request, onEvent });
      const tokens = result.usage.inputTokens + result.usage.outputTokens;
      if (tokens > 0) alerts?.count('tokens', tokens);
      audit?.({ kind: 'message', action: 'replied', agentId: result.agentId, sessionId: result.sessionId, stopReason: result.stopReason, steps: result.steps, inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens });
      return clean(result);
    },
  };
}
