// `hardshell policy explain`: the decision and its rule, as text and as stable JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

test('policy explain prints {decision, reason, rule} and exits 0/2/3 for allow/deny/ask', async (t) => {
  const home = await makeHome({ config: {
    exec: { security: 'allowlist', allowedCommands: ['git', 'ls', 'cat'], deniedCommands: ['rm'] },
    agents: { list: [{ id: 'reader', tools: { profile: 'minimal' } }] },
  } });
  t.after(() => home.cleanup());
  const explain = (...args: string[]) => runCli(['policy', 'explain', ...args], home.env);

  const allowed = await explain('--tool', 'exec', '--args', '{"command":"git status | cat"}', '--json');
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.deepEqual(JSON.parse(allowed.stdout), { decision: 'allow', reason: 'every program in the command is in tools.exec.allowedCommands', rule: 'tools.exec.allowedCommands' });

  const denied = await explain('--tool', 'exec', '--args', '{"command":"ls | xargs rm"}', '--json');
  assert.equal(denied.code, 2);
  assert.deepEqual(Object.keys(JSON.parse(denied.stdout)), ['decision', 'reason', 'rule']);
  assert.equal(JSON.parse(denied.stdout).rule, 'tools.exec.deniedCommands');
  assert.match(JSON.parse(denied.stdout).reason, /xargs/);

  const notOffered = await explain('--agent', 'reader', '--tool', 'write', '--args', '{"path":"a","content":"b"}', '--json');
  assert.deepEqual(JSON.parse(notOffered.stdout).rule, 'tools.profile=minimal');

  const text = await explain('--tool', 'exec', '--args', '{"command":"eval ls"}');
  assert.match(text.stdout, /^deny: eval runs a string/);
  assert.match(text.stdout, /rule: exec.not-understood/);

  const bad = await explain('--tool', 'exec', '--args', '{not json');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--args is not valid JSON/);
  const unknownAgent = await explain('--agent', 'ghost', '--tool', 'read');
  assert.match(unknownAgent.stderr, /no agent "ghost"/);
});
