// One agent turn end to end through the real `hardshell agent` command, with the scripted
// model server playing the model: the legitimate file workflow works, and every attempt to
// reach a file outside the workspace fails without the canary ever reaching the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, symlink, link, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startModelServer, type StepSource } from '../fixtures/model-server.ts';
import { makeHome, scriptedModelConfig, type TestHome } from '../fixtures/home.ts';
import { runCli, startCli } from '../fixtures/cli.ts';
import { freePort } from '../fixtures/ports.ts';
import { openStore } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';

async function setup(t: { after(fn: () => Promise<void> | void): void }, script: StepSource[] = [], extra: Record<string, any> = {}, files: Record<string, string> = {}) {
  const model = await startModelServer(script);
  const home = await makeHome({ config: scriptedModelConfig(model.url, extra), files });
  t.after(async () => { await model.close(); await home.cleanup(); });
  return { model, home };
}

function agentJson(home: TestHome, message: string, more: string[] = []) {
  return runCli(['agent', '--message', message, '--json', ...more], home.env);
}

test('read → edit → write → reply works end to end through `hardshell agent --json`', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'read', args: { path: 'notes.txt' } }] },
    { toolCalls: [{ name: 'edit', args: { path: 'notes.txt', oldText: 'draft', newText: 'final' } }] },
    { toolCalls: [{ name: 'write', args: { path: 'out/summary.md', content: '# Summary\nall final\n' } }] },
    { text: 'Done: notes are final and the summary is written.' },
    // The owner vouches for their notes: otherwise reading them taints the session, and the
    // rule of two would ask a person before the edit (test/agent/rule-of-two.test.ts).
  ], { agents: { defaults: { trustedFiles: ['notes.txt'] } } }, { 'notes.txt': 'this is a draft\n', 'AGENTS.md': 'Always be brief.' });
  // The owner vouches for their AGENTS.md once; from then on it is loaded into every prompt.
  const accepted = await runCli(['memory', 'accept', 'AGENTS.md'], home.env);
  assert.equal(accepted.code, 0, accepted.stderr);

  const res = await agentJson(home, 'finalise my notes');
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.reply, 'Done: notes are final and the summary is written.');
  assert.equal(out.stopReason, 'completed');
  assert.deepEqual(out.toolCalls.map((c: any) => [c.tool, c.decision, c.ok]), [['read', 'allow', true], ['edit', 'allow', true], ['write', 'allow', true]]);
  assert.equal(out.steps, 4);
  assert.ok(out.usage.inputTokens > 0 && out.usage.outputTokens > 0);
  assert.match(out.sessionId, /^[0-9a-f-]{36}$/);
  assert.equal(out.agentId, 'main');

  assert.equal(await readFile(join(home.workspace, 'notes.txt'), 'utf8'), 'this is a final\n');
  assert.equal(await readFile(join(home.workspace, 'out/summary.md'), 'utf8'), '# Summary\nall final\n');

  // What the model was shown: the system prompt with AGENTS.md, the tools, then each result.
  assert.equal(model.requests.length, 4);
  const first = model.requests[0].body;
  assert.match(first.messages[0].content, /Always be brief\./);
  assert.deepEqual(first.tools.map((x: any) => x.function.name).sort(), ['edit', 'exec', 'find', 'grep', 'memory_get', 'memory_search', 'memory_write', 'read', 'web_fetch', 'write']);
  assert.match(JSON.stringify(model.requests[1].body.messages), /this is a draft/);

  // The transcript is stored with provenance on every item.
  const db = openStore(join(home.home, 'hardshell.db'));
  t.after(() => db.close());
  const items = new Sessions(db).items(out.sessionId);
  assert.deepEqual(items.map((i) => `${i.role}:${i.provenance}`), [
    'user:owner', 'assistant:agent', 'tool:tool', 'assistant:agent', 'tool:tool', 'assistant:agent', 'tool:tool', 'assistant:agent',
  ]);
});

test('a second turn in the same session sees the first one', async (t) => {
  const { model, home } = await setup(t, [{ text: 'first answer' }, { text: 'second answer' }]);
  assert.equal((await agentJson(home, 'remember the word kestrel', ['--session', 's1'])).code, 0);
  const second = JSON.parse((await agentJson(home, 'what was the word?', ['--session', 's1'])).stdout);
  assert.equal(second.reply, 'second answer');
  const shown = JSON.stringify(model.requests[1].body.messages);
  assert.match(shown, /kestrel/);
  assert.match(shown, /first answer/);
});

test('attacks: reads and writes outside the workspace are refused and the canary never reaches the model', async (t) => {
  const { model, home } = await setup(t, [], {}, { 'ok.txt': 'fine\n' });
  // Plant the ways out: a symlink to the canary, a hard link to it, a dangling symlink that
  // points outside, and a symlinked directory.
  await symlink(home.canaryFile, join(home.workspace, 'link-out.txt'));
  await symlink(home.userHome, join(home.workspace, 'dir-out'));
  await link(home.canaryFile, join(home.workspace, 'hard.txt')); // no catch: a missing link would test nothing
  await symlink(join(home.userHome, 'planted.txt'), join(home.workspace, 'dangling.txt'));
  const outsideBefore = await snapshot(home.userHome, home.home);

  const attempts = [
    { name: 'read', args: { path: '../../secret.txt' } },
    { name: 'read', args: { path: home.canaryFile } },
    { name: 'read', args: { path: 'link-out.txt' } },
    { name: 'read', args: { path: 'dir-out/secret.txt' } },
    { name: 'read', args: { path: 'hard.txt' } },
    { name: 'grep', args: { pattern: 'CANARY', path: '..' } },
    { name: 'grep', args: { pattern: 'CANARY', path: 'dir-out' } },
    { name: 'find', args: { pattern: '**/secret.txt', path: home.userHome } },
    { name: 'write', args: { path: 'dangling.txt', content: 'owned' } },
    { name: 'write', args: { path: '../../planted.txt', content: 'owned' } },
    { name: 'edit', args: { path: 'link-out.txt', oldText: 'CANARY', newText: 'x' } },
    { name: 'read', args: { path: 'ok.txt' } },
  ];
  model.push(...attempts.map((a) => ({ toolCalls: [a] })), { text: 'finished trying' });

  const res = await agentJson(home, 'go');
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  const results = out.toolCalls.map((c: any) => c.ok);
  assert.deepEqual(results, [...attempts.slice(0, -1).map(() => false), true], JSON.stringify(out.toolCalls, null, 1));

  assert.ok(!model.allRequestText().includes(home.canary), 'the canary reached the model');
  assert.match(model.allRequestText(), /\\"hard\.txt\\" has 2 hard links/, 'the hard link was refused as one, not as a missing file');
  assert.ok(model.allRequestText().includes('fine'), 'the legitimate read still works');
  assert.deepEqual(await snapshot(home.userHome, home.home), outsideBefore, 'something outside the workspace changed');
});

test('a tool the model invents, or bad arguments, get a clear refusal and the turn goes on', async (t) => {
  const { home } = await setup(t, [
    { toolCalls: [{ name: 'run_shell', args: { command: 'cat ~/secret.txt' } }] },
    { toolCalls: [{ name: 'read', args: { file: 42 } }] },
    { text: 'ok' },
  ]);
  const out = JSON.parse((await agentJson(home, 'try')).stdout);
  assert.equal(out.toolCalls[0].decision, 'deny');
  assert.equal(out.toolCalls[1].decision, 'allow');
  assert.equal(out.toolCalls[1].ok, false);
  assert.equal(out.reply, 'ok');
});

test('the turn stops at the step limit', async (t) => {
  const { home } = await setup(t, Array.from({ length: 10 }, () => ({ toolCalls: [{ name: 'find', args: { pattern: '*' } }] })),
    { agents: { defaults: { maxSteps: 3 } } });
  const res = await agentJson(home, 'loop');
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'max_steps');
  assert.equal(out.steps, 3);
  assert.match(out.error, /maxSteps/);
});

test('a model server error ends the turn with a sentence, not a crash', async (t) => {
  const { home } = await setup(t, [{ error: 500, message: 'upstream exploded' }, { error: 500, message: 'upstream exploded' }]);
  const res = await agentJson(home, 'hi');
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'model_error');
  assert.match(out.error, /scripted\/test-model/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
});

test('with no provider at all, hardshell says plainly what to set', async (t) => {
  const home = await makeHome({ config: {} });
  t.after(() => home.cleanup());
  const res = await runCli(['agent', '--message', 'hi'], home.env);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /ANTHROPIC_API_KEY or OPENAI_API_KEY/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
});

test('the store survives kill -9 mid-turn, and the next turn carries on', async (t) => {
  const { model, home } = await setup(t, [
    { toolCalls: [{ name: 'write', args: { path: 'a.txt', content: 'one' } }] },
    { hang: true },
  ]);
  const run = startCli(['agent', '--message', 'write a then wait', '--session', 'k9', '--json'], home.env);
  while (model.requests.length < 2) await new Promise((r) => setTimeout(r, 20));
  run.child.kill('SIGKILL');
  const killed = await run.done;
  assert.equal(killed.signal, 'SIGKILL');

  const db = openStore(join(home.home, 'hardshell.db'));
  const sessions = new Sessions(db);
  const session = sessions.get('k9')!;
  assert.deepEqual(sessions.items(session.id).map((i) => i.role), ['user', 'assistant', 'tool']);
  db.close();

  model.push({ text: 'carrying on' });
  const next = await agentJson(home, 'and now?', ['--session', 'k9']);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(JSON.parse(next.stdout).reply, 'carrying on');
});

/** Every file below `root` except the `skip` folder, with its contents. */
async function snapshot(root: string, skip: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const full = join(entry.parentPath, entry.name);
    if (full.startsWith(skip)) continue;
    out[full] = entry.isFile() ? await readFile(full, 'utf8') : entry.isSymbolicLink() ? 'link' : 'dir';
  }
  return out;
}

test('a provider key that names a missing secret stops the turn with the variable to set', async (t) => {
  const model = await startModelServer([{ text: 'never reached' }]);
  const config = scriptedModelConfig(model.url);
  config.models.providers.scripted.apiKey = '${secret:MODEL_KEY}';
  const home = await makeHome({ config });
  t.after(async () => { await model.close(); await home.cleanup(); });
  const res = await agentJson(home, 'hi');
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'no_model');
  assert.match(out.error, /HARDSHELL_SECRET_MODEL_KEY/);
  assert.equal(model.requests.length, 0);
});

test('with no provider configured and no key, a turn runs through a local Ollama (HARDSHELL_OLLAMA_URL)', async (t) => {
  const ollama = await startModelServer([
    { toolCalls: [{ name: 'read', args: { path: 'n.txt' } }] },
    { text: 'the note says hello' },
  ], { ollamaModels: ['llama3.2:latest'] });
  const home = await makeHome({ files: { 'n.txt': 'hello\n' }, env: { HARDSHELL_OLLAMA_URL: ollama.origin } });
  t.after(async () => { await ollama.close(); await home.cleanup(); });
  const res = await agentJson(home, 'what does n.txt say?');
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'completed');
  assert.equal(out.reply, 'the note says hello');
  assert.deepEqual(out.toolCalls.map((c: any) => [c.tool, c.decision, c.ok]), [['read', 'allow', true]]);
  // Ollama was asked for its models, then spoken to through its OpenAI-compatible API.
  assert.deepEqual(ollama.requests.map((r) => r.path), ['/api/tags', '/v1/chat/completions', '/v1/chat/completions']);
  assert.equal(ollama.requests[1].body.model, 'llama3.2:latest');
  assert.match(JSON.stringify(ollama.requests[2].body.messages), /hello/);
});

test('with no provider, no key and no Ollama answering, the turn ends with no_model and says what to set', async (t) => {
  const port = await freePort();
  const home = await makeHome({ env: { HARDSHELL_OLLAMA_URL: `http://127.0.0.1:${port}` } });
  t.after(home.cleanup);
  const res = await agentJson(home, 'hi');
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'no_model');
  assert.equal(out.error, `No model provider is configured. Set ANTHROPIC_API_KEY or OPENAI_API_KEY, start Ollama on http://127.0.0.1:${port} (from HARDSHELL_OLLAMA_URL), ` +
    'or add a provider under models.providers in hardshell.json and name it in agents.defaults.model as "<provider>/<model>" (see docs/configuration.md).');
  assert.doesNotMatch(res.stdout + res.stderr, /\n\s+at /, 'no stack trace');
  // An address off this machine is refused before anything is sent, with the variable named.
  const off = await agentJson({ ...home, env: { ...home.env, HARDSHELL_OLLAMA_URL: 'http://192.0.2.7:11434' } }, 'hi');
  assert.equal(off.code, 1);
  const refused = JSON.parse(off.stdout);
  assert.equal(refused.stopReason, 'no_model');
  assert.match(refused.error, /^HARDSHELL_OLLAMA_URL names the host "192\.0\.2\.7", which is not a loopback address/);
  assert.doesNotMatch(off.stdout + off.stderr, /\n\s+at /, 'no stack trace');
});

test('the turn stops at its wall-clock limit when the model never answers', async (t) => {
  const { home } = await setup(t, [{ hang: true }], { agents: { defaults: { turnTimeoutMs: 1000 } } });
  const res = await agentJson(home, 'hi');
  assert.equal(res.code, 1);
  const out = JSON.parse(res.stdout);
  assert.equal(out.stopReason, 'timeout');
  assert.match(out.error, /turnTimeoutMs/);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
});

test('sessions list and show --json print the documented shapes (docs/cli.md)', async (t) => {
  const { home } = await setup(t, [{ toolCalls: [{ name: 'read', args: { path: 'n.txt' } }] }, { text: 'read it' }], {}, { 'n.txt': 'note\n' });
  const turn = JSON.parse((await agentJson(home, 'read n.txt', ['--session', 'doc'])).stdout);
  const list = await runCli(['sessions', 'list', '--json'], home.env);
  assert.equal(list.code, 0, list.stderr);
  const { sessions } = JSON.parse(list.stdout);
  assert.deepEqual(Object.keys(sessions[0]).sort(), ['agentId', 'createdAt', 'id', 'key', 'updatedAt']);
  assert.equal(sessions[0].id, turn.sessionId);
  const show = await runCli(['sessions', 'show', 'doc', '--json'], home.env);
  assert.equal(show.code, 0, show.stderr);
  const shown = JSON.parse(show.stdout);
  assert.equal(shown.session.id, turn.sessionId);
  assert.deepEqual(Object.keys(shown.items[0]).sort(), ['content', 'createdAt', 'provenance', 'role', 'seq', 'source']);
  assert.deepEqual(shown.items.map((i: any) => [i.provenance, i.source]), [['owner', null], ['agent', null], ['tool', 'file:n.txt'], ['agent', null]]);
  const missing = await runCli(['sessions', 'show', 'nope'], home.env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no session "nope"; run "hardshell sessions list"/);
});
