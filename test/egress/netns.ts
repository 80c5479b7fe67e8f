// A "public" host without the internet: a network namespace joined to this one by a veth
// pair, both ends on a /30 from TEST-NET-3 (203.0.113.0/24), with the test's upstream server
// running inside it. Names are unique per run; everything is removed in `cleanup()`, and
// again at process exit if a test never got there.
import { spawn, spawnSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpstreamLog } from './upstream-server.ts';

const run = promisify(execFile);

export interface PublicHost {
  /** The namespace's address (the upstream listens here). */
  address: string;
  /** This side's address on the veth. */
  hostAddress: string;
  ns: string;
  /** Starts the upstream server inside the namespace; its log lines collect in `log`. */
  startUpstream(args: { http?: number[]; https?: number[]; cert?: string; key?: string }): Promise<void>;
  log: UpstreamLog[];
  cleanup(): Promise<void>;
}

/** Null (with the reason) when this machine cannot make namespaces: not root, no `ip`. */
export async function netnsUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `"ip netns" does not work here: ${r.error?.message ?? r.stderr}`;
  return null;
}

/** Claims of /30 blocks, one folder each: test files run in parallel, and two that picked the
 * same block would each reach the other's upstream. mkdir is atomic; a claim whose process is
 * gone is taken over. */
const CLAIMS = join(tmpdir(), 'hardshell-test-netns-claims');

function claim(block: number): (() => void) | null {
  mkdirSync(CLAIMS, { recursive: true });
  const dir = join(CLAIMS, String(block));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try { owner = Number(readFileSync(join(dir, 'pid'), 'utf8')); } catch { /* being written: treat as alive */ return null; }
      try { process.kill(owner, 0); return null; } catch { rmSync(dir, { recursive: true, force: true }); }
    }
  }
  return null;
}

/** Picks and claims a /30 in 203.0.113.0/24 that no interface here uses and no other test holds. */
async function freeSubnet(): Promise<{ base: number; release: () => void }> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  const used = new Set([...stdout.matchAll(/203\.0\.113\.(\d+)/g)].map((m) => Math.floor(Number(m[1]) / 4)));
  const start = randomBytes(1)[0] % 64;
  for (let i = 0; i < 64; i++) {
    const block = (start + i) % 64;
    if (block === 0 || used.has(block)) continue;
    const release = claim(block);
    if (release) return { base: block * 4, release };
  }
  throw new Error('no free /30 left in 203.0.113.0/24');
}

export async function makePublicHost(): Promise<PublicHost> {
  const id = randomBytes(3).toString('hex');
  const ns = `hs-egress-${id}`;
  const vethHost = `hse${id}h`;
  const vethNs = `hse${id}n`;
  const { base, release } = await freeSubnet();
  const hostAddress = `203.0.113.${base + 1}`;
  const address = `203.0.113.${base + 2}`;
  const children: Array<ReturnType<typeof spawn>> = [];
  const log: UpstreamLog[] = [];
  let cleaned = false;

  const removeSync = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', vethHost], { stdio: 'ignore' });
    release();
  };
  process.once('exit', removeSync);
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of children) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 2000); })]);
      clearTimeout(timer);
      if (c.exitCode === null) c.kill('SIGKILL');
    }
    await run('ip', ['netns', 'del', ns]).catch(() => {});
    await run('ip', ['link', 'del', vethHost]).catch(() => {});
    release();
    process.removeListener('exit', removeSync);
  };

  try {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethNs]);
    await run('ip', ['link', 'set', vethNs, 'netns', ns]);
    await run('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', vethHost]);
    await run('ip', ['link', 'set', vethHost, 'up']);
    await run('ip', ['-n', ns, 'addr', 'add', `${address}/30`, 'dev', vethNs]);
    await run('ip', ['-n', ns, 'link', 'set', vethNs, 'up']);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await cleanup();
    throw err;
  }

  return {
    address, hostAddress, ns, log, cleanup,
    async startUpstream(args) {
      const argv = ['netns', 'exec', ns, process.execPath, join(import.meta.dirname, 'upstream-server.ts'), '--address', address];
      if (args.http) argv.push('--http', args.http.join(','));
      if (args.https) argv.push('--https', args.https.join(','));
      if (args.cert) argv.push('--cert', args.cert);
      if (args.key) argv.push('--key', args.key);
      const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`upstream server in ${ns} exited (${code}) before it was ready`)));
        createInterface({ input: child.stdout! }).on('line', (line) => {
          const entry = JSON.parse(line) as UpstreamLog | { event: 'ready' };
          if (entry.event === 'ready') resolve();
          else log.push(entry);
        });
      });
    },
  };
}

export interface TestCert {
  dir: string;
  cert: string;
  key: string;
  certPem: Buffer;
  cleanup(): Promise<void>;
}

/** A self-signed certificate for the given names (openssl; node:crypto cannot make X.509). */
export async function makeCert(names: string[]): Promise<TestCert> {
  const dir = await mkdtemp(join(tmpdir(), 'hardshell-cert-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`]);
  return { dir, cert, key, certPem: await readFile(cert), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Waits until the upstream's log has settled (its lines arrive through a pipe). */
export const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));
