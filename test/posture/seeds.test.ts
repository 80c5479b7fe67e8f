// Every seed config is audited, and what it raises matches what its comment promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildContext } from '../../src/posture/context.ts';
import { runAudit } from '../../src/posture/runner.ts';
import { applyFixes } from '../../src/posture/fixes.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const KEY = 'Vd83kQz0LmP2xN7rT5wY9bC4hF6jA1sE';

function setup(t: { after(fn: () => void): void }, seed?: string, opts: { path?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'hardshell-seed-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, '.hardshell');
  mkdirSync(join(home, 'workspace'), { recursive: true, mode: 0o700 });
  chmodSync(home, 0o700);
  if (seed) { copyFileSync(join(SEEDS, seed), join(home, 'hardshell.json')); chmodSync(join(home, 'hardshell.json'), 0o600); }
  const bin = join(root, 'bin');
  mkdirSync(bin);
  const env = { HOME: root, HARDSHELL_HOME: home, CLAWDBOT_API_KEY: KEY, PATH: opts.path ?? bin };
  const audit = () => runAudit(buildContext({ env, home, projectDir: root, hostRoot: join(root, 'host'), uid: 1000 }));
  return { root, home, bin, env, audit };
}

const ids = (r: ReturnType<ReturnType<typeof setup>['audit']>) => new Set(r.findings.map((f) => f.id));

/** For each seed: checks it must raise, and checks it must not (what its comment rules out). */
const EXPECT: Record<string, { raise: string[]; not: string[] }> = {
  '01-auth-apikey.json5': { raise: [], not: ['auth.apikey.missing', 'auth.apikey.plaintext_in_config', 'auth.apikey.short', 'config.invalid'] },
  '02-auth-tokens.json5': { raise: ['auth.tokens.weak_literal', 'auth.tokens.plaintext_in_config'], not: [] },
  '03-tools-deny.json5': { raise: [], not: ['tools.exec.host_auto', 'tools.exec.host_unsandboxed', 'tools.exec.auto'] },
  '04-gateway-tls.json5': { raise: ['gateway.tls.cert_missing', 'gateway.tls.key_missing'], not: ['gateway.bind.public_no_tls'] },
  '05-secrets-env-prefix.json5': { raise: [], not: ['secrets.prefix.empty', 'secrets.config.provider_api_key_plaintext'] },
  '06-network-allowed-ips.json5': { raise: [], not: ['network.allowed_ips.any', 'network.allowed_ips.public_wide', 'network.allowed_ips.invalid'] },
  '07-rate-limit.json5': { raise: [], not: ['network.rate_limit.disabled', 'network.rate_limit.very_high', 'network.rate_limit.large_burst'] },
  '08-sandbox-docker.json5': { raise: ['sandbox.provider.docker_unavailable'], not: ['sandbox.mode.off', 'tools.exec.host_unsandboxed'] },
  '09-users-allowlist.json5': { raise: [], not: ['channels.dm.open', 'channels.dm.wildcard'] },
  '10-groups-allowlist.json5': { raise: [], not: ['channels.groups.wildcard'] },
  '11-audit-log.json5': { raise: ['logging.audit.events_partial'], not: ['logging.audit.disabled'] },
  '12-exec-allowlist.json5': { raise: [], not: ['tools.exec.allowlist_interpreter', 'tools.exec.allowlist_network', 'tools.exec.denylist_only', 'tools.exec.auto'] },
  '13-untrusted-agent.json5': { raise: [], not: ['tools.exec.host_unsandboxed', 'tools.exec.allowlist_interpreter', 'tools.exec.auto', 'tools.message.offered', 'tools.subagents.offered'] },
  '14-agent-sandbox.json5': { raise: ['sandbox.mode.non_main', 'tools.exec.host_unsandboxed'], not: ['sandbox.workspace.rw_non_main', 'sandbox.scope.agent'] },
  '15-agent-tools-allowlist.json5': { raise: [], not: ['tools.exec.host_unsandboxed', 'tools.profile.full', 'tools.message.offered', 'tools.subagents.offered'] },
  '16-tools-readonly-allowlist.json5': { raise: [], not: ['tools.exec.host_unsandboxed', 'tools.profile.full', 'tools.message.offered', 'tools.subagents.offered'] },
  '17-exec-ask.json5': { raise: [], not: ['tools.exec.auto', 'tools.exec.host_auto'] },
  '18-dm-whitelist.json5': { raise: [], not: ['channels.dm.open', 'channels.dm.wildcard', 'channels.dm.empty_allowlist'] },
  '19-secrets-openclaw-prefix.json5': { raise: [], not: ['secrets.prefix.empty'] },
  '20-skill-permissions.json5': { raise: [], not: ['skills.permissions.network_and_write', 'skills.permissions.network', 'skills.permissions.write'] },
  '21-browser-domains.json5': { raise: [], not: ['browser.domains.wildcard', 'browser.domains.internal', 'browser.no_sandbox', 'browser.no_domains', 'browser.domains.invalid', 'browser.block_patterns.invalid', 'browser.block_patterns.none'] },
  '22-logging.json5': { raise: [], not: ['logging.level.debug', 'logging.retention.short', 'logging.retention.long'] },
  // Empty DM whitelist = nobody (fine, info); sandboxed browser with no domains = no browsing (info);
  // non-main leaves the main agent unsandboxed, but it has no exec, so nothing runs on the host.
  '23-production-complete.json5': { raise: ['channels.dm.empty_allowlist', 'browser.no_domains', 'sandbox.mode.non_main'], not: ['tools.exec.host_unsandboxed', 'tools.elevated.nonempty', 'tools.exec.auto', 'logging.level.debug', 'channels.dm.open'] },
};

for (const [seed, want] of Object.entries(EXPECT)) {
  test(`seed ${seed} audits as its comment says`, (t) => {
    const s = setup(t, seed);
    const report = s.audit();
    const got = ids(report);
    assert.ok(!got.has('config.invalid'), `the seed loads: ${report.findings.find((f) => f.id === 'config.invalid')?.message}`);
    for (const id of want.raise) assert.ok(got.has(id), `${seed} raises ${id}; got ${[...got].join(', ')}`);
    for (const id of want.not) assert.ok(!got.has(id), `${seed} must not raise ${id}`);
  });
}

test('seed 08 with docker installed raises nothing about the provider', (t) => {
  const s = setup(t, '08-sandbox-docker.json5');
  writeFileSync(join(s.bin, 'docker'), '#!/bin/sh\n', { mode: 0o755 });
  assert.ok(!ids(s.audit()).has('sandbox.provider.docker_unavailable'));
});

test('seed 25 .env: flagged when wider than 600, when git would commit it, when the token is over 30 days old; --fix tightens it', (t) => {
  const s = setup(t);
  const env = join(s.home, '.env');
  copyFileSync(join(SEEDS, '25-env-file.env'), env);
  chmodSync(env, 0o644);
  const old = new Date(Date.now() - 40 * 86_400_000);
  utimesSync(env, old, old);
  mkdirSync(join(s.root, '.git'));
  const got = ids(s.audit());
  for (const id of ['fs.env.world_readable', 'secrets.env.not_gitignored', 'auth.token.env_stale', 'auth.tokens.weak_literal']) assert.ok(got.has(id), `raises ${id}`);
  applyFixes(s.audit().findings);
  const after = ids(s.audit());
  for (const id of ['fs.env.world_readable', 'fs.env.group_readable', 'secrets.env.not_gitignored']) assert.ok(!after.has(id), `--fix cleared ${id}`);
  // The placeholder token and its age need a person: a new token, not a file mode.
  assert.ok(after.has('auth.tokens.weak_literal') && after.has('auth.token.env_stale'));
});
