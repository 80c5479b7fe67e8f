// `hardshell secrets` through the real CLI: values only from stdin, never printed; a wrong
// master key is a clear error; `config get` never shows a resolved secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

test('secrets set / list / rotate / rm, values from stdin only', async (t) => {
  const home = await makeHome({ config: { secrets: { provider: 'store' }, models: { providers: { p: { api: 'openai-completions', apiKey: '${secret:API}' } } } } });
  t.after(() => home.cleanup());
  const value = `v-${randomBytes(12).toString('hex')}`;
  const set = await runCli(['secrets', 'set', 'API'], home.env, `${value}\n`);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /stored the secret API/);
  const list = await runCli(['secrets', 'list', '--json'], home.env);
  const listed = JSON.parse(list.stdout);
  assert.equal(listed.provider, 'store');
  assert.deepEqual(listed.secrets.map((s: any) => s.name), ['API']);
  assert.match(listed.secrets[0].created, /^\d{4}-/);
  assert.ok(!list.stdout.includes(value));
  assert.ok(!(await readFile(join(home.home, 'secrets.enc.json'), 'utf8')).includes(value));
  assert.equal((await stat(join(home.home, 'keys', 'master.key'))).mode & 0o777, 0o600);

  const shown = await runCli(['config', 'get', 'models.providers.p.apiKey'], home.env);
  assert.equal(shown.stdout.trim(), '${secret:API}', 'config get shows the reference, never the value');

  const rotated = await runCli(['secrets', 'rotate', 'API'], home.env, 'new-value-123456');
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.equal((await runCli(['secrets', 'rotate', 'NOPE'], home.env, 'x')).code, 1);
  const empty = await runCli(['secrets', 'set', 'EMPTY'], home.env, '');
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no value arrived on stdin/);
  const rm = await runCli(['secrets', 'rm', 'API'], home.env);
  assert.equal(rm.code, 0);
  assert.match((await runCli(['secrets', 'list'], home.env)).stdout, /no secrets/);
  // A value on the command line is not an option that exists.
  const argv = await runCli(['secrets', 'set', 'API', value], home.env);
  assert.notEqual(argv.code, 0);
});

test('a wrong master key fails with a clear error, and the agent does not start with half the secrets', async (t) => {
  const home = await makeHome({ config: { secrets: { provider: 'store' } } });
  t.after(() => home.cleanup());
  const right = { ...home.env, HARDSHELL_MASTER_KEY: randomBytes(32).toString('hex') };
  const wrong = { ...home.env, HARDSHELL_MASTER_KEY: randomBytes(32).toString('hex') };
  assert.equal((await runCli(['secrets', 'set', 'A'], right, 'value-a-123')).code, 0);
  const res = await runCli(['secrets', 'list'], wrong);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /cannot be opened with this master key \(HARDSHELL_MASTER_KEY\).*nothing was decrypted/);
  assert.doesNotMatch(res.stderr, /bug in hardshell/);
  const agent = await runCli(['agent', '--message', 'hi'], wrong);
  assert.equal(agent.code, 1);
  assert.match(agent.stderr, /master key/);
});

test('a secret file with mode 644 is refused, naming the file and chmod 600', async (t) => {
  const home = await makeHome({ config: { secrets: { provider: 'file', dir: 'sec' }, security: { auth: { type: 'apiKey', key: '${secret:KEY}' } } } });
  t.after(() => home.cleanup());
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(join(home.home, 'sec'));
  await writeFile(join(home.home, 'sec', 'KEY'), 'readable-by-all', { mode: 0o644 });
  const res = await runCli(['secrets', 'list'], home.env);
  assert.equal(res.code, 0);
  assert.match(res.stdout, /KEY/);
  const agent = await runCli(['agent', '--message', 'hi', '--json'], home.env);
  const log = await readFile(join(home.home, 'logs', 'hardshell.log'), 'utf8');
  assert.match(log, new RegExp(`${join(home.home, 'sec', 'KEY').replace(/[.]/g, '\\.')} has mode 644.*chmod 600`));
  assert.ok(!log.includes('readable-by-all'));
  void agent;
});
