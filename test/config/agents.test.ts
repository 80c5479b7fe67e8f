// The settings an agent runs with: agents.defaults under its agents.list entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../src/config/load.ts';
import { agentIds, effectiveAgent } from '../../src/config/agents.ts';
import { ConfigError } from '../../src/config/errors.ts';

const HOME = '/home/u/.hardshell';
const config = parseConfigText(`{
  agents: {
    defaults: {
      model: "anthropic/claude-sonnet-4-5",
      maxSteps: 10,
      sandbox: { mode: "all", scope: "session" },
      tools: { deny: ["exec"] },
    },
    list: [
      { id: "research", model: "openai/gpt-5-mini", sandbox: { scope: "agent" }, workspace: "research-ws" },
      { id: "main", systemPrompt: "be brief" },
      { id: "abs", workspace: "/srv/abs", tools: { allow: ["read"] } },
    ],
  },
}`, 'f', {}).config;

test('main always exists; list ids follow, without repeating main', () => {
  assert.deepEqual(agentIds(config), ['main', 'research', 'abs']);
  assert.deepEqual(agentIds(parseConfigText('{}', 'f', {}).config), ['main']);
});

test('main without an entry gets the defaults and the state folder workspace', () => {
  const bare = parseConfigText('{ agents: { defaults: { maxSteps: 3 } } }', 'f', {}).config;
  assert.deepEqual(effectiveAgent(bare, 'main', HOME), { id: 'main', maxSteps: 3, workspace: '/home/u/.hardshell/workspace' });
});

test('an entry overrides the defaults key by key inside nested settings', () => {
  const research = effectiveAgent(config, 'research', HOME);
  assert.equal(research.id, 'research');
  assert.equal(research.model, 'openai/gpt-5-mini');
  assert.equal(research.maxSteps, 10);
  assert.deepEqual(research.sandbox, { mode: 'all', scope: 'agent' });
  assert.deepEqual(research.tools, { deny: ['exec'] });
  assert.equal(research.workspace, '/home/u/.hardshell/research-ws'); // relative: from the state folder
  const abs = effectiveAgent(config, 'abs', HOME);
  assert.deepEqual(abs.tools, { deny: ['exec'], allow: ['read'] });
  assert.equal(abs.workspace, '/srv/abs');
  assert.equal(effectiveAgent(config, 'main', HOME).systemPrompt, 'be brief');
});

test('an unknown agent id is an error listing the known ones', () => {
  assert.throws(() => effectiveAgent(config, 'nope', HOME), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /there is no agent "nope": the agents are main, research, abs/);
    return true;
  });
});
