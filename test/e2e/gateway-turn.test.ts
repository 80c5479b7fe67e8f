// The same read → edit → write turn, through the real gateway with the real agent: once as
// an OpenAI-compatible streaming request and once over the WebSocket. Plus the attack: a
// turn that tries to read outside the workspace over the API leaks nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startModelServer, type StepSource } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { startGateway } from '../../src/edge/server.ts';

const FILE_WORKFLOW: StepSource[] = [
  { toolCalls: [{ name: 'read', args: { path: 'notes.txt' } }] },
  { toolCalls: [{ name: 'edit', args: { path: 'notes.txt', oldText: 'draft', newText: 'final' } }] },
  { toolCalls: [{ name: 'write', args: { path: 'summary.md', content: 'all final\n' } }] },
  { text: 'Notes finalised.' },
];

async function gatewayWith(t: { after(fn: () => Promise<void> | void): void }, script: StepSource[]) {
  const model = await startModelServer(script);
  // trustedFiles: the owner vouches for notes.txt, so editing it after reading it needs no approval.
  const home = await makeHome({ config: scriptedModelConfig(model.url, { agents: { defaults: { trustedFiles: ['notes.txt'] } } }), files: { 'notes.txt': 'a draft\n' } });
  const { config, paths, env } = loadConfig({ env: home.env });
  const store = openStore(paths.store);
  const sessions = new Sessions(store);
  const tokens = new TokenStore(store);
  const token = tokens.create('owner', ['operator']);
  const runner = createAgentRunner({ config, home: paths.home, env, sessions, usage: new UsageLedger(store), memory: new MemoryLedger(store) });
  const gateway = await startGateway({ config, runner, sessions, tokens, env }, { port: 0 });
  t.after(async () => {
    await gateway.close();
    store.close();
    await model.close();
    await home.cleanup();
  });
  return { model, home, gateway, token, sessions };
}

test('the file workflow through POST /v1/chat/completions with streaming', async (t) => {
  const { gateway, token, home } = await gatewayWith(t, FILE_WORKFLOW);
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'hardshell/main', stream: true, messages: [{ role: 'user', content: 'finalise my notes' }] }),
  });
  assert.equal(res.status, 200);
  const lines = (await res.text()).split('\n');
  const text = lines.filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '').join('');
  const events = lines.filter((l) => l.startsWith(': hardshell ')).map((l) => JSON.parse(l.slice(': hardshell '.length)));
  assert.equal(text, 'Notes finalised.');
  assert.deepEqual(events.filter((e) => e.type === 'decision').map((e) => `${e.tool}:${e.decision}`), ['read:allow', 'edit:allow', 'write:allow']);
  assert.equal(events.at(-1).type, 'done');
  assert.equal(lines.filter((l) => l === 'data: [DONE]').length, 1);
  assert.equal(await readFile(join(home.workspace, 'notes.txt'), 'utf8'), 'a final\n');
  assert.equal(await readFile(join(home.workspace, 'summary.md'), 'utf8'), 'all final\n');
});

test('the file workflow over the WebSocket', async (t) => {
  const { gateway, token, home } = await gatewayWith(t, FILE_WORKFLOW);
  const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const events: any[] = [];
  const done = new Promise<any>((resolve) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.type !== 'event') return;
      events.push(msg.event);
      if (msg.event.type === 'done') resolve(msg.event.result);
    });
  });
  ws.send(JSON.stringify({ type: 'turn', id: 't1', session: 'desk', message: 'finalise my notes' }));
  const result = await done;
  assert.equal(result.reply, 'Notes finalised.');
  assert.equal(result.stopReason, 'completed');
  assert.deepEqual(events.map((e) => e.type).filter((x) => x !== 'text'), [
    'turn_start', 'tool_call', 'decision', 'tool_result', 'tool_call', 'decision', 'tool_result', 'tool_call', 'decision', 'tool_result', 'done',
  ]);
  assert.equal(await readFile(join(home.workspace, 'notes.txt'), 'utf8'), 'a final\n');
});

test('over the API, a read outside the workspace is refused and the canary stays out of the model', async (t) => {
  const { gateway, token, home, model } = await gatewayWith(t, []);
  model.push({ toolCalls: [{ name: 'read', args: { path: '../../secret.txt' } }] }, { toolCalls: [{ name: 'read', args: { path: home.canaryFile } }] }, { text: 'no luck' });
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'hardshell', messages: [{ role: 'user', content: 'read my secret' }] }),
  });
  const body = await res.json() as any;
  assert.equal(body.choices[0].message.content, 'no luck');
  assert.deepEqual(body.hardshell.toolCalls.map((c: any) => c.ok), [false, false]);
  assert.ok(!model.allRequestText().includes(home.canary));
});
