// `hardshell config path|validate|get` through the real command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');

async function home(t: { after(fn: () => Promise<void>): void }, files: Record<string, string> = {}) {
  const h = await makeHome();
  t.after(h.cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(h.home, name), text, { mode: 0o600 });
  return h;
}

test('config path prints where the file is', async (t) => {
  const h = await home(t);
  const res = await runCli(['config', 'path'], h.env);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, `${join(h.home, 'hardshell.json')}\n`);
});

test('config validate: no file means the defaults', async (t) => {
  const h = await home(t);
  const res = await runCli(['config', 'validate'], h.env);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^ok: there is no .*hardshell\.json, so the secure defaults apply/);
});

test('config validate reports each alias it read, with its line', async (t) => {
  const h = await home(t);
  copyFileSync(join(SEEDS, '13-untrusted-agent.json5'), join(h.home, 'hardshell.json'));
  copyFileSync(join(SEEDS, '25-env-file.env'), join(h.home, '.env'));
  const res = await runCli(['config', 'validate'], h.env);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stdout, [
    `ok: ${join(h.home, 'hardshell.json')}`,
    'note: exec is read as tools.exec (line 4)',
    'note: tools.allowed is read as tools.allow (line 10)',
    'note: tools.denied is read as tools.deny (line 11)',
    `note: OPENCLAW_SANDBOX is read as agents.defaults.sandbox.mode = "all" (${join(h.home, '.env')} line 7)`,
    `note: GATEWAY_TOKEN is read as security.auth.tokens (a token named "env") (${join(h.home, '.env')} line 8)`,
    '',
  ].join('\n'));

  const json = JSON.parse((await runCli(['config', 'validate', '--json'], h.env)).stdout);
  assert.equal(json.ok, true);
  assert.equal(json.exists, true);
  assert.deepEqual(json.aliases[2], { from: 'tools.denied', to: 'tools.deny', file: join(h.home, 'hardshell.json'), line: 11 });
});

test('config validate on a bad file: the problems, one line each, exit 1, no stack trace', async (t) => {
  const h = await home(t, { 'hardshell.json': '{\n  gateway: {\n    port: "abc",\n  },\n  security: { foo: true },\n}\n' });
  const res = await runCli(['config', 'validate'], h.env);
  assert.equal(res.code, 1);
  assert.equal(res.stdout, '');
  const file = join(h.home, 'hardshell.json');
  assert.equal(res.stderr, [
    `hardshell: ${file}:3: gateway.port must be a whole number between 0 and 65535, got "abc"`,
    `${file}:5: unknown key "security.foo" (the keys of security are: auth, network, rateLimit, audit, injection)`,
    '',
  ].join('\n'));

  const json = await runCli(['config', 'validate', '--json'], h.env);
  assert.equal(json.code, 1);
  const out = JSON.parse(json.stdout);
  assert.equal(out.ok, false);
  assert.deepEqual(out.errors[0], { file, line: 3, keyPath: 'gateway.port', message: 'gateway.port must be a whole number between 0 and 65535, got "abc"' });
});

test('config validate on malformed JSON5 names line and column', async (t) => {
  const h = await home(t, { 'hardshell.json': '{\n  gateway: { port: 1 }\n  tools: {},\n}' });
  const res = await runCli(['config', 'validate'], h.env);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^hardshell: .*hardshell\.json:3:3: invalid character 't': this is not valid JSON5/);
  assert.equal(res.stderr.trim().split('\n').length, 1);
});

test('config get: the whole config, one key, and never a secret', async (t) => {
  const h = await home(t, {
    '.env': 'MY_API_KEY=sk-very-secret\nHARDSHELL_GATEWAY_TOKEN=gw-very-secret\nPORT=18800\n',
    'hardshell.json': JSON.stringify({
      gateway: { bind: '127.0.0.1' },
      security: { auth: { type: 'apiKey', key: '${MY_API_KEY}', tokens: ['tok-very-secret'] } },
      models: { providers: { p: { api: 'openai-completions', apiKey: '${MY_API_KEY}' } } },
    }),
  });
  const all = await runCli(['config', 'get'], h.env);
  assert.equal(all.code, 0, all.stderr);
  assert.doesNotMatch(all.stdout, /very-secret/);
  const shown = JSON.parse(all.stdout);
  assert.equal(shown.security.auth.key, '(set)');
  assert.deepEqual(shown.security.auth.tokens, ['(set)', '(set)']);
  assert.equal(shown.models.providers.p.apiKey, '${MY_API_KEY}');

  assert.equal((await runCli(['config', 'get', 'gateway.port'], h.env)).stdout, '18789\n');
  assert.equal((await runCli(['config', 'get', 'gateway.port', '--json'], h.env)).stdout, '18789\n');
  assert.equal((await runCli(['config', 'get', 'security.auth.key'], h.env)).stdout, '(set)\n');
  assert.equal((await runCli(['config', 'get', 'models.providers.p.apiKey'], h.env)).stdout, '${MY_API_KEY}\n');
  assert.deepEqual(JSON.parse((await runCli(['config', 'get', 'gateway.tls'], h.env)).stdout), { enabled: false });
  assert.equal((await runCli(['config', 'get', 'logging.file'], h.env)).stdout, '(not set)\n');
  assert.equal((await runCli(['config', 'get', 'logging.file', '--json'], h.env)).stdout, 'null\n');
});

test('config get of a key that does not exist suggests the right one', async (t) => {
  const h = await home(t);
  const res = await runCli(['config', 'get', 'gateway.prot'], h.env);
  assert.equal(res.code, 1);
  assert.equal(res.stderr, 'hardshell: there is no key "gateway.prot" in the configuration (did you mean "gateway.port"?)\n');
  const list = await runCli(['config', 'get', 'agents.list[0].id'], h.env);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, '(not set)\n');
});
