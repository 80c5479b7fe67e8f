// The bwrap backend doing its ordinary job, with a real bubblewrap: the workspace per
// workspaceAccess, the working folder, a clean environment, the generated /etc, the limits
// on output and time, and cancellation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bwrap, bwrapMissing, makePlace } from './helpers.ts';
import { bwrapPlan } from '../../src/sandbox/bwrap.ts';
import { hostLayout } from '../../src/sandbox/host-layout.ts';
import { DEFAULT_LIMITS, SandboxSpecError, shellArgv } from '../../src/sandbox/types.ts';

let skip: string | null = null;
before(async () => {
  skip = await bwrapMissing();
  if (skip) console.log(`# skipping bwrap tests: ${skip}`);
});

test('rw: a command writes to the workspace, and runs there as an unprivileged user', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t, { 'in.txt': 'from host\n' });
  const r = await p.run('echo hi > out.txt && cat out.txt && cat in.txt && pwd && id -u && cat /etc/hostname');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, 'hi\nfrom host\n/workspace\n1000\nsandbox\n');
  assert.equal(await readFile(join(p.ws, 'out.txt'), 'utf8'), 'hi\n');
  assert.equal(r.backend, 'bwrap');
  assert.equal(r.truncated, false);
  assert.equal(r.timedOut, false);
});

test('ro: writes land in a scratch copy that is thrown away; the workspace is unchanged', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t, { 'a.txt': 'original\n', 'keep/b.txt': 'b\n' });
  const r = await p.run('cat a.txt && echo changed > a.txt && cat a.txt && rm -r keep && echo new > c.txt && ls', { workspaceAccess: 'ro' });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, 'original\nchanged\na.txt\nc.txt\n');
  assert.equal(await readFile(join(p.ws, 'a.txt'), 'utf8'), 'original\n');
  assert.equal(await readFile(join(p.ws, 'keep/b.txt'), 'utf8'), 'b\n');
  assert.equal(existsSync(join(p.ws, 'c.txt')), false);
  // The real workspace is mounted read-only under the copy.
  const direct = await p.run('echo x > /run/hardshell/workspace-src/a.txt', { workspaceAccess: 'ro' });
  assert.notEqual(direct.exitCode, 0);
  assert.equal(await readFile(join(p.ws, 'a.txt'), 'utf8'), 'original\n');
});

test('ro: a workspace bigger than the scratch space is refused before the command runs', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t, { 'big.bin': 'x'.repeat(300_000) });
  const r = await p.run('touch /tmp/ran; echo ran', { workspaceAccess: 'ro', limits: { tmpBytes: 64 * 1024 } });
  assert.equal(r.exitCode, 125);
  assert.match(r.stderr, /could not be copied into the sandbox's scratch layer/);
  assert.equal(r.stdout, '');
});

test('none: the workspace is not there at all', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t, { 'a.txt': 'x' });
  const r = await p.run('pwd; ls /workspace 2>&1; ls /run/hardshell 2>&1; true', { workspaceAccess: 'none' });
  assert.match(r.stdout, /^\/tmp\n/);
  assert.match(r.stdout, /No such file or directory/);
  assert.doesNotMatch(r.stdout, /a\.txt/);
});

test('the working folder is relative to the workspace and cannot leave it', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  await mkdir(join(p.ws, 'sub/dir'), { recursive: true });
  const r = await p.run('pwd', { cwd: 'sub/dir' });
  assert.equal(r.stdout, '/workspace/sub/dir\n');
  await assert.rejects(p.run('pwd', { cwd: '../..' }), SandboxSpecError);
  await assert.rejects(p.run('pwd', { cwd: '/etc' }), SandboxSpecError);
  const missing = await p.run('pwd', { cwd: 'nope' });
  assert.equal(missing.exitCode, 125);
  assert.match(missing.stderr, /working folder does not exist/);
});

test('the environment is only what the call gave, plus a fixed base; loader variables are refused', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  process.env.HARDSHELL_TEST_GATEWAY_SECRET = p.canary;
  t.after(() => { delete process.env.HARDSHELL_TEST_GATEWAY_SECRET; });
  const r = await p.run('env | sort', { env: { GREETING: 'hello world' } });
  assert.equal(r.exitCode, 0, r.stderr);
  const names = r.stdout.trim().split('\n').map((l) => l.split('=')[0]);
  assert.deepEqual(names.sort(), ['GREETING', 'HARDSHELL_WORKSPACE', 'HOME', 'LANG', 'PATH', 'PWD', 'TERM'].sort());
  assert.match(r.stdout, /^GREETING=hello world$/m);
  assert.match(r.stdout, /^HOME=\/tmp$/m);
  assert.doesNotMatch(r.stdout, new RegExp(p.canary));
  for (const bad of ['LD_PRELOAD', 'BASH_ENV', 'ENV', 'PROMPT_COMMAND', 'LD_LIBRARY_PATH', 'PATH', '1X', 'A=B']) {
    await assert.rejects(p.run('true', { env: { [bad]: 'x' } }), SandboxSpecError, bad);
  }
});

test('/etc is generated: no host users, host name or name servers', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('cat /etc/passwd /etc/group /etc/hosts /etc/resolv.conf; ls /etc; whoami; ls /root /home 2>&1; true');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^sandbox:x:1000:1000:/m);
  assert.doesNotMatch(r.stdout, /nameserver/);
  const hostPasswd = await readFile('/etc/passwd', 'utf8');
  for (const line of hostPasswd.split('\n').filter((l) => l && !/^(root|nobody):/.test(l))) {
    assert.ok(!r.stdout.includes(line), `host passwd line visible: ${line}`);
  }
  assert.doesNotMatch(r.stdout, /shadow|sudoers|ssh_host/);
  // Programs that go through /etc/alternatives still work.
  const awk = await p.run('echo 3 4 | awk \'{ print $1 + $2 }\'');
  assert.equal(awk.stdout, '7\n', awk.stderr);
});

test('100 MB of output is cut at the cap, the command killed, quickly', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('head -c 100000000 /dev/zero | tr "\\0" y; echo done', { limits: { outputBytes: 64 * 1024 } });
  assert.equal(r.truncated, true);
  assert.equal(r.killedBy, 'output');
  assert.equal(Buffer.byteLength(r.stdout), 64 * 1024);
  assert.doesNotMatch(r.stdout, /done/);
  assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
});

test('stdout and stderr share one cap', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('head -c 3000 /dev/zero | tr "\\0" e >&2; head -c 3000 /dev/zero | tr "\\0" o', { limits: { outputBytes: 4000 } });
  assert.equal(r.truncated, true);
  assert.equal(Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr), 4000);
});

test('wall time: the whole sandbox is killed, background children too', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('(sleep 30; touch late.txt) & echo started; sleep 30', { limits: { wallMs: 500 } });
  assert.equal(r.timedOut, true);
  assert.equal(r.killedBy, 'time');
  assert.equal(r.stdout, 'started\n');
  assert.ok(r.durationMs < 5_000);
  // A command that ends leaves no background process behind either.
  const quick = await p.run('(sleep 1; touch later.txt) & echo bye');
  assert.equal(quick.stdout, 'bye\n');
  assert.ok(quick.durationMs < 900, `waited for the background child: ${quick.durationMs} ms`);
  await new Promise((r2) => setTimeout(r2, 1200));
  assert.deepEqual((await readdir(p.ws)).sort(), []);
});

test('cancellation through the signal kills the sandbox', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const r = await p.run('sleep 30', { signal: ac.signal });
  assert.equal(r.timedOut, true);
  assert.ok(r.durationMs < 5_000);
  const pre = new AbortController();
  pre.abort();
  const never = await p.run('touch ran.txt', { signal: pre.signal });
  assert.equal(never.timedOut, true);
  assert.equal(existsSync(join(p.ws, 'ran.txt')), false);
});

test('CPU time is limited', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('while :; do :; done', { limits: { cpuSeconds: 1, wallMs: 10_000 } });
  assert.equal(r.killedBy, 'time');
  assert.equal(r.timedOut, false, 'the CPU limit, not the wall clock, stopped it');
});

test('the private /tmp is size-capped and not the host\'s', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const marker = join('/tmp', `hardshell-host-marker-${process.pid}`);
  await writeFile(marker, 'host');
  t.after(() => import('node:fs/promises').then((fs) => fs.rm(marker, { force: true })));
  const r = await p.run(`ls ${marker} 2>&1; head -c 5000000 /dev/zero > /tmp/big; echo "exit $?"; ls -l /tmp/big | awk '{print $5}'`, { limits: { tmpBytes: 1024 * 1024 } });
  assert.match(r.stdout, /No such file or directory/);
  assert.match(r.stdout, /exit 1/);
  assert.ok(Number(r.stdout.trim().split('\n').pop()) <= 1024 * 1024);
});

test('the plan: namespaces, no capabilities, seccomp on fd 3, read-only root', () => {
  const plan = bwrapPlan({
    argv: shellArgv('true'), cwd: '.', env: {}, workspace: '/srv/ws', workspaceAccess: 'rw',
    limits: DEFAULT_LIMITS, network: 'none', signal: new AbortController().signal,
  }, hostLayout());
  const a = plan.args.join(' ');
  for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--cap-drop ALL', '--seccomp 3', '--proc /proc', '--dev /dev', '--remount-ro /']) {
    assert.ok(a.includes(flag), flag);
  }
  assert.ok(a.includes('--bind /srv/ws /workspace'));
  assert.ok(!a.includes('--share-net'));
  assert.ok(!/--bind \/(home|root|var|run\/docker)/.test(a));
  assert.ok(plan.mounts.some((m) => m.path === '/workspace' && m.access === 'rw'));
});

test('bwrap is reported unavailable, with the install hint, when it is missing', async () => {
  const { BwrapBackend } = await import('../../src/sandbox/bwrap.ts');
  const missing = new BwrapBackend({ bwrapPath: null });
  const ok = await missing.available();
  assert.equal(ok.ok, false);
  assert.match(!ok.ok ? ok.install : '', /apt-get install bubblewrap/);
  await assert.rejects(missing.run({
    argv: ['/bin/true'], cwd: '.', env: {}, workspace: '/', workspaceAccess: 'none', limits: DEFAULT_LIMITS, network: 'none', signal: new AbortController().signal,
  }), /apt-get install bubblewrap/);
  void bwrap;
});
