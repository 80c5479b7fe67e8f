// What of the host a sandbox sees: the system folders (read-only) and an /etc that hardshell
// assembles once per process: generated passwd, group, hosts, ... (no user names, host names
// or name servers of the host), plus copies of the few host files programs need and that hold
// no secrets. One bind mount for all of /etc keeps a sandbox's start cheap.
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildSeccompFilter, seccompArch } from './seccomp.ts';
import { SANDBOX_GID, SANDBOX_UID } from './types.ts';

/** Top-level system folders: bound read-only, or re-created as the symlinks they are (merged /usr). */
const ROOT_DIRS = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * Host /etc entries copied into the sandbox's /etc (symlinks stay symlinks): shared-library
 * lookup, alternatives (/usr/bin/awk points through /etc/alternatives), time zone, protocol
 * and service names. Copied when the gateway starts: a change on the host shows after a restart.
 */
const ETC_COPIES = [
  'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'protocols', 'services',
  'mime.types', 'os-release', 'debian_version', 'ssl/openssl.cnf',
];
/**
 * Host /etc folders bound read-only (too many files to copy): CA certificates for HTTPS
 * through the proxy, and font configuration (Chromium, and anything else that draws text).
 */
const ETC_BINDS = ['/etc/ssl/certs', '/etc/pki/tls/certs', '/etc/pki/ca-trust', '/etc/fonts'];

/** Generated in place of the host's files. */
export const GENERATED_ETC: Record<string, string> = {
  passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:${SANDBOX_UID}:${SANDBOX_GID}:hardshell sandbox:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  group: `root:x:0:\nsandbox:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`,
  hosts: '127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  hostname: 'sandbox\n',
  // No name server: the sandbox has no network; names are resolved by the egress proxy.
  'resolv.conf': '# no DNS inside the hardshell sandbox: use the HTTP proxy in $HTTPS_PROXY\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\nprotocols: files\nservices: files\n',
};

export type RootEntry = { path: string; kind: 'symlink'; target: string } | { path: string; kind: 'dir' };

export interface HostLayout {
  rootEntries: RootEntry[];
  /** The sandbox's /etc, assembled on the host (private to this process). */
  etcDir: string;
  /** Which host /etc entries were copied into it. */
  etcCopied: string[];
  /** Host folders bound read-only over their place in the sandbox's /etc. */
  etcBinds: string[];
  seccompFile: string;
  /** socat, the relay to the egress proxy; null when absent. */
  socat: string | null;
}

let cached: HostLayout | undefined;

/** Looks at the host once per process; what it writes is removed when the process exits. */
export function hostLayout(): HostLayout {
  if (cached) return cached;
  const rootEntries: RootEntry[] = [];
  for (const path of ROOT_DIRS) {
    let st;
    try { st = lstatSync(path); } catch { continue; }
    if (st.isSymbolicLink()) rootEntries.push({ path, kind: 'symlink', target: readlinkSync(path) });
    else if (st.isDirectory()) rootEntries.push({ path, kind: 'dir' });
  }

  const assets = mkdtempSync(join(tmpdir(), 'hardshell-sandbox-'));
  process.once('exit', () => rmSync(assets, { recursive: true, force: true }));
  chmodSync(assets, 0o755); // read by bwrap as the calling user; nothing in here is secret
  const etcDir = join(assets, 'etc');
  mkdirSync(etcDir, { mode: 0o755 });
  for (const [name, text] of Object.entries(GENERATED_ETC)) writeFileSync(join(etcDir, name), text, { mode: 0o644 });
  const etcCopied = ETC_COPIES.filter((name) => copyEntry(join('/etc', name), join(etcDir, name)));
  const etcBinds = ETC_BINDS.filter((p) => existsSync(p));
  for (const p of etcBinds) mkdirSync(join(etcDir, p.slice('/etc/'.length)), { recursive: true, mode: 0o755 });

  const seccompFile = join(assets, 'seccomp.bpf');
  writeFileSync(seccompFile, buildSeccompFilter(seccompArch()), { mode: 0o644 });

  const socat = ['/usr/bin/socat', '/bin/socat'].find((p) => existsSync(p)) ?? null;
  cached = { rootEntries, etcDir, etcCopied, etcBinds, seccompFile, socat };
  return cached;
}

/** Copies a file, symlink or (one level of) folder; false when the host has none. */
function copyEntry(from: string, to: string): boolean {
  let st;
  try { st = lstatSync(from); } catch { return false; }
  mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (st.isFile()) copyFileSync(from, to);
  else if (st.isDirectory()) {
    mkdirSync(to, { mode: 0o755 });
    for (const name of readdirSync(from)) {
      const child = join(from, name);
      const cst = lstatSync(child);
      if (cst.isSymbolicLink()) symlinkSync(readlinkSync(child), join(to, name));
      else if (cst.isFile()) copyFileSync(child, join(to, name));
    }
  } else return false;
  return true;
}
