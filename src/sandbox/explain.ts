// What a command of an agent would get, exactly: where it runs, the mounts, limits, network,
// namespaces and syscall policy (for `hardshell sandbox explain`).
import { hostLayout } from './host-layout.ts';
import { bwrapPlan, type MountInfo } from './bwrap.ts';
import { ContainerBackend } from './container.ts';
import { selectBackend, backendsByName } from './select.ts';
import { placement, type ResolvedSandbox } from './settings.ts';
import { networkFor } from './run.ts';
import { pidsCgroupParent } from './cgroup.ts';
import { describeSeccomp, seccompArch } from './seccomp.ts';
import { SANDBOX_PATH } from './env.ts';
import { SandboxUnavailable, shellArgv, type BackendName, type Limits, type SandboxBackend } from './types.ts';

export interface Explanation {
  agent: string;
  settings: { mode: string; scope: string; workspaceAccess: string; provider: string };
  /** 'sandbox' | 'host' | 'refused' | 'unavailable' */
  runs: string;
  /** Why it runs there, or why not at all. */
  reason: string;
  backend?: BackendName;
  scopeNote: string;
  workspace: { host: string; inSandbox: string | null; access: string; note: string };
  network: { mode: 'none' | 'egress proxy'; allowedDomains: string[]; deniedDomains: string[]; note: string };
  limits: Limits & { processLimitBy: string; memoryLimitBy: string };
  mounts: MountInfo[];
  isolation: string[];
  syscalls: ReturnType<typeof describeSeccomp> | { note: string };
  environment: { base: Record<string, string>; note: string };
  /** The exact command line, for those who want to run it by hand. */
  commandLine?: string[];
}

export async function explainSandbox(s: ResolvedSandbox, workspace: string, backends: Map<BackendName, SandboxBackend> = backendsByName()): Promise<Explanation> {
  const where = placement(s);
  const network = networkFor(s);
  const out: Explanation = {
    agent: s.agentId,
    settings: { mode: s.mode, scope: s.scope, workspaceAccess: s.workspaceAccess, provider: s.provider },
    runs: where.kind === 'refuse' ? 'refused' : where.kind,
    reason: where.kind === 'sandbox' ? `sandbox.mode is "${s.mode}" for agent "${s.agentId}"` : where.reason,
    scopeNote: s.scope === 'invocation'
      ? 'every command gets a fresh sandbox'
      : `scope "${s.scope}": with bwrap, and with docker/podman in this version, every command still gets a fresh sandbox (at least as strict); nothing carries over between commands except the workspace`,
    workspace: {
      host: workspace,
      inSandbox: s.workspaceAccess === 'none' ? null : '/workspace',
      access: s.workspaceAccess,
      note: s.workspaceAccess === 'ro'
        ? `read-only: the workspace is copied into a private tmpfs of at most ${s.limits.tmpBytes} bytes; writes land there and are discarded after the command`
        : s.workspaceAccess === 'rw' ? 'read-write: changes stay in the workspace' : 'not mounted; commands start in /tmp',
    },
    network: {
      mode: network === 'none' ? 'none' : 'egress proxy',
      allowedDomains: s.allowedDomains,
      deniedDomains: s.deniedDomains,
      note: network !== 'none'
        ? 'no network of its own; a relay on 127.0.0.1:3128 (HTTP_PROXY/HTTPS_PROXY) reaches the egress proxy, which allows only the listed domains'
        : s.allowedDomains.length > 0
          ? 'domains are allowed, but the egress proxy is not running here, so there is no network'
          : 'no network at all (sandbox.network.allowedDomains is empty): only a loopback device',
    },
    limits: {
      ...s.limits,
      processLimitBy: pidsCgroupParent() ? 'a pids cgroup per sandbox, and RLIMIT_NPROC' : process.getuid?.() === 0
        ? 'RLIMIT_NPROC only, which the kernel does not apply to root: run the gateway as a normal user, or give it a writable pids cgroup'
        : 'RLIMIT_NPROC (counted per sandbox)',
      memoryLimitBy: 'RLIMIT_AS (address space) per process; tmpfs sizes for /tmp, /dev/shm and the scratch workspace',
    },
    mounts: [],
    isolation: [],
    syscalls: { note: 'not applicable' },
    environment: {
      base: { PATH: SANDBOX_PATH, HOME: '/tmp', LANG: 'C.UTF-8', TERM: 'dumb' },
      note: 'plus the variables the call sets; never the gateway\'s own environment; LD_*, BASH_ENV, ENV, PROMPT_COMMAND and similar are refused',
    },
  };
  if (where.kind === 'refuse') return out;

  let backend: SandboxBackend;
  try {
    backend = await selectBackend(where.kind === 'host' ? 'none' : where.provider, backends);
  } catch (err) {
    if (!(err instanceof SandboxUnavailable)) throw err;
    out.runs = 'unavailable';
    out.reason = err.message;
    return out;
  }
  out.backend = backend.name;
  const spec = {
    argv: shellArgv('<command>'), cwd: '.', env: {}, workspace, workspaceAccess: s.workspaceAccess,
    limits: s.limits, network, signal: new AbortController().signal,
  };
  if (backend.name === 'bwrap') {
    const plan = bwrapPlan(spec, hostLayout());
    out.mounts = plan.mounts;
    out.commandLine = ['bwrap', ...plan.args];
    out.isolation = [
      'namespaces: user, mount, pid, ipc, uts, cgroup and network, all new',
      `runs as uid 1000 (sandbox), no capabilities (--cap-drop ALL), no_new_privs, nested user namespaces disabled`,
      'a new session (no terminal to inject keystrokes into); killed with the gateway (--die-with-parent)',
      'the root, /dev and /etc are read-only; no home folder, no state folder, no docker socket, no host /proc',
    ];
    out.syscalls = describeSeccomp(seccompArch());
  } else if (backend instanceof ContainerBackend) {
    out.commandLine = [backend.name, ...backend.runArgs(spec, 'hardshell-<id>')];
    out.mounts = [
      { path: '/', what: `the image ${backend.image}, read-only (--read-only)`, access: 'ro' },
      { path: '/tmp', what: `private tmpfs, ${s.limits.tmpBytes} bytes`, access: 'rw' },
      ...(s.workspaceAccess === 'none' ? [] : [{ path: '/workspace', what: s.workspaceAccess === 'ro' ? 'scratch copy of the workspace (tmpfs)' : 'the workspace', access: 'rw' as const }]),
    ];
    out.isolation = ['a new container: --cap-drop ALL, --security-opt no-new-privileges, --read-only, --user 1000:1000, --network none, --pids-limit, --memory, --cpus 1'];
    out.syscalls = { ...describeSeccomp(seccompArch()), rules: ['the same denied calls, as an engine seccomp profile; clone with namespace flags and clone3 refused'] };
  } else {
    out.isolation = ['none: the command runs on the host as the gateway\'s user (sandbox.provider is "none"); only the limits and the clean environment apply'];
    out.mounts = [{ path: workspace, what: 'the host file system, as the gateway\'s user sees it', access: 'rw' }];
  }
  return out;
}
