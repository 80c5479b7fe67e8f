// `hardshell gateway` refuses to start on every critical setup of the corpus, naming each
// finding and its fix; --accept-risk lets the owner start anyway, one named check at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN } from '../fixtures/cli.ts';
import { startupGate } from '../../src/posture/gate.ts';
import { build, loadCases, type Built } from './harness.ts';

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the real gateway from the case's project folder; kills it once it listens (or after 20 s). */
function gateway(b: Built, args: string[] = []): Promise<Run> {
  const child = spawn(process.execPath, [BIN, 'gateway', '--port', '0', ...args], { cwd: b.project, env: b.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (stdout.includes('listening on')) child.kill('SIGTERM');
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); }));
}

/** What the gateway's gate sees: the real host and user, the project folder as cwd. */
function criticals(b: Built) {
  return startupGate({ env: b.env, home: b.home, projectDir: b.project }).refused;
}

const cases = loadCases();
let tested = 0;

for (const c of cases) {
  test(`gateway refuses corpus ${c.name} when it has a critical finding`, async (t) => {
    const b = build(c);
    t.after(b.cleanup);
    const found = criticals(b);
    if (found.length === 0) return t.skip('no critical finding in this setup');
    tested++;
    const res = await gateway(b);
    assert.equal(res.code, 1, `exit code; stdout: ${res.stdout}; stderr: ${res.stderr}`);
    assert.doesNotMatch(res.stdout, /listening on/);
    assert.match(res.stderr, /^hardshell: refusing to start: \d+ critical security findings?\./);
    for (const f of found) {
      assert.ok(res.stderr.includes(`${f.id}: `), `names ${f.id}`);
      assert.ok(res.stderr.includes(`fix: ${f.fix}`), `gives the fix for ${f.id}`);
    }
    assert.match(res.stderr, /--accept-risk <check-id>/);
  });
}

test('at least ten critical setups were refused', () => {
  assert.ok(tested >= 10, `${tested}`);
});

test('deployment files in the current folder do not stop the gateway (the audit reports them)', async (t) => {
  const b = build(cases.find((x) => x.name.startsWith('45-compose-insecure'))!);
  t.after(b.cleanup);
  const res = await gateway(b);
  assert.match(res.stdout, /listening on/, res.stderr);
});

test('--accept-risk names a critical check and the gateway starts, with a warning', async (t) => {
  const c = cases.find((x) => x.name.startsWith('06-env-world-readable'))!;
  const b = build(c);
  t.after(b.cleanup);
  const ids = criticals(b).map((f) => f.id);
  assert.deepEqual(ids, ['fs.env.world_readable']);
  const refused = await gateway(b, ['--accept-risk', 'fs.env.group_readable']);
  assert.equal(refused.code, 1, 'accepting another check does not help');
  const started = await gateway(b, ['--accept-risk', 'fs.env.world_readable']);
  assert.match(started.stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(started.stderr, /warning: starting despite fs\.env\.world_readable/);
});
