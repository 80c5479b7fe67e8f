// GET /v1/approvals and POST /v1/approvals/:id on a real gateway: an operator token sees and
// answers pending requests; a chat token may not; a waiting approver gets the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { startGateway } from '../../src/edge/server.ts';
import { ApprovalStore } from '../../src/approvals/store.ts';
import { createApprover } from '../../src/approvals/approver.ts';
import type { AgentRunner } from '../../src/agent/events.ts';

test('operators list and answer approval requests over HTTP; others may not', async (t) => {
  const home = await makeHome();
  const store = openStore(join(home.home, 'hardshell.db'));
  const sessions = new Sessions(store);
  const tokens = new TokenStore(store);
  const approvals = new ApprovalStore(store);
  const runner: AgentRunner = { runTurn: async () => { throw new Error('not used'); }, knownAgents: () => ['main'] };
  const gateway = await startGateway({ config: configSchema.parse({}), runner, sessions, tokens, env: {}, approvals }, { port: 0 });
  t.after(async () => { await gateway.close(); store.close(); await home.cleanup(); });
  const operator = tokens.create('op', ['operator']);
  const chat = tokens.create('chatter', ['chat', 'read']);
  const call = (path: string, token: string, body?: unknown) => fetch(`${gateway.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  const approver = createApprover({
    store: approvals, timeoutMs: 10_000, pollMs: 10,
    describe: (r) => ({ view: { tool: r.tool, command: JSON.stringify(r.args), programs: [], workdir: '/ws', env: [], sandbox: 's', network: 'none' }, binding: { agentId: r.agentId, tool: r.tool, args: r.args, workdir: '/ws' } }),
  });
  const waiting = approver({ agentId: 'main', sessionId: 's', toolCallId: 'c1', tool: 'write', args: { path: 'a', content: 'b' }, reason: 'elevated', rule: 'tools.elevated' }, new AbortController().signal);
  let list: any;
  for (let i = 0; i < 100 && !(list?.approvals?.length); i++) {
    await new Promise((r) => setTimeout(r, 10));
    list = await (await call("/v1/approvals", operator)).json() as any;
  }
  assert.equal(list.approvals.length, 1);
  const id = list.approvals[0].id;
  assert.equal(list.approvals[0].view.rule, 'tools.elevated');

  assert.equal((await call('/v1/approvals', chat)).status, 403);
  assert.equal((await call(`/v1/approvals/${id}`, chat, { decision: 'once' })).status, 403);
  assert.equal((await call('/v1/approvals', 'wrong-token')).status, 401);
  assert.equal((await call(`/v1/approvals/${id}`, operator, { decision: 'yes please' })).status, 400);
  assert.equal((await call('/v1/approvals/nope', operator, { decision: 'once' })).status, 404);

  const answered = await call(`/v1/approvals/${id}`, operator, { decision: 'once' });
  assert.equal(answered.status, 200);
  assert.equal(((await answered.json()) as any).approval.status, 'approved');
  const answer = await waiting;
  assert.deepEqual([answer.approved, answer.by], [true, 'token:op']);
  assert.equal((await call(`/v1/approvals/${id}`, operator, { decision: 'deny' })).status, 400);
  assert.equal(((await (await call("/v1/approvals?all=1", operator)).json()) as any).approvals.length, 1);
});

test('operators list and answer approval requests over the WebSocket; chat tokens may not', async (t) => {
  const { WebSocket } = await import('ws');
  const home = await makeHome();
  const store = openStore(join(home.home, 'hardshell.db'));
  const sessions = new Sessions(store);
  const tokens = new TokenStore(store);
  const approvals = new ApprovalStore(store);
  const runner: AgentRunner = { runTurn: async () => { throw new Error('not used'); }, knownAgents: () => ['main'] };
  const gateway = await startGateway({ config: configSchema.parse({}), runner, sessions, tokens, env: {}, approvals }, { port: 0 });
  t.after(async () => { await gateway.close(); store.close(); await home.cleanup(); });
  const pending = approvals.create({
    agentId: 'main', sessionId: 's', toolCallId: 'c', tool: 'exec', hash: 'h', expiresAt: new Date(Date.now() + 60_000),
    view: { tool: 'exec', command: 'git push', programs: [], workdir: '/ws', env: [], sandbox: 's', network: 'none', reason: 'r', rule: 'tools.exec.security=ask' },
  });
  const open = async (token: string) => {
    const ws = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    t.after(() => ws.close());
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const next = () => new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    return { send: (v: unknown) => ws.send(JSON.stringify(v)), next };
  };
  const chat = await open(tokens.create('chatter', ['chat']));
  chat.send({ type: 'approvals' });
  assert.match((await chat.next()).message, /need "operator"/);

  const op = await open(tokens.create('op', ['operator']));
  op.send({ type: 'approvals' });
  const listed = await op.next();
  assert.deepEqual(listed.approvals.map((a: any) => a.id), [pending.id]);
  op.send({ type: 'approve', id: pending.id, decision: 'deny' });
  const answered = await op.next();
  assert.equal(answered.approval.status, 'denied');
  assert.equal(answered.approval.answeredBy, 'token:op');
  op.send({ type: 'approve', id: pending.id, decision: 'once' });
  assert.match((await op.next()).message, /already answered/);
  // New requests are pushed to operator sockets as they are made.
  const pushed = op.next();
  gateway.notifyApproval({ id: 'new-one' });
  assert.deepEqual(await pushed, { type: 'approval_pending', approval: { id: 'new-one' } });
});
