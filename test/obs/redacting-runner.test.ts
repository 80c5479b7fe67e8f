// What leaves a turn for a person: streamed text (a secret split across deltas), replies,
// tool-call arguments and results, errors — all redacted; message events audited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactingRunner } from '../../src/obs/redacting-runner.ts';
import { Redactor } from '../../src/secrets/redactor.ts';
import { Alerts } from '../../src/obs/alerts.ts';
import type { AgentRunner, TurnEvent, TurnRequest, TurnResult } from '../../src/agent/events.ts';
import type { AuditRecord } from '../../src/audit/types.ts';

const canary = 'canary-0123456789abcdef0123';

/** A runner that streams the canary in pieces and calls a tool with it. */
class LeakyRunner implements AgentRunner {
  knownAgents() { return ['main']; }
  async runTurn(request: TurnRequest): Promise<TurnResult> {
    const emit = (e: TurnEvent) => request.onEvent?.(e);
    const reply = `the key is ${canary}, done`;
    for (let i = 0; i < reply.length; i += 4) emit({ type: 'text', delta: reply.slice(i, i + 4) });
    emit({ type: 'tool_call', id: 't1', tool: 'write', args: { content: canary } });
    emit({ type: 'tool_result', id: 't1', tool: 'write', ok: true, output: `wrote ${canary}` });
    const result: TurnResult = { sessionId: 's', sessionKey: 'k', agentId: 'main', reply, toolCalls: [{ id: 't1', tool: 'write', args: { content: canary }, decision: 'allow', reason: '', rule: '', ok: true }], usage: { inputTokens: 10, outputTokens: 5 }, steps: 1, stopReason: 'completed', error: `failed near ${canary}` };
    emit({ type: 'done', result });
    return result;
  }
}

test('nothing a person sees carries the secret; text order is kept', async () => {
  const audit: AuditRecord[] = [];
  const alerts = new Alerts({ log: () => {}, thresholds: { tokens: { limit: 15, windowMs: 60_000 } }, audit: (r) => audit.push(r) });
  const runner = redactingRunner(new LeakyRunner(), new Redactor([{ name: 'KEY', value: canary }]), (r) => audit.push(r), alerts);
  const events: TurnEvent[] = [];
  const result = await runner.runTurn({ message: 'hi', onEvent: (e) => events.push(e) });
  const shown = JSON.stringify(events) + JSON.stringify(result);
  assert.ok(!shown.includes(canary));
  const text = events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join('');
  assert.equal(text, 'the key is [REDACTED:KEY], done');
  assert.equal(events.findIndex((e) => e.type === 'tool_call') > events.findLastIndex((e) => e.type === 'text'), true, 'held text went out before the tool call');
  assert.equal(result.reply, 'the key is [REDACTED:KEY], done');
  assert.deepEqual(result.toolCalls[0].args, { content: '[REDACTED:KEY]' });
  assert.equal(result.error, 'failed near [REDACTED:KEY]');
  assert.deepEqual(audit.map((r) => `${r.kind}/${r.action}`), ['message/received', 'alert/threshold_crossed', 'message/replied']);
});
