// Which model a turn uses when none is configured: a key in the environment, named plainly,
// else a local Ollama (a scripted server on a random loopback port stands in for it).
// (Choosing builds the provider client only; nothing is sent until a turn runs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.ts';
import { chooseModel, DEFAULT_ANTHROPIC_MODEL, DEFAULT_OPENAI_MODEL } from '../../src/agent/providers.ts';
import { ollamaAddress } from '../../src/agent/ollama-url.ts';
import { startModelServer } from '../fixtures/model-server.ts';
import { freePort } from '../fixtures/ports.ts';

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

test('HARDSHELL_OLLAMA_URL is taken only as a loopback http address; anything else is refused naming the variable', () => {
  assert.deepEqual(ollamaAddress({}), { url: 'http://127.0.0.1:11434' });
  assert.deepEqual(ollamaAddress({ HARDSHELL_OLLAMA_URL: 'http://127.0.0.1:4000/' }), { url: 'http://127.0.0.1:4000' });
  assert.deepEqual(ollamaAddress({ HARDSHELL_OLLAMA_URL: 'http://127.9.8.7:4000' }), { url: 'http://127.9.8.7:4000' });
  assert.deepEqual(ollamaAddress({ HARDSHELL_OLLAMA_URL: 'http://[::1]:4000' }), { url: 'http://[::1]:4000' });
  // Other spellings of 127.0.0.1 are what they are: loopback.
  assert.deepEqual(ollamaAddress({ HARDSHELL_OLLAMA_URL: 'http://0x7f.1:4000' }), { url: 'http://127.0.0.1:4000' });
  const refused: Array<[string, RegExp]> = [
    ['http://10.0.0.5:11434', /names the host "10\.0\.0\.5", which is not a loopback address/],
    ['http://ollama.example.com:11434', /names the host "ollama\.example\.com"/],
    ['http://127.0.0.1.nip.io:11434', /names the host "127\.0\.0\.1\.nip\.io"/],
    ['http://localhost:11434', /a name such as localhost is not looked up/],
    ['http://[::ffff:7f00:1]:11434', /not a loopback address/],
    ['http://0.0.0.0:11434', /not a loopback address/],
    ['https://127.0.0.1:11434', /uses https: where only http: is accepted/],
    ['file:///tmp/x', /uses file:/],
    ['http://user:pw@127.0.0.1:11434', /carries a user name or password/],
    ['http://127.0.0.1:11434/v1', /has a path, query or fragment/],
    ['127.0.0.1:11434', /is not a URL|uses 127\.0\.0\.1:/],
    ['not a url', /is not a URL/],
  ];
  for (const [value, reason] of refused) {
    const got = ollamaAddress({ HARDSHELL_OLLAMA_URL: value });
    assert.ok('error' in got, `${value} was accepted`);
    assert.match(got.error, /^HARDSHELL_OLLAMA_URL /, value);
    assert.match(got.error, reason, value);
    assert.match(got.error, /e\.g\. "http:\/\/127\.0\.0\.1:11434"; unset it, or add a remote server under models\.providers/, value);
    assert.doesNotMatch(got.error, /pw/, 'a password in the value is not repeated');
  }
});

test('with no provider and no key, a local Ollama that lists a model is used; a refused address is never probed', async (t) => {
  const ollama = await startModelServer([], { ollamaModels: ['llama3.2:latest', 'qwen3'] });
  t.after(() => ollama.close());
  assert.equal(await label(undefined, { HARDSHELL_OLLAMA_URL: ollama.origin }), 'ollama/llama3.2:latest');
  assert.deepEqual(ollama.requests.map((r) => r.path), ['/api/tags']);
  // A key in the environment comes first: Ollama is not even asked.
  assert.equal(await label(undefined, { OPENAI_API_KEY: 'sk-x', HARDSHELL_OLLAMA_URL: ollama.origin }), `openai/${DEFAULT_OPENAI_MODEL}`);
  assert.equal(ollama.requests.length, 1);
  assert.match(await label(undefined, { HARDSHELL_OLLAMA_URL: `http://user@127.0.0.1:${new URL(ollama.origin).port}` }), /^missing: HARDSHELL_OLLAMA_URL carries a user name or password/);
  assert.equal(ollama.requests.length, 1);
});

test('an Ollama with no model pulled, or none answering, is named plainly with what to do', async (t) => {
  const empty = await startModelServer([], { ollamaModels: [] });
  t.after(() => empty.close());
  assert.equal(await label(undefined, { HARDSHELL_OLLAMA_URL: empty.origin }),
    `missing: Ollama answers on ${empty.origin} but has no model: pull one (e.g. "ollama pull llama3.2"), or set ANTHROPIC_API_KEY or OPENAI_API_KEY, or add a provider under models.providers in hardshell.json`);
  // A server on the port that is not Ollama (no model list) counts as nothing answering.
  const other = await startModelServer();
  t.after(() => other.close());
  assert.match(await label(undefined, { HARDSHELL_OLLAMA_URL: other.origin }), /^missing: No model provider is configured/);
  const closed = await freePort();
  assert.equal(await label(undefined, { HARDSHELL_OLLAMA_URL: `http://127.0.0.1:${closed}` }),
    `missing: No model provider is configured. Set ANTHROPIC_API_KEY or OPENAI_API_KEY, start Ollama on http://127.0.0.1:${closed} (from HARDSHELL_OLLAMA_URL), ` +
    'or add a provider under models.providers in hardshell.json and name it in agents.defaults.model as "<provider>/<model>" (see docs/configuration.md).');
});
