// `hardshell sandbox test`: escape attempts run against a real sandbox on this machine. A
// throw-away home with a planted SSH key and gateway config lies outside the sandbox's
// workspace, and a canary listener (socat, a separate process) waits on the host's loopback;
// every attempt must fail. A check counts as an escape only on evidence (the canary seen, the
// listener reached, a file written), never on a guess.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostLayout } from './host-layout.ts';
import { DEFAULT_LIMITS, shellArgv, type Limits, type RunResult, type SandboxBackend } from './types.ts';

export type CheckOutcome = 'contained' | 'ESCAPED' | 'skipped';

export interface CheckResult {
  name: string;
  outcome: CheckOutcome;
  detail: string;
}

interface Listener { port: number; hits(): number; stop(): void }

/** A loopback listener in its own process that counts connections and answers LEAKED. */
async function canaryListener(bind: string): Promise<Listener | null> {
  const socat = hostLayout().socat;
  if (!socat) return null;
  const addr = bind === '::1' ? `TCP6-LISTEN:0,bind=[::1],fork,reuseaddr` : `TCP-LISTEN:0,bind=${bind},fork,reuseaddr`;
  const child: ChildProcess = spawn(socat, ['-d', '-d', addr, 'SYSTEM:echo LEAKED'], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const port = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 3000);
    const look = () => {
      const m = /listening on AF=\d+ \S+:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stderr!.on('data', look);
    child.on('exit', () => { clearTimeout(timer); resolve(null); });
  });
  const stop = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  if (port === null) { stop(); return null; }
  return { port, hits: () => (log.match(/accepting connection/g) ?? []).length, stop };
}

export async function runEscapeChecks(backend: SandboxBackend, onResult: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (name: string, outcome: CheckOutcome, detail: string) => {
    const r = { name, outcome, detail };
    results.push(r);
    onResult(r);
  };
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'hardshell-sandbox-test-')));
  const canary = `CANARY-${randomBytes(12).toString('hex')}`;
  const fakeHome = join(base, 'home');
  const state = join(fakeHome, '.hardshell');
  const workspace = join(state, 'workspace');
  mkdirSync(join(fakeHome, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(workspace, { recursive: true, mode: 0o700 });
  writeFileSync(join(fakeHome, '.ssh', 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${canary}\n`, { mode: 0o600 });
  writeFileSync(join(state, 'hardshell.json'), `{ "security": { "auth": { "tokens": ["${canary}"] } } }\n`, { mode: 0o600 });
  const envName = 'HARDSHELL_SANDBOX_TEST_CANARY';
  process.env[envName] = canary;
  const listeners: Listener[] = [];

  const run = (command: string, limits: Partial<Limits> = {}): Promise<RunResult> => backend.run({
    argv: shellArgv(command), cwd: '.', env: {}, workspace, workspaceAccess: 'rw', network: 'none',
    signal: new AbortController().signal, limits: { ...DEFAULT_LIMITS, wallMs: 15_000, ...limits },
  });
  const leaked = (r: RunResult) => (r.stdout + r.stderr).includes(canary);

  try {
    // A container runs as uid 1000 when the gateway is root: the workspace must be open to it.
    if (backend.name !== 'bwrap' && process.getuid?.() === 0) chmodSync(workspace, 0o777);
    const hello = await run('echo ok');
    if (hello.exitCode !== 0 || hello.stdout !== 'ok\n') {
      throw new Error(`the ${backend.name} sandbox does not run commands here (exit ${hello.exitCode}: ${lastLine(hello.stderr) || lastLine(hello.stdout)}), so there is nothing to test`);
    }
    const ssh = await run(`cat ${fakeHome}/.ssh/id_rsa ~/.ssh/id_rsa ../../.ssh/id_rsa 2>&1`);
    add('read ~/.ssh/id_rsa', leaked(ssh) ? 'ESCAPED' : 'contained', 'a key planted in a home folder outside the workspace');

    const cfg = await run(`cat ${state}/hardshell.json ../hardshell.json /workspace/../hardshell.json 2>&1`);
    add('read the gateway config and tokens', leaked(cfg) ? 'ESCAPED' : 'contained', 'a config with a token beside the workspace');

    const realHome = homedir();
    const realKey = join(realHome, '.ssh', 'id_rsa');
    if (existsSync(realKey)) {
      const r = await run(`cat ${realKey} 2>&1`);
      add('read this machine\'s ~/.ssh/id_rsa', /PRIVATE KEY/.test(r.stdout) ? 'ESCAPED' : 'contained', realKey);
    } else add('read this machine\'s ~/.ssh/id_rsa', 'skipped', `${realKey} does not exist`);

    const env = await run('cat /proc/1/environ /proc/*/environ /proc/self/environ 2>/dev/null; env');
    add('read the gateway\'s environment (/proc/1/environ)', leaked(env) ? 'ESCAPED' : 'contained', 'a variable set in the gateway process');

    const target = join(fakeHome, 'pwned');
    await run(`echo x > ${target}; echo x > ../../pwned; echo x > /etc/pwned; echo x > /usr/pwned; true`);
    add('write outside the workspace', existsSync(target) || existsSync(join(fakeHome, 'pwned')) ? 'ESCAPED' : 'contained', 'the home folder, /etc, /usr');

    for (const bind of ['127.0.0.1', '::1']) {
      const l = await canaryListener(bind);
      if (!l) { add(`reach a listener on ${bind}`, 'skipped', bind === '::1' ? 'no IPv6 loopback, or socat missing' : 'socat is not installed'); continue; }
      listeners.push(l);
      const hosts = bind === '::1' ? ['::1'] : ['127.0.0.1', 'localhost'];
      const cmds = hosts.flatMap((h) => {
        const url = `http://${h.includes(':') ? `[${h}]` : h}:${l.port}/`;
        return [
          `curl -s -m 2 ${url}`, `wget -q -T 2 -O - ${url}`, `busybox nc -w 2 ${h} ${l.port} </dev/null`,
          `bash -c 'exec 3<>/dev/tcp/${h}/${l.port} && cat <&3'`,
          `python3 -c "import socket; print(socket.create_connection(('${h}', ${l.port}), 2).recv(99))"`,
        ];
      });
      const r = await run(cmds.map((c) => `${c} 2>/dev/null`).join('; ') + '; true', { wallMs: 30_000 });
      await new Promise((res) => setTimeout(res, 50));
      add(`reach a listener on ${bind}`, l.hits() > 0 || /LEAKED/.test(r.stdout) ? 'ESCAPED' : 'contained', `curl, wget, nc, bash /dev/tcp, python3 to ${hosts.join(', ')}`);
    }

    const meta = await run('curl -s -m 2 -o /dev/null -w "%{http_code}" http://169.254.169.254/latest/meta-data/; echo " $?"');
    const code = meta.stdout.trim().split(' ').pop();
    add('reach 169.254.169.254 (cloud metadata)', code === '0' || code === '22' ? 'ESCAPED' : 'contained', `curl exit ${code}`);

    const userns = await run('unshare -U true 2>&1 && echo ESCAPED; unshare -r true 2>&1 && echo ESCAPED; true');
    add('create a user namespace (unshare -U)', /ESCAPED/.test(userns.stdout) ? 'ESCAPED' : 'contained', lastLine(userns.stdout));

    const mount = await run('mount -t tmpfs none /tmp 2>&1 && echo ESCAPED; true');
    add('mount a file system', /ESCAPED/.test(mount.stdout) ? 'ESCAPED' : 'contained', mount.stdout.trim().split('\n')[0].slice(0, 120));

    const ptrace = await run('command -v python3 >/dev/null && python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); print(\'ESCAPED\' if l.ptrace(0, 0, 0, 0) == 0 else \'ptrace refused, errno %d\' % ctypes.get_errno())" 2>&1; strace -o /dev/null true >/dev/null 2>&1 && echo ESCAPED; true');
    add('ptrace', /ESCAPED/.test(ptrace.stdout) ? 'ESCAPED' : 'contained', lastLine(ptrace.stdout));

    const status = await run('grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status');
    const caps = /CapEff:\s+0+\b/.test(status.stdout) && /NoNewPrivs:\s+1/.test(status.stdout) && /Seccomp:\s+2/.test(status.stdout);
    add('capabilities, no_new_privs, seccomp', caps ? 'contained' : 'ESCAPED', status.stdout.trim().replace(/\s+/g, ' '));

    const t0 = Date.now();
    const bomb = await run('bomb() { bomb | bomb & }; bomb; sleep 10', { processes: 32, wallMs: 2000 });
    const bombMs = Date.now() - t0;
    add('fork bomb', bombMs < 10_000 && bomb.killedBy !== undefined ? 'contained' : 'ESCAPED', `stopped by ${bomb.killedBy ?? 'nothing'} after ${bombMs} ms`);

    const hog = await run('command -v python3 >/dev/null || { echo NO_PYTHON; exit 0; }; python3 -c "b = bytearray(4 * 1024 ** 3); print(\'ALLOCATED\')" 2>&1', { memoryBytes: 256 * 1024 * 1024, wallMs: 20_000 });
    if (/NO_PYTHON/.test(hog.stdout)) add('memory hog (4 GiB with a 256 MiB limit)', 'skipped', 'python3 is not in the sandbox');
    else add('memory hog (4 GiB with a 256 MiB limit)', /ALLOCATED/.test(hog.stdout) ? 'ESCAPED' : 'contained', `exit ${hog.exitCode}: ${lastLine(hog.stdout)}`);

    const flood = await run('head -c 100000000 /dev/zero', { outputBytes: 1024 * 1024 });
    add('100 MB of output', flood.truncated && Buffer.byteLength(flood.stdout) <= 1024 * 1024 ? 'contained' : 'ESCAPED', `cut at ${Buffer.byteLength(flood.stdout)} bytes`);
  } finally {
    for (const l of listeners) l.stop();
    delete process.env[envName];
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}

function lastLine(text: string): string {
  return (text.trim().split('\n').pop() ?? '').slice(0, 120);
}
