// Through the real gateway and the real agent: a turn over the WebSocket that needs approval
// pauses; the operator's socket is told of the request, approves it on the same socket, and
// the turn goes on and writes the file. Then the same with a denial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startModelServer } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig } from '../fixtures/home.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { UsageLedger } from '../../src/sessions/usage.ts';
import { MemoryLedger } from '../../src/sessions/memory.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { createAgentRunner } from '../../src/agent/runner.ts';
import { startGateway, type Gateway } from '../../src/edge/server.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';
import { runtimeApprover } from '../../src/cli/approvals.ts';

async function setup(t: { after(fn: () => Promise<void> | void): void }) {
  const model = await startModelServer([
    { toolCalls: [{ name: 'write', args: { path: 'ws.txt', content: 'approved over ws\n' } }] },
    { text: 'written' },
  ]);
  const home = await makeHome({ config: scriptedModelConfig(model.url, { tools: { elevated: ['write'] } }) });
  const { config, paths, env } = loadConfig({ env: home.env });
  const store = openStore(paths.store);
  const sessions = new Sessions(store);
  const tokens = new TokenStore(store);
  let gateway: Gateway | undefined;
  const approver = runtimeApprover(config, paths.home, store, { pollMs: 20, onPending: (r) => gateway?.notifyApproval(r) });
  const runner = createAgentRunner({ config, home: paths.home, env, sessions, usage: new UsageLedger(store), memory: new MemoryLedger(store), approver });
  gateway = await startGateway({ config, runner, sessions, tokens, env, approvals: new ApprovalStore(store) }, { port: 0 });
  const started = gateway;
  t.after(async () => { await started.close(); store.close(); await model.close(); await home.cleanup(); });
  const ws = new WebSocket(`${started.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${tokens.create('owner', ['operator'])}` } });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  t.after(() => ws.close());
  const messages: any[] = [];
  const waiters: Array<[(m: any) => boolean, (m: any) => void]> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    messages.push(m);
    for (const w of [...waiters]) if (w[0](m)) { waiters.splice(waiters.indexOf(w), 1); w[1](m); }
  });
  const waitFor = (pred: (m: any) => boolean) => new Promise<any>((resolve) => {
    const seen = messages.find(pred);
    if (seen) resolve(seen); else waiters.push([pred, resolve]);
  });
  return { home, model, ws, waitFor };
}

for (const decision of ['once', 'deny'] as const) {
  test(`a WebSocket turn waits for approval; the operator answers "${decision}" on the socket`, async (t) => {
    const { home, model, ws, waitFor } = await setup(t);
    ws.send(JSON.stringify({ type: 'turn', id: 't1', message: 'write it' }));
    const pending = await waitFor((m) => m.type === 'approval_pending');
    assert.equal(pending.approval.tool, 'write');
    assert.match(pending.approval.view.command, /ws\.txt/);
    const asked = await waitFor((m) => m.type === 'event' && m.event.type === 'decision');
    assert.equal(asked.event.decision, 'ask');
    ws.send(JSON.stringify({ type: 'approve', id: pending.approval.id, decision }));
    const answered = await waitFor((m) => m.type === 'approval');
    assert.equal(answered.approval.status, decision === 'deny' ? 'denied' : 'approved');
    const done = await waitFor((m) => m.type === 'event' && m.event.type === 'done');
    assert.equal(done.event.result.stopReason, 'completed');
    if (decision === 'once') {
      assert.equal(readFileSync(join(home.workspace, 'ws.txt'), 'utf8'), 'approved over ws\n');
    } else {
      assert.ok(!existsSync(join(home.workspace, 'ws.txt')));
      assert.match(JSON.stringify(model.requests[1].body.messages), /denied by policy/);
    }
  });
}
