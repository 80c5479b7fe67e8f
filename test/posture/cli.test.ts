// The real command: a fresh `hardshell init` audits clean (no critical or high finding), the
// exit code follows the findings, and JSON and SARIF come out in their documented shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';

async function freshInstall(t: { after(fn: () => Promise<void>): void }) {
  const h = await makeHome();
  t.after(h.cleanup);
  const state = join(h.userHome, 'fresh');
  const env = { ...h.env, HARDSHELL_HOME: state };
  const init = await runCli(['init'], env);
  assert.equal(init.code, 0, init.stderr);
  return { ...h, state, env };
}

test('a fresh hardshell init raises no critical or high finding', async (t) => {
  const h = await freshInstall(t);
  // host.* describes the machine the tests run on (here: root, no firewall), not the install.
  const res = await runCli(['security', 'audit', '--json', '--skip', 'host', '--dir', h.state], h.env);
  const report = JSON.parse(res.stdout);
  const bad = report.findings.filter((f: { severity: string }) => f.severity === 'critical' || f.severity === 'high');
  assert.deepEqual(bad, []);
  assert.equal(res.code, 0, res.stderr);
  assert.equal(report.ok, true);
  assert.ok(report.checksRun >= 120, `${report.checksRun} checks`);
  assert.equal(report.tiers.met, 'basic');
});

test('exit code 1 on a high finding, with the fix in the human report', async (t) => {
  const h = await freshInstall(t);
  const config = join(h.state, 'hardshell.json');
  writeFileSync(config, readFileSync(config, 'utf8').replace('rateLimit: { enabled: true', 'rateLimit: { enabled: false'));
  const res = await runCli(['security', 'audit', '--skip', 'host', '--dir', h.state], h.env);
  assert.equal(res.code, 1);
  assert.match(res.stdout, /HIGH \(1\)\n {2}● network\.rate_limit\.disabled {2}Rate limiting is off\n {4}found: security\.rateLimit\.enabled is false \[.*hardshell\.json:\d+ security\.rateLimit\.enabled\]/);
  assert.match(res.stdout, /fix: {3}Set security\.rateLimit\.enabled to true/);
  assert.doesNotMatch(res.stdout, /\x1b\[/, 'no colour when not on a terminal');
});

test('--sarif writes SARIF 2.1.0 with one rule per raised check', async (t) => {
  const h = await freshInstall(t);
  chmodSync(join(h.state, 'hardshell.json'), 0o644);
  const out = join(h.userHome, 'audit.sarif');
  const res = await runCli(['security', 'audit', '--skip', 'host', '--dir', h.state, '--sarif', out], h.env);
  assert.equal(res.code, 1);
  const sarif = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'fs.config.world_readable');
  assert.ok(rule);
  assert.equal(rule.properties['security-severity'], '8.0');
  const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'fs.config.world_readable');
  assert.equal(result.level, 'error');
  assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'fs.config.world_readable');
  assert.match(result.locations[0].physicalLocation.artifactLocation.uri, /^file:\/\/.*hardshell\.json$/);
});

test('--fix through the command: shows before and after, and the rerun is clean', async (t) => {
  const h = await freshInstall(t);
  const config = join(h.state, 'hardshell.json');
  writeFileSync(config, readFileSync(config, 'utf8').replace('audit: { enabled: true }', 'audit: { enabled: false }'));
  writeFileSync(join(h.state, '.env'), 'HARDSHELL_SECRET_STRIPE=sk_test_value\n', { mode: 0o644 });
  chmodSync(join(h.state, '.env'), 0o644);
  mkdirSync(join(h.userHome, '.git'));
  const res = await runCli(['security', 'audit', '--fix', '--skip', 'host', '--dir', h.state], h.env);
  assert.match(res.stdout, /✓ fs\.env\.world_readable: .*\.env: mode 644 → mode 600/);
  assert.match(res.stdout, /✓ logging\.audit\.disabled: .*hardshell\.json security\.audit\.enabled: false → true \(backup: .*hardshell\.json\.bak-/);
  assert.match(res.stdout, /✓ secrets\.env\.not_gitignored: .*\.gitignore: \(no \.gitignore\) → \+ \/fresh\/\.env/);
  assert.equal(res.code, 0, res.stdout);
  const text = readFileSync(config, 'utf8');
  assert.match(text, /\/\/ Every decision \(auth, tool call, approval, egress, sandbox run\) goes to a hash-chained log\.\n {4}audit: \{ enabled: true \},/, 'comments kept');
});
