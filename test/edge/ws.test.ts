// The WebSocket at /ws: refused at the upgrade without a token, then turns streamed as
// events, bad messages answered without closing, one turn at a time, cancelled on close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startTestGateway, type TestGateway } from './helpers.ts';

const wsUrl = (gw: TestGateway, path = '/ws') => gw.url.replace(/^http/, 'ws') + path;

/** The HTTP answer to an upgrade the server refused. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => { ws.close(); reject(new Error('the upgrade was accepted')); });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.on('error', () => {});
  });
}

interface Client {
  ws: WebSocket;
  send(value: unknown): void;
  /** The next message from the server. */
  next(): Promise<any>;
  /** Messages until (and including) the one that matches. */
  until(match: (m: any) => boolean): Promise<any[]>;
}

async function connect(t: { after(fn: () => void): void }, gw: TestGateway, token = gw.token): Promise<Client> {
  const ws = new WebSocket(wsUrl(gw), { headers: { authorization: `Bearer ${token}` } });
  t.after(() => ws.terminate());
  const queue: any[] = [];
  const waiters: Array<(m: any) => void> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const next = () => queue.length ? Promise.resolve(queue.shift()) : new Promise<any>((resolve) => waiters.push(resolve));
  return {
    ws,
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    next,
    async until(match) {
      const seen: any[] = [];
      for (;;) {
        const m = await next();
        seen.push(m);
        if (match(m)) return seen;
      }
    },
  };
}

const isDone = (m: any) => m.type === 'event' && m.event.type === 'done';

test('an upgrade without a valid token is refused with 401 before any WebSocket exists', async (t) => {
  const gw = await startTestGateway(t);
  const none = await refusal(wsUrl(gw));
  assert.equal(none.status, 401);
  assert.equal(none.headers['www-authenticate'], 'Bearer');
  assert.equal(JSON.parse(none.body).error.type, 'unauthorized');
  assert.equal((await refusal(wsUrl(gw), { authorization: 'Bearer wrong' })).status, 401);
  // A token in the query string is not accepted, not even a valid one.
  const query = await refusal(wsUrl(gw, `/ws?token=${gw.token}`));
  assert.equal(query.status, 401);
  assert.match(JSON.parse(query.body).error.message, /query string/);
  // Other paths do not upgrade at all.
  assert.equal((await refusal(wsUrl(gw, '/v1/sessions'), { authorization: `Bearer ${gw.token}` })).status, 404);
  assert.equal(gw.runner.requests.length, 0);
});

test('a turn streams every event, ending with done, and is stored', async (t) => {
  const gw = await startTestGateway(t);
  const c = await connect(t, gw);
  c.send({ type: 'turn', id: 't1', agent: 'helper', session: 'desk', message: 'tool time' });
  const got = await c.until(isDone);
  assert.ok(got.every((m) => m.type === 'event' && m.id === 't1'));
  assert.deepEqual(got.map((m) => m.event.type), ['turn_start', 'tool_call', 'decision', 'tool_result', 'text', 'text', 'done']);
  const done = got.at(-1).event.result;
  assert.equal(done.reply, 'echo: tool time');
  assert.equal(done.agentId, 'helper');
  assert.equal(done.sessionKey, 'desk');
  assert.deepEqual(gw.runner.requests.map((r) => [r.agentId, r.sessionKey, r.message, r.provenance]), [['helper', 'desk', 'tool time', 'owner']]);
  assert.equal(gw.sessions.items(done.sessionId).length, 2);

  // The socket takes the next turn; without an id, one is made up; the default session.
  c.send({ type: 'turn', message: 'again' });
  const second = await c.until(isDone);
  assert.match(second[0].id, /^[0-9a-f-]{36}$/);
  assert.equal(second.at(-1).event.result.sessionKey, 'ws:default');
});

test('invalid JSON, unknown types and bad fields get an error and the socket stays open', async (t) => {
  const gw = await startTestGateway(t);
  const c = await connect(t, gw);
  c.send('{not json');
  assert.deepEqual(Object.keys(await c.next()), ['type', 'message']);
  c.send({ type: 'shout', message: 'x' });
  const unknown = await c.next();
  assert.equal(unknown.type, 'error');
  assert.match(unknown.message, /unknown message type "shout"/);
  c.send({ type: 'turn' });
  assert.match((await c.next()).message, /invalid "turn" message: message/);
  c.send({ type: 'turn', id: 'x', agent: 'ghost', message: 'hi' });
  const ghost = await c.next();
  assert.deepEqual([ghost.type, ghost.id], ['error', 'x']);
  assert.match(ghost.message, /no agent "ghost".*main, helper/);
  c.ws.send(Buffer.from('{"type":"turn","message":"binary"}'), { binary: true });
  assert.match((await c.next()).message, /text frames/);
  assert.equal(gw.runner.requests.length, 0);
  // Still open and working.
  c.send({ type: 'turn', id: 'ok', message: 'fine' });
  assert.equal((await c.until(isDone)).at(-1).event.result.reply, 'echo: fine');
});

test('one turn at a time per socket; cancel stops the running one', async (t) => {
  const gw = await startTestGateway(t);
  const c = await connect(t, gw);
  const started = gw.runner.waitingTurn();
  c.send({ type: 'turn', id: 'long', message: 'wait a while' });
  await started;
  assert.equal((await c.next()).event.type, 'turn_start');
  c.send({ type: 'turn', id: 'second', message: 'me too' });
  const refused = await c.next();
  assert.deepEqual([refused.type, refused.id], ['error', 'second']);
  assert.match(refused.message, /already running/);
  c.send({ type: 'cancel' });
  const rest = await c.until(isDone);
  assert.equal(rest.at(-1).event.result.stopReason, 'aborted');
  assert.equal(gw.runner.aborted, 1);
  assert.equal(gw.runner.requests.length, 1);
});

test('closing the socket cancels its turn', async (t) => {
  const gw = await startTestGateway(t);
  const c = await connect(t, gw);
  const started = gw.runner.waitingTurn();
  c.send({ type: 'turn', message: 'wait forever' });
  await started;
  c.ws.close();
  await waitFor(() => gw.runner.aborted === 1);
});

test('a message over gateway.maxBodyBytes closes the socket with 1009', async (t) => {
  const gw = await startTestGateway(t, { gateway: { maxBodyBytes: 1024 } });
  const c = await connect(t, gw);
  const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
  c.send({ type: 'turn', message: 'x'.repeat(2000) });
  assert.equal(await closed, 1009);
  assert.equal(gw.runner.requests.length, 0);
});

test('close() drops open sockets and streams at once and cancels their turns', async (t) => {
  const gw = await startTestGateway(t);
  const c = await connect(t, gw);
  const started = gw.runner.waitingTurn();
  c.send({ type: 'turn', message: 'wait here' });
  await started;
  const streamStarted = gw.runner.waitingTurn();
  const res = await gw.call('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'hardshell', stream: true, messages: [{ role: 'user', content: 'wait too' }] }) });
  await streamStarted;
  const wsClosed = new Promise<void>((resolve) => c.ws.on('close', () => resolve()));
  const began = Date.now();
  await gw.gateway.close();
  await wsClosed;
  assert.ok(Date.now() - began < 2000, 'closes promptly');
  assert.equal(gw.runner.aborted, 2);
  await res.text().catch(() => {});
  await assert.rejects(fetch(gw.url + '/healthz'));
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
