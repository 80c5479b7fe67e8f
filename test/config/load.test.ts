// Loading from the state folder: defaults when there is no file, the .env file under the
// environment, `${VAR}` / `${secret:NAME}` / `$${` handling, `~` expansion, and the
// commented file `hardshell init` writes meaning exactly the defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfigText } from '../../src/config/load.ts';
import { defaultConfigText } from '../../src/config/template.ts';
import { displayConfig } from '../../src/config/display.ts';
import { ConfigError } from '../../src/config/errors.ts';

function tempHome(t: { after(fn: () => void): void }, files: Record<string, string> = {}) {
  const userHome = mkdtempSync(join(tmpdir(), 'hardshell-load-'));
  t.after(() => rmSync(userHome, { recursive: true, force: true }));
  const home = join(userHome, '.hardshell');
  mkdirSync(home, { mode: 0o700 });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text, { mode: 0o600 });
  return { userHome, home, env: { HOME: userHome, HARDSHELL_HOME: home } as NodeJS.ProcessEnv };
}

test('no file: the secure defaults, and exists is false', (t) => {
  const { home, env } = tempHome(t);
  const loaded = loadConfig({ env });
  assert.equal(loaded.exists, false);
  assert.equal(loaded.paths.home, home);
  assert.equal(loaded.paths.config, join(home, 'hardshell.json'));
  const c = loaded.config;
  assert.equal(c.gateway.bind, '127.0.0.1');
  assert.equal(c.gateway.port, 18789);
  assert.equal(c.gateway.tls.enabled, false);
  assert.equal(c.security.auth.type, 'token');
  assert.deepEqual(c.security.auth.tokens, []);
  assert.equal(c.security.audit.enabled, true);
  assert.equal(c.security.rateLimit.enabled, true);
  assert.equal(c.logging.redactSensitive, 'tools');
  assert.equal(c.tools.exec.security, 'ask');
  assert.deepEqual(c.tools.elevated, []);
  assert.deepEqual(c.tools.web.fetch.allowedDomains, []);
  assert.equal(c.browser.mode, 'off');
  assert.deepEqual(loaded.aliases, []);
});

test('the file `hardshell init` writes loads to exactly the defaults', () => {
  const text = defaultConfigText();
  assert.match(text, /^\/\/ /); // it is commented
  const fromTemplate = parseConfigText(text, 'hardshell.json', {});
  assert.deepEqual(fromTemplate.config, parseConfigText('{}', 'hardshell.json', {}).config);
  assert.deepEqual(fromTemplate.aliases, []);
});

test('.env sits under the real environment; loadConfig does not touch process.env', (t) => {
  const { env } = tempHome(t, {
    '.env': '# comment\nexport GW_PORT=1234\nKEY_A="from file"\nKEY_B=\'single # not a comment\'\nKEY_C=plain # a comment\n\nSHARED=file\n',
    'hardshell.json': '{ gateway: { bind: "${BIND}" }, logging: { file: "${KEY_A}/${KEY_B}/${KEY_C}/${SHARED}" } }',
  });
  const loaded = loadConfig({ env: { ...env, BIND: '127.0.0.2', SHARED: 'environment' } });
  assert.equal(loaded.config.gateway.bind, '127.0.0.2');
  assert.equal(loaded.config.logging.file, 'from file/single # not a comment/plain/environment');
  assert.equal(loaded.env.GW_PORT, '1234');
  assert.equal(loaded.env.SHARED, 'environment');
  assert.equal(process.env.GW_PORT, undefined);
});

test('a bad .env line is an error naming the file and line', (t) => {
  const { home, env } = tempHome(t, { '.env': 'GOOD=1\nthis is not a setting\n' });
  assert.throws(() => loadConfig({ env }), (err: ConfigError) => {
    assert.equal(err.message, `${join(home, '.env')}:2: this line is not KEY=VALUE (a name of letters, digits and _, then =, then the value): "this is not a setting"`);
    return true;
  });
});

test('${secret:NAME} stays as written; $${...} is a literal', () => {
  const { config } = parseConfigText(`{
    models: { providers: { a: { api: "openai-completions", apiKey: "\${secret:OPENAI}" } } },
    agents: { defaults: { systemPrompt: "cost is $\${PRICE} and $\${secret:X}" } },
  }`, 'f', {});
  assert.equal(config.models.providers.a.apiKey, '${secret:OPENAI}');
  assert.equal(config.agents.defaults.systemPrompt, 'cost is ${PRICE} and $${secret:X}');
});

test('~ expands to HOME in path-like keys only', () => {
  const { config } = parseConfigText(`{
    security: { audit: { path: "~/audit.log" } },
    gateway: { tls: { cert: "~/c.pem", key: "~" } },
    agents: { defaults: { workspace: "~/ws" }, list: [{ id: "x", workspace: "~/x" }] },
    logging: { file: "~/log" },
    secrets: { dir: "~/secrets" },
    tools: { deny: ["~"] },
  }`, 'f', { HOME: '/home/u' });
  assert.equal(config.security.audit.path, '/home/u/audit.log');
  assert.equal(config.gateway.tls.cert, '/home/u/c.pem');
  assert.equal(config.gateway.tls.key, '/home/u');
  assert.equal(config.agents.defaults.workspace, '/home/u/ws');
  assert.equal(config.agents.list[0].workspace, '/home/u/x');
  assert.equal(config.logging.file, '/home/u/log');
  assert.equal(config.secrets.dir, '/home/u/secrets');
  assert.deepEqual(config.tools.deny, ['~']);
});

test('aliases inside agents.list entries, and dm legacy keys per agent', () => {
  const { config, aliases } = parseConfigText(`{
    agents: { list: [
      { id: "support", tools: { allowlist: ["Read"], denied: ["exec"] }, dm: { enabled: false, whitelist: ["a"] } },
      { id: "ops", dm: { whitelistOnly: true } },
    ] },
  }`, 'f', {});
  assert.deepEqual(config.agents.list[0].tools, { allow: ['read'], deny: ['exec'] });
  assert.deepEqual(config.agents.list[0].dm, { allowFrom: ['a'], policy: 'disabled' });
  assert.deepEqual(config.agents.list[1].dm, { policy: 'allowlist' });
  assert.deepEqual(aliases.map((a) => a.from), [
    'agents.list[0].tools.allowlist', 'agents.list[0].tools.denied',
    'agents.list[0].dm.whitelist', 'agents.list[0].dm.enabled', 'agents.list[1].dm.whitelistOnly',
  ]);
  assert.deepEqual(aliases.map((a) => a.line), [3, 3, 3, 3, 4]);
});

test('security.sandbox.enabled: true keeps an explicit mode; false turns it off', () => {
  const keep = parseConfigText('{ security: { sandbox: { enabled: true } }, agents: { defaults: { sandbox: { mode: "non-main" } } } }', 'f', {});
  assert.equal(keep.config.agents.defaults.sandbox?.mode, 'non-main');
  const off = parseConfigText('{ security: { sandbox: { enabled: false } } }', 'f', {});
  assert.equal(off.config.agents.defaults.sandbox?.mode, 'off');
});

test('environment aliases: HARDSHELL_SANDBOX and its OpenClaw names, the gateway token', () => {
  const on = parseConfigText('{}', 'f', { CLAWDBOT_SANDBOX: 'true', HARDSHELL_GATEWAY_TOKEN: 'tok' });
  assert.equal(on.config.agents.defaults.sandbox?.mode, 'all');
  assert.deepEqual(on.config.security.auth.tokens, [{ name: 'env', value: 'tok' }]);
  assert.deepEqual(on.aliases.map((a) => [a.from, a.file]), [['CLAWDBOT_SANDBOX', 'environment'], ['HARDSHELL_GATEWAY_TOKEN', 'environment']]);
  assert.equal(parseConfigText('{}', 'f', { HARDSHELL_SANDBOX: 'false' }).config.agents.defaults.sandbox?.mode, 'off');
  assert.throws(() => parseConfigText('{}', 'f', { HARDSHELL_SANDBOX: 'maybe' }), /environment: HARDSHELL_SANDBOX must be true or false, got "maybe"/);
  assert.throws(() => parseConfigText('{}', 'f', { HARDSHELL_SANDBOX: 'true', OPENCLAW_SANDBOX: 'false' }), /HARDSHELL_SANDBOX and OPENCLAW_SANDBOX name the same setting but have different values/);
  assert.throws(() => parseConfigText('{ agents: { defaults: { sandbox: { mode: "off" } } } }', 'f', { OPENCLAW_SANDBOX: 'true' }),
    /OPENCLAW_SANDBOX=true turns the sandbox on, but f sets agents\.defaults\.sandbox\.mode to "off"/);
  assert.throws(() => parseConfigText('{}', 'f', { HARDSHELL_GATEWAY_TOKEN: 'a', GATEWAY_TOKEN: 'b' }), /different values/);
});

test('config get view: references as written, credentials as (set), nothing resolved', (t) => {
  const { env } = tempHome(t, {
    '.env': 'OPENAI_KEY=sk-resolved-value\nGATEWAY_TOKEN=env-token-value\n',
    'hardshell.json': `{
      security: { auth: { type: "apiKey", key: "\${OPENAI_KEY}", tokens: ["plain-token", { name: "ci", sha256: "${'a'.repeat(64)}" }] } },
      models: { providers: {
        one: { api: "openai-completions", apiKey: "\${OPENAI_KEY}" },
        two: { api: "openai-completions", apiKey: "\${secret:TWO}" },
        three: { api: "openai-completions", apiKey: "literal-key" },
      } },
      logging: { file: "/var/log/\${OPENAI_KEY}.log" },
    }`,
  });
  const loaded = loadConfig({ env });
  assert.equal(loaded.config.security.auth.key, 'sk-resolved-value');
  const shown = displayConfig(loaded) as any;
  const text = JSON.stringify(shown);
  for (const secret of ['sk-resolved-value', 'env-token-value', 'plain-token', 'literal-key', 'a'.repeat(64)]) assert.ok(!text.includes(secret), secret);
  assert.equal(shown.security.auth.key, '(set)');
  assert.deepEqual(shown.security.auth.tokens, ['(set)', '(set)', '(set)']);
  assert.equal(shown.models.providers.one.apiKey, '${OPENAI_KEY}');
  assert.equal(shown.models.providers.two.apiKey, '${secret:TWO}');
  assert.equal(shown.models.providers.three.apiKey, '(set)');
  assert.equal(shown.logging.file, '/var/log/${OPENAI_KEY}.log');
  assert.equal(shown.gateway.port, 18789);
});

test('references in aliased keys are shown at the canonical key', () => {
  const parsed = parseConfigText('{ exec: { allowedCommands: ["${TOOL}"] } }', 'f', { TOOL: 'git' });
  assert.deepEqual(parsed.config.tools.exec.allowedCommands, ['git']);
  assert.deepEqual(parsed.references, [{ path: ['tools', 'exec', 'allowedCommands', 0], text: '${TOOL}' }]);
});

test('an unreadable config path is a clear error, not a crash', (t) => {
  const { home, env } = tempHome(t);
  mkdirSync(join(home, 'hardshell.json'));
  assert.throws(() => loadConfig({ env }), /hardshell\.json: cannot read the configuration file \(EISDIR\)/);
});
