// OpenClaw installs: `security audit --openclaw` runs the checks that apply (its config read
// through the migration, its .env and state modes, compose files), and `migrate openclaw`
// converts the config, never carrying tokens, listing what it could not carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { loadConfig } from '../../src/config/load.ts';

const OPENCLAW_JSON = `// a permissive OpenClaw install
{
  gateway: { mode: "local", bind: "lan", port: 18789, auth: { mode: "token", token: "gway_0123456789abcdef0123456789abcdef" } },
  agents: { defaults: { model: { primary: "anthropic/claude-sonnet-4-5" }, sandbox: { mode: "off" } } },
  tools: { profile: "coding", exec: { security: "full", ask: "off", host: "gateway" } },
  channels: { telegram: { dmPolicy: "open", allowFrom: ["*"], botToken: "123:abc" }, whatsapp: { dmPolicy: "pairing" } },
  logging: { level: "debug", redactSensitive: "off" },
  models: { providers: { anthropic: { apiKey: { source: "env", id: "ANTHROPIC_API_KEY" } } } },
  plugins: { entries: {} },
}
`;

async function openclawInstall(t: { after(fn: () => Promise<void>): void }) {
  const h = await makeHome();
  t.after(h.cleanup);
  const dir = join(h.userHome, '.openclaw');
  mkdirSync(join(dir, 'credentials'), { recursive: true });
  chmodSync(join(dir, 'credentials'), 0o755);
  writeFileSync(join(dir, 'openclaw.json'), OPENCLAW_JSON, { mode: 0o644 });
  chmodSync(join(dir, 'openclaw.json'), 0o644);
  writeFileSync(join(dir, '.env'), 'OPENCLAW_GATEWAY_TOKEN=gway_0123456789abcdef0123456789abcdef\nANTHROPIC_API_KEY=sk-ant-notreal\n', { mode: 0o644 });
  chmodSync(join(dir, '.env'), 0o644);
  const project = join(h.userHome, 'deploy');
  mkdirSync(project);
  writeFileSync(join(project, 'docker-compose.yml'), 'services:\n  openclaw-gateway:\n    image: openclaw:latest\n    ports:\n      - "18789:18789"\n');
  return { ...h, dir, project };
}

test('security audit --openclaw flags what OpenClaw\'s own audit passes', async (t) => {
  const h = await openclawInstall(t);
  const res = await runCli(['security', 'audit', '--openclaw', h.dir, '--dir', h.project, '--json', '--skip', 'host'], h.env);
  assert.equal(res.code, 1);
  const report = JSON.parse(res.stdout);
  assert.equal(report.openclaw, true);
  assert.equal(report.configFile, join(h.dir, 'openclaw.json'));
  const ids = new Set(report.findings.map((f: { id: string }) => f.id));
  for (const id of ['gateway.bind.public_no_tls', 'channels.dm.open', 'channels.dm.wildcard', 'tools.exec.host_auto', 'sandbox.mode.off',
    'logging.level.debug', 'openclaw.gateway.token_in_config', 'openclaw.logging.redact_off', 'openclaw.credentials.permissions',
    'fs.env.world_readable', 'fs.config.world_readable', 'deploy.compose.port_public', 'openclaw.migration.not_carried']) {
    assert.ok(ids.has(id), `raises ${id}; got ${[...ids].join(', ')}`);
  }
  const notCarried = report.findings.filter((f: { id: string }) => f.id === 'openclaw.migration.not_carried').map((f: { key: string }) => f.key);
  assert.ok(notCarried.includes('gateway.auth.token') && notCarried.includes('plugins') && notCarried.includes('logging.redactSensitive'));
});

test('--fix on an OpenClaw install tightens modes only, never edits openclaw.json', async (t) => {
  const h = await openclawInstall(t);
  const res = await runCli(['security', 'audit', '--openclaw', h.dir, '--fix', '--skip', 'host', '--dir', h.project], h.env);
  assert.match(res.stdout, /✓ fs\.env\.world_readable: .*\.env: mode 644 → mode 600/);
  assert.match(res.stdout, /✓ openclaw\.credentials\.permissions: .*credentials: mode 755 → mode 700/);
  assert.equal(readFileSync(join(h.dir, 'openclaw.json'), 'utf8'), OPENCLAW_JSON);
  assert.equal(statSync(join(h.dir, 'openclaw.json')).mode & 0o777, 0o600);
});

test('migrate openclaw converts the config, carries no token, lists the rest, and --write never overwrites', async (t) => {
  const h = await openclawInstall(t);
  const res = await runCli(['migrate', 'openclaw', h.dir, '--json'], h.env);
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout);
  assert.equal(out.config.gateway.bind, '0.0.0.0');
  assert.deepEqual(out.config.agents.defaults.dm, { policy: 'open', allowFrom: ['*'] });
  assert.equal(out.config.tools.exec.security, 'auto');
  assert.equal(out.config.tools.profile, 'standard');
  assert.equal(out.config.models.providers.anthropic.apiKey, '${ANTHROPIC_API_KEY}');
  assert.doesNotMatch(res.stdout.replace(/"key": "gateway\.auth\.token"/, ''), /gway_0123456789abcdef/, 'the token is not in the output');
  assert.ok(out.notCarried.some((n: { key: string; why: string }) => n.key === 'gateway.auth.token' && /hardshell init/.test(n.why)));

  const written = await runCli(['migrate', 'openclaw', h.dir, '--write'], h.env);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /✗ gateway\.auth\.token: tokens are never carried over/);
  assert.equal(statSync(join(h.home, 'hardshell.json')).mode & 0o777, 0o600);
  const loaded = loadConfig({ env: { ...h.env, ANTHROPIC_API_KEY: 'x' }, home: h.home });
  assert.equal(loaded.config.agents.defaults.sandbox?.mode, 'off');
  const again = await runCli(['migrate', 'openclaw', h.dir, '--write'], h.env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists and is never overwritten/);
});
