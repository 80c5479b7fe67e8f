// The one interface every sandbox backend implements, and what a run asks for and gets back.
// A backend never falls back to something weaker: when it cannot give what the spec asks
// for, run() throws SandboxUnavailable and nothing has started.

export type WorkspaceAccess = 'none' | 'ro' | 'rw';
export type ProviderName = 'auto' | 'bwrap' | 'docker' | 'podman' | 'none';
export type BackendName = Exclude<ProviderName, 'auto'>;

/** `none`: no network at all. `proxySocket`: only the egress proxy, reached through this unix socket. */
export type NetworkSpec = 'none' | { proxySocket: string };

export interface Limits {
  /** Wall-clock time, after which the whole sandbox is killed. */
  wallMs: number;
  /** CPU time (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Address space (RLIMIT_AS); container backends use it as the memory limit. */
  memoryBytes: number;
  /** Processes and threads of the sandbox (RLIMIT_NPROC, and a pids cgroup where one can be made). */
  processes: number;
  /** Open files per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** stdout and stderr together; reading stops at the cap and the sandbox is killed. */
  outputBytes: number;
  /** Size of the private /tmp (and of the scratch copy of a read-only workspace). */
  tmpBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  wallMs: 60_000,
  cpuSeconds: 60,
  memoryBytes: 1024 * 1024 * 1024,
  processes: 128,
  openFiles: 256,
  outputBytes: 1024 * 1024,
  tmpBytes: 128 * 1024 * 1024,
});

export interface RunSpec {
  /** The program and its arguments, run inside the sandbox (use shellArgv() for a shell command). */
  argv: string[];
  /** Working folder, relative to the workspace ('.' for its root). Ignored when workspaceAccess is 'none'. */
  cwd: string;
  /** The command's whole environment besides PATH/HOME/LANG/TERM: never the gateway's own. */
  env: Record<string, string>;
  /** Absolute real path of the workspace on the host. */
  workspace: string;
  workspaceAccess: WorkspaceAccess;
  limits: Limits;
  network: NetworkSpec;
  signal: AbortSignal;
  /** For the host backend: why this command runs on the host, for its warning (placement's reason). */
  hostReason?: string;
}

export interface RunResult {
  /** null when the process was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The output went past limits.outputBytes and was cut there. */
  truncated: boolean;
  /** The run went past limits.wallMs (or was cancelled) and was killed. */
  timedOut: boolean;
  /** Which limit stopped the run, when hardshell can tell. */
  killedBy?: 'memory' | 'time' | 'output' | 'processes';
  durationMs: number;
  backend: BackendName;
}

export type Availability = { ok: true } | { ok: false; why: string; install: string };

export interface SandboxBackend {
  readonly name: BackendName;
  available(): Promise<Availability>;
  run(spec: RunSpec): Promise<RunResult>;
}

/** No sandbox can run here (or the configured one cannot). The message says what to install. */
export class SandboxUnavailable extends Error {
  override name = 'SandboxUnavailable';
  readonly install: string;
  constructor(message: string, install: string) {
    super(message);
    this.install = install;
  }
}

/** The spec asked for something invalid (a cwd outside the workspace, a bad limit, ...). */
export class SandboxSpecError extends Error {
  override name = 'SandboxSpecError';
}

/** A shell command, run by /bin/sh -c inside the sandbox. */
export function shellArgv(command: string): string[] {
  return ['/bin/sh', '-c', command];
}

/** Where the workspace appears inside every sandbox. */
export const SANDBOX_WORKSPACE = '/workspace';
/** Where the proxy relay listens inside a sandbox that has network. */
export const RELAY_PORT = 3128;
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;
