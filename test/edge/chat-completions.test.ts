// POST /v1/chat/completions as an OpenAI client sees it, streaming and not, plus the request
// limits and errors in front of it, and the read-only session endpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startTestGateway, parseSse, chatBody } from './helpers.ts';

const post = (body: string, headers: Record<string, string> = {}) =>
  ({ method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

test('non-streaming: a chat.completion with the reply, usage and where it was stored', async (t) => {
  const gw = await startTestGateway(t);
  const res = await gw.call('/v1/chat/completions', post(JSON.stringify({
    model: 'hardshell',
    messages: [
      { role: 'system', content: 'ignored' },
      { role: 'user', content: 'an earlier message the client kept' },
      { role: 'assistant', content: 'an earlier reply' },
      { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'there' }] },
    ],
    temperature: 0.2,
  })));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.equal(body.object, 'chat.completion');
  assert.match(body.id, /^chatcmpl-/);
  assert.equal(body.model, 'hardshell');
  assert.equal(typeof body.created, 'number');
  assert.deepEqual(body.choices, [{ index: 0, message: { role: 'assistant', content: 'echo: hello\nthere' }, finish_reason: 'stop' }]);
  assert.deepEqual(body.usage, { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  assert.equal(body.hardshell.sessionKey, 'http:default');
  assert.equal(body.hardshell.stopReason, 'completed');

  // Only the last user message becomes the turn, as the owner, in the default session.
  assert.equal(gw.runner.requests.length, 1);
  const turn = gw.runner.requests[0];
  assert.deepEqual([turn.agentId, turn.sessionKey, turn.message, turn.provenance], ['main', 'http:default', 'hello\nthere', 'owner']);
  assert.ok(turn.signal instanceof AbortSignal);
});

test('the session key comes from X-Hardshell-Session, else "user"; the agent from the model name', async (t) => {
  const gw = await startTestGateway(t);
  await (await gw.call('/v1/chat/completions', post(chatBody('a', { user: 'alice' })))).json();
  await (await gw.call('/v1/chat/completions', post(chatBody('b', { user: 'alice', model: 'hardshell/helper' }), { 'x-hardshell-session': 'project-x' }))).json();
  assert.deepEqual(gw.runner.requests.map((r) => [r.agentId, r.sessionKey]), [['main', 'alice'], ['helper', 'project-x']]);

  const bad = await gw.call('/v1/chat/completions', post(chatBody('c'), { 'x-hardshell-session': 'x'.repeat(201) }));
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error.message, /X-Hardshell-Session/);
});

test('an unknown agent or model is 404 and lists the agents', async (t) => {
  const gw = await startTestGateway(t);
  for (const model of ['hardshell/nobody', 'gpt-4o']) {
    const res = await gw.call('/v1/chat/completions', post(chatBody('hi', { model })));
    assert.equal(res.status, 404);
    const body = await res.json();
    assert.equal(body.error.type, 'not_found');
    assert.match(body.error.message, /hardshell\/main, hardshell\/helper/);
  }
  assert.equal(gw.runner.requests.length, 0);
});

test('streaming: SSE chunks carry the text, tool events ride in comments, then finish and [DONE]', async (t) => {
  const gw = await startTestGateway(t);
  const res = await gw.call('/v1/chat/completions', post(chatBody('tool please', { stream: true, model: 'hardshell/main' })));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const sse = parseSse(await res.text());
  assert.ok(sse.done, 'ends with data: [DONE]');
  const chunks = sse.data as any[];
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'hardshell/main' && c.id === chunks[0].id));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(text, 'echo: tool please');
  const last = chunks.at(-1);
  assert.equal(last.choices[0].finish_reason, 'stop');
  assert.deepEqual(last.usage, { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  assert.ok(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null));

  const events = sse.comments.map((c) => {
    assert.match(c, /^hardshell /);
    return JSON.parse(c.slice('hardshell '.length));
  });
  assert.deepEqual(events.map((e) => e.type), ['turn_start', 'tool_call', 'decision', 'tool_result', 'done']);
  assert.equal(events[2].decision, 'allow');
  assert.equal(events[4].result.reply, 'echo: tool please');
});

test('a turn that stops early still answers 200 with the reply and the reason', async (t) => {
  const gw = await startTestGateway(t);
  const plain = await (await gw.call('/v1/chat/completions', post(chatBody('limit reached')))).json();
  assert.equal(plain.choices[0].finish_reason, 'length');
  assert.match(plain.choices[0].message.content, /^echo: limit reached\n\nthe turn stopped after 1 model steps/);
  assert.equal(plain.hardshell.stopReason, 'max_steps');

  const streamed = parseSse(await (await gw.call('/v1/chat/completions', post(chatBody('limit again', { stream: true })))).text());
  const text = (streamed.data as any[]).map((c) => c.choices[0].delta.content ?? '').join('');
  assert.match(text, /^echo: limit again\n\nthe turn stopped after/);
  assert.ok(streamed.done);
});

test('a turn that throws is a 500 in the error shape, with no stack trace', async (t) => {
  const gw = await startTestGateway(t);
  const res = await gw.call('/v1/chat/completions', post(chatBody('crash now')));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.deepEqual(Object.keys(JSON.parse(text).error).sort(), ['message', 'type']);
  assert.doesNotMatch(text, /runner exploded|at .*\.ts/);
  assert.ok(gw.logs.some((l) => l.error === 'runner exploded'));

  const streamed = parseSse(await (await gw.call('/v1/chat/completions', post(chatBody('crash again', { stream: true })))).text());
  assert.ok(streamed.done);
  assert.equal((streamed.data.at(-1) as any).error.type, 'server_error');
});

test('a client that goes away mid-stream cancels its turn', async (t) => {
  const gw = await startTestGateway(t);
  const started = gw.runner.waitingTurn();
  const controller = new AbortController();
  const res = await gw.call('/v1/chat/completions', { ...post(chatBody('wait for me', { stream: true })), signal: controller.signal });
  assert.equal(res.status, 200);
  await started;
  controller.abort();
  await waitFor(() => gw.runner.aborted === 1);
});

test('a client that goes away during a non-streaming turn cancels it', async (t) => {
  const gw = await startTestGateway(t);
  const started = gw.runner.waitingTurn();
  const controller = new AbortController();
  const pending = gw.call('/v1/chat/completions', { ...post(chatBody('wait quietly')), signal: controller.signal }).catch(() => 'aborted');
  await started;
  controller.abort();
  assert.equal(await pending, 'aborted');
  await waitFor(() => gw.runner.aborted === 1);
});

test('bad requests: malformed JSON, wrong shapes, no user message → 400 with a clear message', async (t) => {
  const gw = await startTestGateway(t);
  const cases: Array<[string, RegExp]> = [
    ['{"model": "hardshell", "messages": [', /not valid JSON/],
    ['', /empty/],
    ['[1,2]', /not valid/],
    ['{"model": "hardshell"}', /messages/],
    ['{"model": "hardshell", "messages": []}', /messages/],
    ['{"model": 7, "messages": [{"role":"user","content":"x"}]}', /model/],
    ['{"model": "hardshell", "messages": [{"role":"user","content":"x"}], "stream": "yes"}', /stream/],
    ['{"model": "hardshell", "messages": [{"role":"system","content":"x"}]}', /role.*user/],
    ['{"model": "hardshell", "messages": [{"role":"user","content":[{"type":"image_url"}]}]}', /no text/],
  ];
  for (const [body, pattern] of cases) {
    const res = await gw.call('/v1/chat/completions', post(body));
    assert.equal(res.status, 400, body);
    const json = await res.json();
    assert.equal(json.error.type, 'invalid_request_error');
    assert.match(json.error.message, pattern, body);
  }
  assert.equal(gw.runner.requests.length, 0);
});

test('a body over gateway.maxBodyBytes is 413, by Content-Length and while streaming in', async (t) => {
  const gw = await startTestGateway(t, { gateway: { maxBodyBytes: 2048 } });
  const big = chatBody('x'.repeat(3000));
  const declared = await gw.call('/v1/chat/completions', post(big));
  assert.equal(declared.status, 413);
  const body = await declared.json();
  assert.equal(body.error.type, 'request_too_large');
  assert.match(body.error.message, /2048 bytes, gateway\.maxBodyBytes/);

  // Chunked: no Content-Length, so the limit is found by counting. The client keeps the
  // request open; the gateway answers as soon as the count passes the limit.
  const { port } = gw.gateway;
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${gw.token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }); req.destroy(); });
    });
    req.on('error', reject);
    req.write(big.slice(0, 1500));
    setTimeout(() => req.write(big.slice(1500)), 20);
  });
  assert.equal(chunked.status, 413);
  assert.match(JSON.parse(chunked.body).error.message, /gateway\.maxBodyBytes/);

  // A body just under the limit is fine, and the gateway still answers.
  const fits = await gw.call('/v1/chat/completions', post(chatBody('y'.repeat(1500))));
  assert.equal(fits.status, 200);
  assert.equal(gw.runner.requests.length, 1);
});

test('GET /v1/sessions lists sessions; /v1/sessions/:id shows one with its transcript', async (t) => {
  const gw = await startTestGateway(t);
  const empty = await (await gw.call('/v1/sessions')).json();
  assert.deepEqual(empty, { sessions: [] });

  const done = await (await gw.call('/v1/chat/completions', post(chatBody('remember this', { user: 'bob' })))).json();
  const list = await (await gw.call('/v1/sessions')).json();
  assert.equal(list.sessions.length, 1);
  const s = list.sessions[0];
  assert.deepEqual(Object.keys(s).sort(), ['agentId', 'createdAt', 'id', 'key', 'updatedAt']);
  assert.deepEqual([s.id, s.key, s.agentId], [done.hardshell.sessionId, 'bob', 'main']);

  const one = await (await gw.call(`/v1/sessions/${s.id}`)).json();
  assert.deepEqual(one.session, s);
  assert.deepEqual(one.items.map((i: any) => [i.seq, i.role, i.provenance]), [[1, 'user', 'owner'], [2, 'assistant', 'agent']]);
  assert.deepEqual(one.items[0].content, { role: 'user', content: 'remember this' });

  const missing = await gw.call('/v1/sessions/no-such-session');
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, 'not_found');
  assert.equal((await gw.call('/v1/sessions?limit=0')).status, 400);
  assert.equal((await (await gw.call('/v1/sessions?limit=1')).json()).sessions.length, 1);
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
