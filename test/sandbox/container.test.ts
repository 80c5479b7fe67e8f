// The docker/podman backends: the seeds' container flags and the syscall profile always;
// a real container run only where an engine answers and the image is present (skipped with
// the reason otherwise); and a clear refusal, with what to install, where none does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, readFileSync, writeFileSync, realpathSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerBackend, containerSeccompProfile } from '../../src/sandbox/container.ts';
import { DEFAULT_LIMITS, SandboxUnavailable, shellArgv, type RunSpec } from '../../src/sandbox/types.ts';

const spec = (workspace: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  argv: shellArgv('echo hi'), cwd: '.', env: { GREETING: 'x' }, workspace, workspaceAccess: 'rw',
  limits: { ...DEFAULT_LIMITS, wallMs: 60_000 }, network: 'none', signal: new AbortController().signal, ...extra,
});

test('container run arguments carry the seeds\' flags and no way back to the host', () => {
  const docker = new ContainerBackend({ engine: 'docker', binary: '/usr/bin/docker' });
  const args = docker.runArgs(spec('/srv/ws'), 'hardshell-test').join(' ');
  for (const flag of ['--rm', '--network none', '--cap-drop ALL', '--security-opt no-new-privileges', '--read-only',
    `--pids-limit ${DEFAULT_LIMITS.processes}`, `--memory ${DEFAULT_LIMITS.memoryBytes}`, '--cpus 1', '--security-opt seccomp=']) {
    assert.ok(args.includes(flag), flag);
  }
  assert.ok(args.includes('type=bind,src=/srv/ws,dst=/workspace'));
  assert.match(args, /--user (?!0:)\d+:\d+/);
  assert.ok(!/docker\.sock|--privileged|--network host|--pid host|--cap-add/.test(args));
  assert.ok(args.includes('--env GREETING=x'));
  const ro = docker.runArgs(spec('/srv/ws', { workspaceAccess: 'ro' }), 'x').join(' ');
  assert.ok(ro.includes('dst=/run/hardshell/workspace-src,readonly'));
  assert.ok(ro.includes('--tmpfs /workspace:'));
  const none = docker.runArgs(spec('/srv/ws', { workspaceAccess: 'none' }), 'x').join(' ');
  assert.ok(!none.includes('/srv/ws'));
});

test('the engine seccomp profile denies the same calls and namespace flags of clone', () => {
  const p = containerSeccompProfile() as any;
  assert.equal(p.defaultAction, 'SCMP_ACT_ALLOW');
  const denied = p.syscalls[0].names as string[];
  for (const name of ['ptrace', 'mount', 'unshare', 'setns', 'bpf', 'keyctl', 'io_uring_setup', 'userfaultfd']) assert.ok(denied.includes(name), name);
  assert.ok(p.syscalls.some((s: any) => s.names[0] === 'clone3' && s.errnoRet === 38));
  assert.ok(p.syscalls.some((s: any) => s.names[0] === 'clone' && s.args[0].value === 0x10000000));
});

test('without an engine the backend refuses with what to install, and runs nothing', async () => {
  const missing = new ContainerBackend({ engine: 'podman', binary: null });
  const ok = await missing.available();
  assert.equal(ok.ok, false);
  await assert.rejects(missing.run(spec('/tmp')), (err: unknown) => err instanceof SandboxUnavailable && /apt-get install podman/.test(err.message));
});

for (const engine of ['docker', 'podman'] as const) {
  test(`${engine}: a real container run (when an engine answers)`, async (t) => {
    const backend = new ContainerBackend({ engine, image: process.env.HARDSHELL_TEST_IMAGE });
    const ok = await backend.available();
    if (!ok.ok) {
      console.log(`# ${engine} tests skipped: ${ok.why}`);
      return t.skip(`${engine}: ${ok.why}`);
    }
    const ws = realpathSync(mkdtempSync(join(tmpdir(), 'hs-container-')));
    t.after(() => rmSync(ws, { recursive: true, force: true }));
    // Run as root, the backend uses uid 1000 in the container: the workspace must be open to it.
    if (process.getuid?.() === 0) chmodSync(ws, 0o777);
    writeFileSync(join(ws, 'a.txt'), 'original\n');
    const rw = await backend.run(spec(ws, { argv: shellArgv('echo hi > out.txt; cat a.txt; id -u') }));
    assert.equal(rw.exitCode, 0, rw.stderr);
    assert.equal(rw.stdout, `original\n${process.getuid?.() === 0 ? 1000 : process.getuid?.()}\n`);
    assert.equal(readFileSync(join(ws, 'out.txt'), 'utf8'), 'hi\n');
    const ro = await backend.run(spec(ws, { workspaceAccess: 'ro', argv: shellArgv('echo changed > a.txt; cat a.txt; touch new.txt') }));
    assert.equal(ro.stdout, 'changed\n', ro.stderr);
    assert.equal(readFileSync(join(ws, 'a.txt'), 'utf8'), 'original\n');
    assert.equal(existsSync(join(ws, 'new.txt')), false);
    const esc = await backend.run(spec(ws, { argv: shellArgv('unshare -U true 2>&1 && echo ESCAPED; mount -t tmpfs x /tmp 2>&1 && echo ESCAPED; true') }));
    assert.doesNotMatch(esc.stdout, /ESCAPED/);
    const slow = await backend.run(spec(ws, { argv: shellArgv('sleep 30'), limits: { ...DEFAULT_LIMITS, wallMs: 1500 } }));
    assert.equal(slow.timedOut, true);
  });
}
