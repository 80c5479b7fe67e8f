// Which model a turn uses when none is configured: a key in the environment, named plainly.
// (Choosing builds the provider client only; nothing is sent until a turn runs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.ts';
import { chooseModel, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL } from '../../src/agent/providers.ts';

const config = configSchema.parse({});
const label = async (ref: string | undefined, env: NodeJS.ProcessEnv) => {
  const choice = await chooseModel(ref, config, env);
  return 'missing' in choice ? `missing: ${choice.missing}` : choice.label;
};

test('with no provider configured, ANTHROPIC_API_KEY is used first, then OPENAI_API_KEY', async () => {
  assert.equal(await label(undefined, { ANTHROPIC_API_KEY: 'sk-ant-x', OPENAI_API_KEY: 'sk-x' }), `anthropic/${DEFAULT_ANTHROPIC_MODEL}`);
  assert.equal(await label(undefined, { OPENAI_API_KEY: 'sk-x' }), `openai/${DEFAULT_OPENAI_MODEL}`);
});

test('a "<provider>/<model>" name uses that provider\'s key from the environment', async () => {
  assert.equal(await label('openai/gpt-test', { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o' }), 'openai/gpt-test');
  assert.equal(await label('anthropic/claude-test', { ANTHROPIC_API_KEY: 'a' }), 'anthropic/claude-test');
});

test('a badly written or unknown model name says what is wrong, without a crash', async () => {
  assert.match(await label('claude', {}), /^missing: the model "claude" should be written "<provider>\/<model>"/);
  assert.match(await label('nowhere/m', {}), /^missing: the model "nowhere\/m" names the provider "nowhere", which is not under models\.providers/);
  assert.match(await label('openai/gpt-test', { ANTHROPIC_API_KEY: 'a' }), /has no API key in the environment/);
});
