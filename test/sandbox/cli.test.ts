// `hardshell sandbox status|explain|test`, run as a child process against a throw-away home.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { bwrapMissing } from './helpers.ts';

const DRIVER = join(import.meta.dirname, 'cli-driver.ts');
const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DRIVER, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let skip: string | null = null;
before(async () => {
  skip = await bwrapMissing();
});

test('sandbox status lists every backend with why not and what to install', async (t) => {
  const home = await makeHome();
  t.after(() => home.cleanup());
  const r = await cli(['sandbox', 'status', '--json'], home.env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.backends.map((b: any) => b.name), ['bwrap', 'docker', 'podman', 'none']);
  for (const b of out.backends) if (!b.ok) assert.ok(b.why && b.install, JSON.stringify(b));
  if (!skip) assert.equal(out.auto, 'bwrap');
  const text = await cli(['sandbox', 'status'], home.env);
  assert.match(text.stdout, /^bwrap +(usable|not usable)/m);
});

test('sandbox explain: defaults, seed 08 (docker missing) and seed 14 (main agent refused)', async (t) => {
  if (skip) return t.skip(skip);
  const home = await makeHome();
  t.after(() => home.cleanup());
  const def = JSON.parse((await cli(['sandbox', 'explain', '--json'], home.env)).stdout);
  assert.equal(def.runs, 'sandbox');
  assert.equal(def.backend, 'bwrap');
  assert.equal(def.workspace.access, 'rw');
  assert.equal(def.network.mode, 'none');
  assert.ok(def.mounts.some((m: any) => m.path === '/workspace' && m.access === 'rw'));
  assert.ok(!def.mounts.some((m: any) => m.what.includes(home.userHome)));
  assert.ok('ptrace' in def.syscalls.denied);
  assert.ok(def.commandLine.includes('--seccomp'));

  copyFileSync(join(SEEDS, '08-sandbox-docker.json5'), join(home.home, 'hardshell.json'));
  const docker = await cli(['sandbox', 'explain', '--json'], home.env);
  const d = JSON.parse(docker.stdout);
  if (d.backend !== 'docker') {
    assert.equal(d.runs, 'unavailable');
    assert.match(d.reason, /To fix: /);
  }

  copyFileSync(join(SEEDS, '14-agent-sandbox.json5'), join(home.home, 'hardshell.json'));
  const seed14 = JSON.parse((await cli(['sandbox', 'explain', '--json'], home.env)).stdout);
  assert.equal(seed14.runs, 'refused');
  assert.match(seed14.reason, /provider to "none"/);
  const text = await cli(['sandbox', 'explain'], home.env);
  assert.match(text.stdout, /commands are refused/);

  const unknown = await cli(['sandbox', 'explain', 'nobody'], home.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /there is no agent "nobody"/);
});

test('sandbox explain says when exec is elevated for the agent (approved commands run on the host), and not for an agent that narrows it away', async (t) => {
  if (skip) return t.skip(skip);
  const home = await makeHome({ config: { tools: { elevated: ['exec'] }, agents: { list: [{ id: 'plain', tools: { elevated: [] } }] } } });
  t.after(() => home.cleanup());
  const main = JSON.parse((await cli(['sandbox', 'explain', '--json'], home.env)).stdout);
  assert.equal(main.runs, 'sandbox');
  assert.match(main.elevated, /approves under that rule runs ON THE HOST, unsandboxed/);
  assert.match((await cli(['sandbox', 'explain'], home.env)).stdout, /^elevated: exec is in tools\.elevated/m);
  assert.equal(JSON.parse((await cli(['sandbox', 'explain', 'plain', '--json'], home.env)).stdout).elevated, null);
});

test('sandbox test runs the escape checks and reports no escape; a missing backend exits 2', async (t) => {
  if (skip) return t.skip(skip);
  const home = await makeHome();
  t.after(() => home.cleanup());
  const r = await cli(['sandbox', 'test', '--json'], home.env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.escaped, 0);
  assert.ok(out.checks.length >= 12);
  assert.ok(out.checks.filter((c: any) => c.outcome === 'contained').length >= 10);
  const none = await cli(['sandbox', 'test', '--provider', 'none'], home.env);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /nothing to test/);
  const podman = await cli(['sandbox', 'test', '--provider', 'podman'], home.env);
  if (podman.code !== 0) {
    assert.equal(podman.code, 2);
    assert.match(podman.stderr, /To fix: /);
  }
});
