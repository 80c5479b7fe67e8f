// Secret providers: env with a prefix (seeds 05, 19), a folder of one-secret files (refusing
// readable-by-others files and symlinks), and the encrypted store (wrong key: clear error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, symlink, readFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/load.ts';
import { secretProvider } from '../../src/secrets/providers.ts';
import { resolveSecretRefs } from '../../src/secrets/refs.ts';
import { SecretStore } from '../../src/secrets/store.ts';
import { knownSecrets } from '../../src/secrets/known.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const seed = (name: string, env: NodeJS.ProcessEnv = {}) => parseConfigText(readFileSync(join(SEEDS, name), 'utf8'), name, env).config;

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-secrets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('seed 05: CLAWDBOT_SECRET_<NAME> is the secret NAME', () => {
  const config = seed('05-secrets-env-prefix.json5');
  const env = { CLAWDBOT_SECRET_GITHUB: 'gh-value-123', HARDSHELL_SECRET_GITHUB: 'not-this', CLAWDBOT_SECRET_: 'nameless' };
  const p = secretProvider(config, env, '/nonexistent');
  assert.equal(p.get('GITHUB'), 'gh-value-123');
  assert.deepEqual(p.names(), ['GITHUB']);
  assert.equal(resolveSecretRefs('token ${secret:GITHUB}', config, env), 'token gh-value-123');
});

test('seed 19: OPENCLAW_SECRET_STRIPE_KEY becomes the secret STRIPE_KEY, and feeds the redactor', () => {
  const config = seed('19-secrets-openclaw-prefix.json5');
  const env = { OPENCLAW_SECRET_STRIPE_KEY: 'sk_test_value_for_stripe' };
  assert.equal(secretProvider(config, env, '/nonexistent').get('STRIPE_KEY'), 'sk_test_value_for_stripe');
  const known = knownSecrets(config, env, '/nonexistent');
  assert.deepEqual(known.secrets.find((s) => s.name === 'STRIPE_KEY'), { name: 'STRIPE_KEY', value: 'sk_test_value_for_stripe' });
});

test('file provider: one file per secret, trailing newline dropped', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'DB_PASSWORD'), 'hunter2-but-longer\n', { mode: 0o600 });
  const config = parseConfigText(`{ secrets: { provider: "file", dir: ${JSON.stringify(dir)} } }`, 'f', {}).config;
  const p = secretProvider(config, {}, dir);
  assert.equal(p.get('DB_PASSWORD'), 'hunter2-but-longer');
  assert.equal(p.get('MISSING'), undefined);
  assert.deepEqual(p.names(), ['DB_PASSWORD']);
  assert.equal(resolveSecretRefs('${secret:DB_PASSWORD}', config, {}), 'hunter2-but-longer');
  assert.throws(() => resolveSecretRefs('${secret:MISSING}', config, {}), new RegExp(`the secret "MISSING" is not set: write it to the file ${join(dir, 'MISSING')}`));
});

test('file provider: a file others may read (mode 644) is refused, naming the file and chmod 600', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'API_KEY');
  await writeFile(file, 'value-that-must-not-be-read', { mode: 0o644 });
  const p = secretProvider(parseConfigText(`{ secrets: { provider: "file", dir: ${JSON.stringify(dir)} } }`, 'f', {}).config, {}, dir);
  assert.throws(() => p.get('API_KEY'), (err: Error) => {
    assert.ok(err.message.includes(file), err.message);
    assert.ok(err.message.includes(`chmod 600 ${file}`), err.message);
    assert.ok(!err.message.includes('value-that-must-not-be-read'));
    return true;
  });
  await writeFile(join(dir, 'GROUP'), 'x-value', { mode: 0o640 });
  assert.throws(() => p.get('GROUP'), /mode 640/);
});

test('file provider: a symlink is refused even when its target is 600', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'real'), 'linked-value', { mode: 0o600 });
  await symlink(join(dir, 'real'), join(dir, 'LINKED'));
  const p = secretProvider(parseConfigText(`{ secrets: { provider: "file", dir: ${JSON.stringify(dir)} } }`, 'f', {}).config, {}, dir);
  assert.throws(() => p.get('LINKED'), /is a symlink/);
});

test('store: set, get, list (names and dates only), rotate, remove; file and key are mode 600', async (t) => {
  const home = await tempDir(t);
  const store = new SecretStore(home, {});
  assert.deepEqual(store.list(), []);
  assert.equal(store.set('API', 'first-value-abc'), false);
  assert.equal(store.get('API'), 'first-value-abc');
  const listed = store.list();
  assert.deepEqual(listed.map((s) => s.name), ['API']);
  assert.ok(!JSON.stringify(listed).includes('first-value'));
  assert.equal(store.set('API', 'second-value-xyz'), true);
  assert.equal(store.get('API'), 'second-value-xyz');
  assert.equal(store.list()[0].created, listed[0].created);
  const onDisk = await readFile(store.file, 'utf8');
  assert.ok(!onDisk.includes('second-value') && !onDisk.includes('first-value'), 'values are encrypted at rest');
  assert.equal((await stat(store.file)).mode & 0o777, 0o600);
  assert.equal((await stat(store.keyFile)).mode & 0o777, 0o600);
  const config = parseConfigText('{ secrets: { provider: "store" } }', 'f', {}).config;
  assert.equal(resolveSecretRefs('${secret:API}', config, { HARDSHELL_HOME: home }), 'second-value-xyz');
  assert.equal(store.remove('API'), true);
  assert.equal(store.get('API'), undefined);
});

test('store: a wrong master key fails with a clear error and decrypts nothing', async (t) => {
  const home = await tempDir(t);
  const key = 'a'.repeat(64);
  new SecretStore(home, { HARDSHELL_MASTER_KEY: key }).set('API', 'the-real-value-123');
  const wrong = new SecretStore(home, { HARDSHELL_MASTER_KEY: 'b'.repeat(64) });
  for (const attempt of [() => wrong.get('API'), () => wrong.all(), () => wrong.list()]) {
    assert.throws(attempt, /cannot be opened with this master key \(HARDSHELL_MASTER_KEY\): it is not the key the store was written with.*nothing was decrypted/);
  }
  // Without the env key, the (absent) key file is asked for.
  assert.throws(() => new SecretStore(home, {}).get('API'), /its master key does not/);
  // A passphrase works too, and is not the hex key.
  const pass = new SecretStore(await tempDir(t), { HARDSHELL_MASTER_KEY: 'correct horse battery staple' });
  pass.set('X', 'passphrase-protected');
  assert.equal(pass.get('X'), 'passphrase-protected');
});

test('store: an edited value fails authentication instead of decrypting to garbage', async (t) => {
  const home = await tempDir(t);
  const store = new SecretStore(home, {});
  store.set('API', 'value-to-tamper-with');
  const doc = JSON.parse(await readFile(store.file, 'utf8'));
  const data = Buffer.from(doc.secrets.API.data, 'base64');
  data[0] ^= 1;
  doc.secrets.API.data = data.toString('base64');
  await writeFile(store.file, JSON.stringify(doc));
  assert.throws(() => store.get('API'), /cannot be decrypted: the file was changed or damaged/);
  await mkdir(join(home, 'x'));
});

test('known secrets: provider values, provider API keys, gateway key and tokens', () => {
  const config = parseConfigText(JSON.stringify({
    security: { auth: { type: 'apiKey', key: 'the-api-key-value', tokens: ['plain-token-value', { name: 'n', value: '${secret:TOK}' }] } },
    models: { providers: { p: { api: 'openai-completions', apiKey: '${secret:PROVIDER}' } } },
  }), 'f', {}).config;
  const env = { HARDSHELL_SECRET_TOK: 'tok-secret-value', HARDSHELL_SECRET_PROVIDER: 'provider-secret', ANTHROPIC_API_KEY: 'anthropic-env' };
  const { secrets } = knownSecrets(config, env, '/nonexistent');
  const values = secrets.map((s) => s.value).sort();
  assert.deepEqual(values, ['anthropic-env', 'plain-token-value', 'provider-secret', 'the-api-key-value', 'tok-secret-value']);
});
