// Every config snippet from the seed documents (test/fixtures/seed-configs, copied unchanged
// from ../shared/seed-configs) loads without error, and lands on hardshell's canonical keys.
// What each one then *does* is tested by the issue that builds that control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../src/config/load.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const ENV = { HOME: '/home/tester', CLAWDBOT_API_KEY: 'test-api-key-value' };

function load(name: string): LoadedConfig {
  return loadConfig({ file: join(SEEDS, name), home: '/nonexistent/.hardshell', env: ENV });
}

const checks: Record<string, (l: LoadedConfig) => void> = {
  '01-auth-apikey.json5': ({ config, references }) => {
    assert.equal(config.security.auth.type, 'apiKey');
    assert.equal(config.security.auth.key, 'test-api-key-value');
    assert.deepEqual(references, [{ path: ['security', 'auth', 'key'], text: '${CLAWDBOT_API_KEY}' }]);
  },
  '02-auth-tokens.json5': ({ config }) => {
    assert.equal(config.security.auth.type, 'token');
    assert.deepEqual(config.security.auth.tokens, ['token1', 'token2']);
  },
  '03-tools-deny.json5': ({ config }) => {
    assert.deepEqual(config.tools.deny, ['exec', 'bash', 'process']);
  },
  '04-gateway-tls.json5': ({ config }) => {
    assert.deepEqual(config.gateway.tls, { enabled: true, cert: '/path/to/cert.pem', key: '/path/to/key.pem' });
  },
  '05-secrets-env-prefix.json5': ({ config }) => {
    assert.deepEqual(config.secrets, { provider: 'env', prefix: 'CLAWDBOT_SECRET_' });
  },
  '06-network-allowed-ips.json5': ({ config }) => {
    assert.deepEqual(config.security.network.allowedIPs, ['192.168.1.0/24', '10.0.0.0/8']);
  },
  '07-rate-limit.json5': ({ config }) => {
    const { enabled, requests, window } = config.security.rateLimit;
    assert.deepEqual({ enabled, requests, window }, { enabled: true, requests: 60, window: 60000 });
  },
  '08-sandbox-docker.json5': ({ config, aliases }) => {
    assert.deepEqual(config.agents.defaults.sandbox, { provider: 'docker', mode: 'all' });
    assert.deepEqual(aliases.map((a) => [a.from, a.line]).sort(), [['security.sandbox.enabled', 7], ['security.sandbox.provider', 8]]);
  },
  '09-users-allowlist.json5': ({ config }) => {
    assert.deepEqual(config.agents.defaults.dm, { allowFrom: ['+15551234567', '+15559876543'], policy: 'allowlist' });
  },
  '10-groups-allowlist.json5': ({ config }) => {
    assert.deepEqual(config.agents.defaults.groups, { allowFrom: ['[email protected]'], policy: 'allowlist' });
  },
  '11-audit-log.json5': ({ config }) => {
    assert.deepEqual(config.security.audit, { enabled: true, path: '/home/tester/.clawdbot/audit.log', events: ['auth', 'message', 'tool', 'config'] });
  },
  '12-exec-allowlist.json5': ({ config }) => {
    assert.equal(config.tools.exec.security, 'allowlist');
    assert.deepEqual(config.tools.exec.allowedCommands, ['wp', 'git', 'ls', 'cat']);
    assert.deepEqual(config.tools.exec.deniedCommands, ['rm', 'curl', 'wget', 'nc']);
  },
  '13-untrusted-agent.json5': ({ config, aliases }) => {
    assert.deepEqual(config.tools.allow, ['web_search', 'web_fetch', 'read']);
    assert.deepEqual(config.tools.deny, ['exec', 'write', 'message']);
    assert.equal(config.tools.exec.security, 'allowlist');
    assert.deepEqual(config.tools.exec.allowedCommands, ['cat', 'ls', 'grep']);
    assert.deepEqual(config.tools.exec.deniedCommands, ['rm', 'curl', 'wget', 'exec']);
    assert.deepEqual(aliases.map((a) => `${a.from}→${a.to}@${a.line}`), ['exec→tools.exec@4', 'tools.allowed→tools.allow@10', 'tools.denied→tools.deny@11']);
  },
  '14-agent-sandbox.json5': ({ config }) => {
    assert.deepEqual(config.agents.defaults.sandbox, { mode: 'non-main', scope: 'session', workspaceAccess: 'ro' });
  },
  '15-agent-tools-allowlist.json5': ({ config }) => {
    assert.deepEqual(config.agents.defaults.tools?.allow, ['read', 'write', 'edit', 'grep', 'find', 'memory_search']);
  },
  '16-tools-readonly-allowlist.json5': ({ config }) => {
    assert.deepEqual(config.tools.allow, ['read', 'grep', 'find', 'memory_search']);
  },
  '17-exec-ask.json5': ({ config }) => {
    assert.equal(config.tools.exec.security, 'ask');
  },
  '18-dm-whitelist.json5': ({ config }) => {
    assert.deepEqual(config.agents.defaults.dm, { policy: 'allowlist', allowFrom: ['telegram:your_user_id'] });
  },
  '19-secrets-openclaw-prefix.json5': ({ config }) => {
    assert.deepEqual(config.secrets, { provider: 'env', prefix: 'OPENCLAW_SECRET_' });
  },
  '20-skill-permissions.json5': ({ config }) => {
    assert.deepEqual(config.skills.permissions, { 'some-skill': { network: false, filesystem: 'read' } });
  },
  '21-browser-domains.json5': ({ config }) => {
    assert.deepEqual(config.browser, { mode: 'sandboxed', allowedDomains: ['docs.example.com', 'api.stripe.com'], blockPatterns: ['*://admin.*', '*://internal.*'] });
  },
  '22-logging.json5': ({ config }) => {
    assert.deepEqual(config.logging, { level: 'info', redactSensitive: 'tools', retention: { days: 30 } });
  },
  '23-production-complete.json5': ({ config }) => {
    const d = config.agents.defaults;
    assert.deepEqual(d.sandbox, { mode: 'non-main', scope: 'session', workspaceAccess: 'ro' });
    assert.deepEqual(d.tools?.allow, ['read', 'write', 'edit', 'grep', 'find', 'memory_search']);
    assert.deepEqual(d.dm, { policy: 'allowlist', allowFrom: [] }); // empty whitelist: nobody may DM
    assert.equal(config.tools.exec.security, 'ask');
    assert.deepEqual(config.tools.elevated, []);
    assert.equal(config.browser.mode, 'sandboxed');
    assert.deepEqual(config.browser.allowedDomains, []);
    assert.deepEqual(config.logging, { level: 'info', redactSensitive: 'tools', retention: { days: 30 } });
    assert.deepEqual(config.secrets, { provider: 'env', prefix: 'OPENCLAW_SECRET_' });
    assert.equal(config.skills.install.nodeManager, 'npm');
    assert.deepEqual(config.skills.permissions, {});
  },
};

// 24 is not a configuration at all but a sessions_spawn tool call quoted by a seed document;
// the sub-agent work tests it as a call. Loading it as a config would rightly fail.
const NOT_CONFIGS = new Set(['24-sessions-spawn-call.json5']);

test('every seed snippet has a check here (none is forgotten)', () => {
  const files = readdirSync(SEEDS).filter((f) => f.endsWith('.json5') && !NOT_CONFIGS.has(f)).sort();
  assert.deepEqual(files, Object.keys(checks).sort());
});

for (const [name, check] of Object.entries(checks)) {
  test(`seed ${name} loads onto the canonical keys`, () => {
    const loaded = load(name);
    assert.equal(loaded.exists, true);
    check(loaded);
  });
}

test('seed 24 (a tool call, not a config) is refused as a config, naming its keys', () => {
  assert.throws(() => load('24-sessions-spawn-call.json5'), /unknown key "tool" \(did you mean "tools"\?\)/);
});

test('seed 25: the .env file beside the config turns the sandbox on and adds an env token', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hardshell-seed25-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  copyFileSync(join(SEEDS, '25-env-file.env'), join(home, '.env'));
  const loaded = loadConfig({ env: { HOME: home, HARDSHELL_HOME: home } });
  assert.equal(loaded.exists, false);
  assert.equal(loaded.config.agents.defaults.sandbox?.mode, 'all');
  assert.deepEqual(loaded.config.security.auth.tokens, [{ name: 'env', value: 'replace-with-a-long-random-token' }]);
  assert.equal(loaded.env.OPENCLAW_SANDBOX, 'true');
  assert.deepEqual(loaded.aliases.map((a) => [a.from, a.file, a.line]), [
    ['OPENCLAW_SANDBOX', join(home, '.env'), 7],
    ['GATEWAY_TOKEN', join(home, '.env'), 8],
  ]);
});

test('seeds 23 and 25 together: the .env sandbox switch agrees with the file\'s non-main mode', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hardshell-seed25-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  copyFileSync(join(SEEDS, '25-env-file.env'), join(home, '.env'));
  copyFileSync(join(SEEDS, '23-production-complete.json5'), join(home, 'hardshell.json'));
  const { config } = loadConfig({ env: { HOME: home, HARDSHELL_HOME: home } });
  assert.equal(config.agents.defaults.sandbox?.mode, 'non-main');
  assert.equal(config.security.auth.tokens.length, 1);
});
