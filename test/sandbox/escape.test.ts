// Escape attempts from inside a real bwrap sandbox, each of which must fail: reading the
// user's SSH key, the gateway's config and token store, the host's process environment;
// writing outside the workspace; reaching a listener on the host's loopback or the cloud
// metadata address by every tool the sandbox has; user namespaces, mount, ptrace; and a fork
// bomb and a memory hog that must be stopped while a gateway-like server keeps answering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer, get as httpGet } from 'node:http';
import { existsSync } from 'node:fs';
import { bwrapMissing, makePlace } from './helpers.ts';

let skip: string | null = null;
before(async () => {
  skip = await bwrapMissing();
  if (skip) console.log(`# skipping escape tests: ${skip}`);
});

test('secrets outside the workspace cannot be read: ~/.ssh/id_rsa, config, token store, host environment', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  process.env.HARDSHELL_TEST_ENV_CANARY = `ENV-${p.canary}`;
  t.after(() => { delete process.env.HARDSHELL_TEST_ENV_CANARY; });
  const attempts = [
    `cat ${p.sshKey}`, `cat ${p.userHome}/secret.txt`, `cat ${p.home}/hardshell.json`, `cat ${p.home}/hardshell.db`,
    'cat ../.ssh/id_rsa', 'cat /workspace/../hardshell.json', 'cat ~/.ssh/id_rsa', 'cat /root/.ssh/id_rsa',
    'cat /proc/1/environ', 'cat /proc/*/environ', 'cat /proc/self/environ', 'cat /proc/1/root/etc/shadow',
    `ls -la ${p.userHome} ${p.home} /root /home`, 'cat /etc/shadow', 'ls /var/run/docker.sock /run/docker.sock',
    'find / -xdev -name "id_rsa*" 2>/dev/null', 'grep -rs CANARY /etc /tmp /run /dev/shm /workspace /proc/1/environ /proc/1/cmdline /proc/self/mountinfo 2>/dev/null',
  ];
  for (const cmd of attempts) {
    const r = await p.run(`${cmd}; true`);
    const seen = r.stdout + r.stderr;
    assert.ok(!seen.includes(p.canary), `${cmd} revealed the canary: ${seen.slice(0, 300)}`);
    assert.doesNotMatch(seen, /PRIVATE KEY|token-store/, cmd);
  }
});

test('nothing outside the workspace can be written', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const before = await p.snapshotOutside();
  const attempts = [
    `echo pwned > ${p.userHome}/pwned`, `echo pwned > ${p.home}/hardshell.json`, 'echo pwned > ../pwned',
    `rm -f ${p.sshKey}`, 'echo pwned > /etc/pwned', 'echo pwned > /usr/pwned', 'echo pwned > /pwned', 'mkdir /run/x',
    'echo pwned > /dev/pwned', 'ln -s / /workspace/root && echo pwned > /workspace/root/tmp/../pwned2',
    `echo pwned >> ${p.userHome}/secret.txt`, 'chmod 777 /usr/bin/env',
  ];
  for (const cmd of attempts) await p.run(`${cmd} 2>/dev/null; true`);
  assert.deepEqual(await p.snapshotOutside(), before);
  for (const path of ['/pwned', '/etc/pwned', '/usr/pwned', '/tmp/pwned2']) assert.equal(existsSync(path), false, path);
});

/** A listener on the host's loopback that counts whoever reaches it. */
async function listener(host: string): Promise<{ server: Server; port: number; hits: () => number } | null> {
  const server = createServer();
  let hits = 0;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { hits++; sockets.add(s); s.on('close', () => sockets.delete(s)); s.end('HTTP/1.0 200 OK\r\n\r\nLEAKED\n'); });
  try {
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, () => resolve()); });
  } catch {
    return null; // no IPv6 on this machine
  }
  after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { server, port: (server.address() as { port: number }).port, hits: () => hits };
}

test('a listener on the host\'s loopback cannot be reached: by IP, localhost, IPv6, with any tool', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const v4 = (await listener('127.0.0.1'))!;
  const v6 = await listener('::1');
  const targets = [['127.0.0.1', v4.port], ['localhost', v4.port], ...(v6 ? [['::1', v6.port], ['[::1]', v6.port]] : [])] as Array<[string, number]>;
  const cmds: string[] = [];
  for (const [host, port] of targets) {
    const bare = host.replace(/[[\]]/g, '');
    cmds.push(
      `curl -s -m 2 http://${host}:${port}/`,
      `wget -q -T 2 -O - http://${host}:${port}/`,
      `busybox wget -q -T 2 -O - http://${host}:${port}/`,
      `busybox nc -w 2 ${bare} ${port} </dev/null`,
      `bash -c 'exec 3<>/dev/tcp/${bare}/${port} && cat <&3'`,
      `python3 -c "import socket; s = socket.create_connection(('${bare}', ${port}), 2); print(s.recv(100))"`,
      `perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(PeerAddr => "${bare}:${port}", Timeout => 2)->getline'`,
    );
  }
  for (const cmd of cmds) {
    const r = await p.run(`${cmd} 2>&1; true`, { limits: { wallMs: 10_000 } });
    assert.doesNotMatch(r.stdout + r.stderr, /LEAKED/, cmd);
  }
  assert.equal(v4.hits(), 0, 'the IPv4 listener was reached');
  assert.equal(v6?.hits() ?? 0, 0, 'the IPv6 listener was reached');
});

test('there is no network: no route to the metadata address or anywhere, only a loopback device', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const r = await p.run('curl -s -m 2 http://169.254.169.254/latest/meta-data/; echo "curl $?"; cat /proc/net/route; ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1');
  assert.match(r.stdout, /curl (7|28)/);
  assert.equal(r.stdout.split('\n').filter((l) => /^\s*[a-z]/.test(l) && !/^\s*lo$/.test(l) && !/^curl|^Iface/.test(l)).length, 0, r.stdout);
});

test('user namespaces, mount, ptrace and chroot are refused', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const checks: Array<[string, RegExp]> = [
    ['unshare -U true && echo ESCAPED', /Operation not permitted/],
    ['unshare -r id && echo ESCAPED', /Operation not permitted/],
    ['unshare -m true && echo ESCAPED', /Operation not permitted/],
    ['mount -t tmpfs none /tmp && echo ESCAPED', /permission denied|must be superuser|Operation not permitted/i],
    ['strace -f true && echo ESCAPED', /Operation not permitted/],
    ['chroot / true && echo ESCAPED', /Operation not permitted/],
    ['python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.ptrace(0, 0, 0, 0); print(\'ESCAPED\' if r == 0 else \'errno\', ctypes.get_errno())"', /errno 1/],
    ['python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.unshare(0x10000000); print(\'ESCAPED\' if r == 0 else \'errno\', ctypes.get_errno())"', /errno 1/],
    ['python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.syscall(425, 8, 0); print(\'ESCAPED\' if r >= 0 else \'errno\', ctypes.get_errno())"', /errno 1/],
    ['python3 -c "import ctypes; l = ctypes.CDLL(None, use_errno=True); r = l.syscall(435, 0, 0); print(\'ESCAPED\' if r >= 0 else \'errno\', ctypes.get_errno())"', /errno 38/],
    ['grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status', /CapEff:\s+0+\nNoNewPrivs:\s+1\nSeccomp:\s+2/],
  ];
  for (const [cmd, expect] of checks) {
    if (process.arch !== 'x64' && /syscall\(4/.test(cmd)) continue;
    const r = await p.run(`{ ${cmd}; } 2>&1; true`);
    assert.doesNotMatch(r.stdout, /ESCAPED/, cmd);
    assert.match(r.stdout, expect, `${cmd}: ${r.stdout}`);
  }
});

/** A gateway stand-in: answers /healthz; the test asks it while the sandbox misbehaves. */
async function gateway(): Promise<{ ask(): Promise<boolean>; close(): void }> {
  const server = createHttpServer((_, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    ask: () => new Promise((resolve) => {
      const req = httpGet({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode === 200)); });
      req.on('timeout', () => { req.destroy(); resolve(false); });
      req.on('error', () => resolve(false));
    }),
    close: () => { server.closeAllConnections(); server.close(); },
  };
}

async function whileRunning<T>(work: Promise<T>, ask: () => Promise<boolean>): Promise<{ result: T; answers: boolean[] }> {
  const answers: boolean[] = [];
  let done = false;
  const polling = (async () => {
    await new Promise((r) => setTimeout(r, 150));
    while (!done) {
      answers.push(await ask());
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const result = await work;
  done = true;
  await polling;
  return { result, answers };
}

test('a fork bomb is stopped by the process limit while the gateway keeps answering', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const gw = await gateway();
  t.after(() => gw.close());
  const { result, answers } = await whileRunning(p.run('bomb() { bomb | bomb & }; bomb; sleep 5', { limits: { processes: 32, wallMs: 2500 } }), gw.ask);
  assert.ok(result.killedBy === 'processes' || result.killedBy === 'time', JSON.stringify(result).slice(0, 400));
  assert.ok(answers.length > 0 && answers.every(Boolean), `the gateway stopped answering: ${answers}`);
  // The sandbox is gone: nothing of it is left running.
  const after = await p.run('echo fine');
  assert.equal(after.stdout, 'fine\n');
});

test('a memory hog is stopped by the memory limit while the gateway keeps answering', async (t) => {
  if (skip) return t.skip(skip);
  const p = await makePlace(t);
  const gw = await gateway();
  t.after(() => gw.close());
  const hog = 'python3 -c "b = bytearray(4 * 1024 ** 3); print(\'ALLOCATED\')"';
  const { result, answers } = await whileRunning(p.run(hog, { limits: { memoryBytes: 256 * 1024 * 1024, wallMs: 10_000 } }), gw.ask);
  assert.notEqual(result.exitCode, 0);
  assert.doesNotMatch(result.stdout, /ALLOCATED/);
  assert.equal(result.killedBy, 'memory', result.stderr);
  assert.ok(answers.every(Boolean));
  // Filling the tmpfs instead stops at its cap.
  const fill = await p.run('head -c 100000000 /dev/zero > /tmp/fill; echo "exit $?"; du -k /tmp/fill | cut -f1', { limits: { tmpBytes: 8 * 1024 * 1024 } });
  assert.match(fill.stdout, /exit 1/);
  assert.ok(Number(fill.stdout.trim().split('\n').pop()) <= 8 * 1024);
});
