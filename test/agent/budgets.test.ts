// Runaway agents: a scripted model that loops on tool calls, or keeps spending, is stopped by
// budgets; the daily caps hold across turns and across restarts (separate processes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startModelServer, type StepSource } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';

// The scripted model reports 11 input and 7 output tokens for every call: 18 a step.

async function setup(t: { after(fn: () => Promise<void> | void): void }, script: StepSource[], budgets: Record<string, unknown>, extra: Record<string, any> = {}) {
  const model = await startModelServer(script);
  const home = await makeHome({ config: scriptedModelConfig(model.url, { ...extra, agents: { defaults: { budgets } } }) });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const turn = async (message: string) => {
    const res = await runCli(['agent', '--message', message, '--json'], home.env);
    return { code: res.code, out: JSON.parse(res.stdout) };
  };
  return { model, home, turn };
}

test('a model that repeats the same call is stopped as a loop', async (t) => {
  const loop = Array.from({ length: 20 }, () => ({ toolCalls: [{ name: 'find', args: { pattern: '*' } }] }));
  const { model, turn } = await setup(t, loop, {});
  const { code, out } = await turn('list files, forever');
  assert.equal(code, 1);
  assert.equal(out.stopReason, 'budget');
  assert.match(out.error, /maxRepeatedCalls/);
  assert.equal(out.toolCalls.length, 3, 'the fourth identical call is not run');
  assert.equal(model.requests.length, 4);
});

test('a turn stops at its token budget', async (t) => {
  const steps = Array.from({ length: 10 }, (_, i) => ({ toolCalls: [{ name: 'find', args: { pattern: `*${i}` } }] }));
  const { model, turn } = await setup(t, steps, { maxTokensPerTurn: 30 });
  const { out } = await turn('go');
  assert.equal(out.stopReason, 'budget');
  assert.match(out.error, /maxTokensPerTurn/);
  assert.equal(model.requests.length, 2, '18 tokens after one step, 36 after two: no third call');
});

test('the daily token budget holds across turns and restarts', async (t) => {
  const { model, turn } = await setup(t, [{ toolCalls: [{ name: 'find', args: { pattern: '*' } }] }, { text: 'one' }, { text: 'never' }], { maxTokensPerDay: 36 });
  const first = await turn('first');
  assert.equal(first.out.stopReason, 'completed');
  assert.equal(model.requests.length, 2);
  // A new process: the spending so far comes from the store.
  const second = await turn('second');
  assert.equal(second.out.stopReason, 'budget');
  assert.match(second.out.error, /36 tokens today.*maxTokensPerDay/);
  assert.equal(model.requests.length, 2, 'the model was not called again');
});

test('the daily cost budget uses the price table', async (t) => {
  const prices = { 'scripted/test-model': { input: 1_000_000, output: 0 } }; // $11 a step
  const { model, turn } = await setup(t, [{ text: 'one' }, { text: 'never' }], { maxCostPerDay: 10 }, { models: { prices } });
  assert.equal((await turn('first')).out.stopReason, 'completed');
  const second = await turn('second');
  assert.equal(second.out.stopReason, 'budget');
  assert.match(second.out.error, /\$11\.0000 today.*maxCostPerDay/);
  assert.equal(model.requests.length, 1);
});

test('turns beyond the concurrency limit are refused, not queued without end', async (t) => {
  const model = await startModelServer([{ hang: true }]);
  const home = await makeHome();
  const config = configSchema.parse(scriptedModelConfig(model.url, { agents: { defaults: { budgets: { maxConcurrentTurns: 1 } } } }));
  const db = openStore(join(home.home, 'hardshell.db'));
  t.after(async () => { db.close(); await model.close(); await home.cleanup(); });
  const runner = createAgentRunner({ config, home: home.home, env: home.env, sessions: new Sessions(db), usage: new UsageLedger(db), memory: new MemoryLedger(db) });
  const controller = new AbortController();
  const first = runner.runTurn({ sessionKey: 'a', message: 'hang', signal: controller.signal });
  while (model.requests.length < 1) await new Promise((r) => setTimeout(r, 10));
  const second = await runner.runTurn({ sessionKey: 'b', message: 'me too' });
  assert.equal(second.stopReason, 'busy');
  assert.match(second.error!, /maxConcurrentTurns/);
  controller.abort();
  assert.equal((await first).stopReason, 'aborted');
  const third = await runner.runTurn({ sessionKey: 'c', message: 'now?' });
  assert.notEqual(third.stopReason, 'busy', 'the slot is free again once the first turn ended');
});
