// `hardshell init --preset`: each preset loads, audits with no critical or high finding, and
// meets at least its seed 003 tier; the audit names what the next tier still needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runCli } from '../fixtures/cli.ts';
import { PRESETS, PRESET_TIER } from '../../src/posture/presets.ts';
import { TIERS } from '../../src/posture/tiers.ts';

for (const preset of PRESETS) {
  test(`init --preset ${preset} meets the ${PRESET_TIER[preset]} tier`, async (t) => {
    const h = await makeHome();
    t.after(h.cleanup);
    const state = join(h.userHome, 'state');
    const env = { ...h.env, HARDSHELL_HOME: state };
    const init = await runCli(['init', '--preset', preset], env);
    assert.equal(init.code, 0, init.stderr);
    assert.match(readFileSync(join(state, 'hardshell.json'), 'utf8'), new RegExp(`Preset "${preset}"`));
    mkdirSync(join(state, 'backups'), { mode: 0o700 });
    const res = await runCli(['security', 'audit', '--json', '--skip', 'host', '--dir', state], env);
    const report = JSON.parse(res.stdout);
    assert.deepEqual(report.findings.filter((f: { severity: string }) => ['critical', 'high'].includes(f.severity)), []);
    assert.equal(res.code, 0);
    assert.ok(TIERS.indexOf(report.tiers.met) >= TIERS.indexOf(PRESET_TIER[preset]), `met ${report.tiers.met}; missing ${JSON.stringify(report.tiers.missing)}`);
  });
}

test('the audit says what the next tier needs', async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  const state = join(h.userHome, 'state');
  const env = { ...h.env, HARDSHELL_HOME: state };
  assert.equal((await runCli(['init', '--preset', 'team'], env)).code, 0);
  const res = await runCli(['security', 'audit', '--skip', 'host', '--dir', state], env);
  assert.match(res.stdout, /Security tier \(seed 003\): basic; for standard:\n {2}- Backups exist and are private \(backups\.none\)/);
  mkdirSync(join(state, 'backups'), { mode: 0o700 });
  const next = await runCli(['security', 'audit', '--skip', 'host', '--dir', state], env);
  assert.match(next.stdout, /Security tier \(seed 003\): standard; for defence-in-depth:\n {2}- Weekly credential rotation \(security\.auth\.maxAgeDays is 90 \(needs 7 or less\)\)/);
});

test('init --preset with an unknown name, or over an existing config, says so', async (t) => {
  const h = await makeHome();
  t.after(h.cleanup);
  const bad = await runCli(['init', '--preset', 'paranoid'], h.env);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'hardshell: --preset takes personal, team, strict; got "paranoid"\n');
  assert.equal((await runCli(['init'], h.env)).code, 0);
  const again = await runCli(['init', '--preset', 'strict'], h.env);
  assert.match(again.stderr, /--preset strict was not applied: .*hardshell\.json already exists and is never overwritten/);
});
