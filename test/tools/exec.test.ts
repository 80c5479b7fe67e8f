// The exec tool: always through the sandbox the agent's settings call for, never on the host
// unless the config says provider "none". The seed configs about sandboxing take the effect
// their comments describe; a missing backend refuses with the install hint and runs nothing.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeHome } from '../fixtures/home.ts';
import { runTool } from '../../src/agent/run-tool.ts';
import { loadConfig } from '../../src/config/load.ts';
import { effectiveAgent } from '../../src/config/agents.ts';
import { makeExecTool, execTool, execSandboxFor } from '../../src/tools/exec.ts';
import { BwrapBackend } from '../../src/sandbox/bwrap.ts';
import { ContainerBackend } from '../../src/sandbox/container.ts';
import { HostBackend } from '../../src/sandbox/host.ts';
import type { BackendName, SandboxBackend } from '../../src/sandbox/types.ts';
import type { ToolContext } from '../../src/tools/types.ts';
import type { ResolvedSandbox } from '../../src/sandbox/settings.ts';

const SEEDS = join(import.meta.dirname, '../fixtures/seed-configs');
const bwrap = new BwrapBackend();
let skip: string | null = null;
before(async () => {
  const ok = await bwrap.available();
  skip = ok.ok ? null : `bwrap is not usable here: ${ok.why}`;
  if (skip) console.log(`# skipping sandboxed exec tests: ${skip}`);
});

/** Backends for a test: the real bwrap, docker and podman that are not installed, a host backend whose warnings are kept. */
function backends(warnings: string[] = []): Map<BackendName, SandboxBackend> {
  return new Map<BackendName, SandboxBackend>([
    ['bwrap', bwrap],
    ['docker', new ContainerBackend({ engine: 'docker', binary: null })],
    ['podman', new ContainerBackend({ engine: 'podman', binary: null })],
    ['none', new HostBackend({ warn: (m) => warnings.push(m) })],
  ]);
}

async function setup(t: { after(fn: () => unknown): void }, seed?: string, env: NodeJS.ProcessEnv = {}) {
  const home = await makeHome({ files: { 'notes.txt': 'original\n' } });
  t.after(() => home.cleanup());
  if (seed) copyFileSync(join(SEEDS, seed), join(home.home, 'hardshell.json'));
  const { config } = loadConfig({ home: home.home, env: { ...home.env, ...env } });
  const workspace = realpathSync(home.workspace);
  const main = effectiveAgent(config, 'main', home.home);
  const ctxFor = (agentId: string, sandbox?: ResolvedSandbox): ToolContext => ({
    workspace, agentId, sessionId: 's1', signal: new AbortController().signal, sandbox,
  });
  return { home, config, workspace, main, ctxFor };
}

test('exec has OpenClaw\'s parameters and is a side effect', () => {
  assert.equal(execTool.sideEffect, true);
  const shape = Object.keys((execTool.input as any).shape);
  assert.deepEqual(shape.sort(), ['command', 'env', 'timeout', 'workdir']);
});

test('a legitimate command runs in the sandbox and changes the workspace (rw by default)', async (t) => {
  if (skip) return t.skip(skip);
  const { workspace, main, ctxFor } = await setup(t);
  const tool = makeExecTool({ backends: backends() });
  const r = await runTool(tool, { command: 'echo hi > out.txt && cat out.txt && id -un' }, ctxFor('main', execSandboxFor(main, main.workspace)));
  assert.equal(r.ok, true, r.output);
  assert.equal(r.output, 'exit code: 0\n[stdout]\nhi\nsandbox');
  assert.equal(readFileSync(join(workspace, 'out.txt'), 'utf8'), 'hi\n');
  // Without settings in the context, exec uses the same secure defaults.
  const bare = await runTool(tool, { command: 'cat out.txt' }, ctxFor('main'));
  assert.equal(bare.output, 'exit code: 0\n[stdout]\nhi');
});

test('seed 08 (provider docker) where docker is missing: refused with the install hint, nothing ran anywhere', async (t) => {
  const { workspace, main, ctxFor, config } = await setup(t, '08-sandbox-docker.json5');
  assert.equal(config.agents.defaults.sandbox?.provider, 'docker');
  const settings = execSandboxFor(main, main.workspace);
  assert.equal(settings.provider, 'docker');
  const hostMarker = join(workspace, '..', 'host-marker');
  const r = await runTool(makeExecTool({ backends: backends() }), { command: `touch marker.txt; touch ${hostMarker}` }, ctxFor('main', settings));
  assert.equal(r.ok, false);
  assert.match(r.output, /sandbox provider "docker" is not usable here/);
  assert.match(r.output, /install and start Docker/);
  assert.match(r.output, /Nothing was run/);
  assert.equal(existsSync(join(workspace, 'marker.txt')), false);
  assert.equal(existsSync(hostMarker), false);
});

test('seed 08 with this machine\'s own backends: docker without an engine refuses too', async (t) => {
  const { workspace, main, ctxFor } = await setup(t, '08-sandbox-docker.json5');
  const docker = new ContainerBackend({ engine: 'docker' });
  const ok = await docker.available();
  if (ok.ok) return t.skip('a docker engine answers here');
  const r = await runTool(execTool, { command: 'touch marker.txt' }, ctxFor('main', execSandboxFor(main, main.workspace)));
  assert.equal(r.ok, false);
  assert.match(r.output, /docker/);
  assert.match(r.output, /To fix: /);
  assert.equal(existsSync(join(workspace, 'marker.txt')), false);
});

test('seed 14 (non-main, session, ro): a sub-agent\'s writes are thrown away; the main agent is not run on the host', async (t) => {
  if (skip) return t.skip(skip);
  const { workspace, main, ctxFor, config } = await setup(t, '14-agent-sandbox.json5');
  const tool = makeExecTool({ backends: backends() });
  const worker = execSandboxFor({ id: 'worker', sandbox: config.agents.defaults.sandbox, workspace: main.workspace }, main.workspace);
  assert.equal(worker.workspaceAccess, 'ro');
  assert.equal(worker.scope, 'session');
  const r = await runTool(tool, { command: 'echo changed > notes.txt; cat notes.txt; touch new.txt' }, ctxFor('worker', worker));
  assert.equal(r.ok, true, r.output);
  assert.match(r.output, /changed/);
  assert.equal(readFileSync(join(workspace, 'notes.txt'), 'utf8'), 'original\n');
  assert.equal(existsSync(join(workspace, 'new.txt')), false);

  const mainRun = await runTool(tool, { command: 'touch main-marker.txt' }, ctxFor('main', execSandboxFor(main, main.workspace)));
  assert.equal(mainRun.ok, false);
  assert.match(mainRun.output, /"non-main" and "main" is the main agent/);
  assert.match(mainRun.output, /provider to "none"/);
  assert.equal(existsSync(join(workspace, 'main-marker.txt')), false);
});

test('a non-main agent sharing the main workspace gets it read-only by default; one with its own gets rw', () => {
  assert.equal(execSandboxFor({ id: 'helper', sandbox: undefined, workspace: '/w/main' }, '/w/main').workspaceAccess, 'ro');
  assert.equal(execSandboxFor({ id: 'helper', sandbox: undefined, workspace: '/w/helper' }, '/w/main').workspaceAccess, 'rw');
  assert.equal(execSandboxFor({ id: 'main', sandbox: undefined, workspace: '/w/main' }, '/w/main').workspaceAccess, 'rw');
  assert.equal(execSandboxFor({ id: 'helper', sandbox: { workspaceAccess: 'rw' }, workspace: '/w/main' }, '/w/main').workspaceAccess, 'rw');
});

test('HARDSHELL_SANDBOX / OPENCLAW_SANDBOX (seed 25): true sandboxes; false refuses rather than running on the host', async (t) => {
  if (skip) return t.skip(skip);
  const on = await setup(t, undefined, { OPENCLAW_SANDBOX: 'true' });
  assert.equal(on.config.agents.defaults.sandbox?.mode, 'all');
  const tool = makeExecTool({ backends: backends() });
  const ran = await runTool(tool, { command: 'hostname' }, on.ctxFor('main', execSandboxFor(on.main, on.main.workspace)));
  assert.equal(ran.output, 'exit code: 0\n[stdout]\nsandbox');
  const off = await setup(t, undefined, { HARDSHELL_SANDBOX: 'false' });
  const refused = await runTool(tool, { command: 'touch off.txt' }, off.ctxFor('main', execSandboxFor(off.main, off.main.workspace)));
  assert.equal(refused.ok, false);
  assert.match(refused.output, /sandbox\.mode is "off"/);
  assert.equal(existsSync(join(off.workspace, 'off.txt')), false);
});

test('provider "none" runs on the host only because the config says so, with a warning every time', async (t) => {
  const { workspace, ctxFor } = await setup(t);
  const warnings: string[] = [];
  const tool = makeExecTool({ backends: backends(warnings) });
  const settings = execSandboxFor({ id: 'main', sandbox: { provider: 'none' }, workspace }, workspace);
  const r = await runTool(tool, { command: 'echo on-host > host.txt; pwd' }, ctxFor('main', settings));
  assert.equal(r.ok, true, r.output);
  assert.equal(readFileSync(join(workspace, 'host.txt'), 'utf8'), 'on-host\n');
  assert.match(r.output, new RegExp(workspace));
  await runTool(tool, { command: 'true' }, ctxFor('main', settings));
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /on the host without a sandbox/);
  // Even on the host the environment is clean.
  process.env.HARDSHELL_TEST_SECRET = 'gateway-only';
  t.after(() => { delete process.env.HARDSHELL_TEST_SECRET; });
  const env = await runTool(tool, { command: 'env' }, ctxFor('main', settings));
  assert.doesNotMatch(env.output, /gateway-only/);
});

test('workdir must be a folder inside the workspace', async (t) => {
  if (skip) return t.skip(skip);
  const { home, workspace, ctxFor } = await setup(t);
  mkdirSync(join(workspace, 'sub'));
  symlinkSync(home.userHome, join(workspace, 'escape'));
  const tool = makeExecTool({ backends: backends() });
  const ctx = ctxFor('main');
  assert.equal((await runTool(tool, { command: 'pwd', workdir: 'sub' }, ctx)).output, 'exit code: 0\n[stdout]\n/workspace/sub');
  for (const workdir of ['..', '../..', '/etc', home.userHome, 'escape', 'missing', 'notes.txt']) {
    const r = await runTool(tool, { command: 'pwd; touch wd-marker', workdir }, ctx);
    assert.equal(r.ok, false, `${workdir}: ${r.output}`);
  }
  assert.equal(existsSync(join(home.userHome, 'wd-marker')), false);
  rmSync(join(workspace, 'escape'));
});

test('arguments are checked: env names, unknown parameters, timeout bounds', async (t) => {
  const { ctxFor } = await setup(t);
  const tool = makeExecTool({ backends: backends() });
  for (const args of [
    { command: 'true', env: { LD_PRELOAD: '/tmp/x.so' } }, { command: 'true', env: { BASH_ENV: 'x' } },
    { command: 'true', env: { PATH: '/tmp' } }, { command: 'true', elevated: true }, { command: 'true', host: 'gateway' },
    { command: '' }, { command: 'true', timeout: -1 }, { command: 'true', timeout: 99999 },
  ]) {
    const r = await runTool(tool, args, ctxFor('main'));
    assert.equal(r.ok, false, JSON.stringify(args));
    assert.match(r.output, /invalid arguments for exec/, JSON.stringify(args));
  }
});

test('timeout, output cap and exit codes are reported to the model', async (t) => {
  if (skip) return t.skip(skip);
  const { ctxFor } = await setup(t);
  const tool = makeExecTool({ backends: backends() });
  const slow = await runTool(tool, { command: 'echo before; sleep 10', timeout: 0.3 }, ctxFor('main'));
  assert.equal(slow.ok, false);
  assert.match(slow.output, /stopped: the command ran past its time limit/);
  assert.match(slow.output, /before/);
  const failing = await runTool(tool, { command: 'echo oops >&2; exit 3' }, ctxFor('main'));
  assert.equal(failing.ok, false);
  assert.equal(failing.output, 'exit code: 3\n[stderr]\noops');
  const loud = await runTool(tool, { command: 'yes' }, ctxFor('main'));
  assert.equal(loud.ok, false);
  assert.match(loud.output, /output went past 1048576 bytes/);
  assert.match(loud.output, /\[cut at \d+ characters of 1048576 bytes\]/);
  assert.ok(loud.output.length < 64 * 1024);
  const env = await runTool(tool, { command: 'echo "$GREETING"', env: { GREETING: 'hello' } }, ctxFor('main'));
  assert.equal(env.output, 'exit code: 0\n[stdout]\nhello');
});

test('escape attempts through the exec tool itself: the canary never comes back, nothing outside changes', async (t) => {
  if (skip) return t.skip(skip);
  const { home, ctxFor } = await setup(t);
  mkdirSync(join(home.userHome, '.ssh'), { mode: 0o700 });
  writeFileSync(join(home.userHome, '.ssh', 'id_rsa'), `KEY ${home.canary}\n`, { mode: 0o600 });
  const tool = makeExecTool({ backends: backends() });
  const ctx = ctxFor('main');
  for (const command of [
    `cat ${home.canaryFile}`, `cat ${home.userHome}/.ssh/id_rsa`, 'cat ../../secret.txt ../../.ssh/id_rsa', 'cat /proc/*/environ',
    `echo pwned > ${home.userHome}/pwned`, 'unshare -U cat /proc/self/uid_map', 'strace -o /dev/null true && echo ESCAPED',
  ]) {
    const r = await runTool(tool, { command }, ctx);
    assert.ok(!r.output.includes(home.canary), `${command}: ${r.output}`);
    assert.doesNotMatch(r.output, /ESCAPED/);
  }
  for (const [name, value] of [['HOME', home.userHome], ['X', home.canary]] as const) {
    const r = await runTool(tool, { command: 'cat "$X" 2>&1; ls "$HOME" 2>&1', env: { [name]: value } }, ctx);
    assert.ok(!r.output.includes(`KEY ${home.canary}`), r.output);
  }
  assert.equal(existsSync(join(home.userHome, 'pwned')), false);
});
