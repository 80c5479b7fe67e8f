// The docker and podman backends: one throw-away container per run, with the seeds' flags
// (--cap-drop ALL, no-new-privileges, --read-only, --user 1000:1000, --network none,
// --pids-limit, --memory, --cpus), hardshell's syscall policy as a seccomp profile, and the
// same setup lines as bwrap inside (scratch copy of a read-only workspace, relay, cwd).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runProcess } from './process.ts';
import { innerArgv, PROXY_SOCKET, WORKSPACE_SOURCE } from './inner.ts';
import { checkSpec, sandboxCwd, toResult } from './outcome.ts';
import { sandboxEnv } from './env.ts';
import { CLONE_NAMESPACE_FLAGS, DENIED_SYSCALLS } from './seccomp.ts';
import {
  SANDBOX_GID, SANDBOX_UID, SANDBOX_WORKSPACE, SandboxUnavailable,
  type Availability, type RunResult, type RunSpec, type SandboxBackend,
} from './types.ts';

export type Engine = 'docker' | 'podman';

/** The image used unless another is given; it needs /bin/sh and cp (socat for network). */
export const DEFAULT_IMAGE = 'debian:bookworm-slim';

const INSTALL: Record<Engine, string> = {
  docker: 'install and start Docker: "apt-get install docker.io && systemctl start docker" (or Docker Desktop), and let the gateway\'s user reach the engine',
  podman: 'install podman: "apt-get install podman" (Debian, Ubuntu) or "dnf install podman" (Fedora)',
};

export interface ContainerOptions {
  engine: Engine;
  /** The docker/podman program; found on PATH when not given. */
  binary?: string | null;
  image?: string;
}

export class ContainerBackend implements SandboxBackend {
  readonly name: Engine;
  readonly image: string;
  private readonly binary: string | null;
  private probe: Promise<Availability> | undefined;
  private profile: string | undefined;

  constructor(options: ContainerOptions) {
    this.name = options.engine;
    this.image = options.image ?? DEFAULT_IMAGE;
    this.binary = options.binary !== undefined ? options.binary : findOnPath(options.engine);
  }

  available(): Promise<Availability> {
    this.probe ??= this.check();
    return this.probe;
  }

  private async check(): Promise<Availability> {
    const engine = this.name;
    if (!this.binary) return { ok: false, why: `${engine} is not installed`, install: INSTALL[engine] };
    const info = await this.client(engine === 'docker' ? ['info', '--format', '{{.ServerVersion}}'] : ['info', '--format', '{{.Version.Version}}'], 5_000);
    if (info.exitCode !== 0) {
      const said = lastLine(info.stderr) || (info.timedOut ? 'it did not answer within 5 s' : `exit code ${info.exitCode}`);
      return { ok: false, why: `no ${engine} engine answers (${said})`, install: INSTALL[engine] };
    }
    const image = await this.client(['image', 'inspect', '--format', '{{.Id}}', this.image], 10_000);
    if (image.exitCode !== 0) {
      return { ok: false, why: `the image ${this.image} is not present`, install: `"${engine} pull ${this.image}" (or build an image with /bin/sh and cp, and name it in the sandbox settings)` };
    }
    return { ok: true };
  }

  private client(args: string[], wallMs: number) {
    return runProcess({
      file: this.binary!, args, env: clientEnv(), wallMs, outputBytes: 64 * 1024, signal: new AbortController().signal,
    });
  }

  async run(spec: RunSpec): Promise<RunResult> {
    const ok = await this.available();
    if (!ok.ok) throw new SandboxUnavailable(`the ${this.name} sandbox cannot run here: ${ok.why}. To fix: ${ok.install}`, ok.install);
    checkSpec(spec);
    const name = `hardshell-${randomBytes(8).toString('hex')}`;
    const args = this.runArgs(spec, name);
    try {
      const outcome = await runProcess({
        file: this.binary!, args, env: clientEnv(),
        wallMs: spec.limits.wallMs, outputBytes: spec.limits.outputBytes, signal: spec.signal,
      });
      if (outcome.timedOut || outcome.truncated) await this.client(['rm', '-f', name], 10_000);
      return toResult(outcome, this.name);
    } catch (err) {
      await this.client(['rm', '-f', name], 10_000);
      throw err;
    }
  }

  /** The `docker run` arguments for a spec (exported for `sandbox explain` and tests). */
  runArgs(spec: RunSpec, name: string): string[] {
    const l = spec.limits;
    const args = [
      'run', '--rm', '--name', name, '--label', 'hardshell=sandbox', '--hostname', 'sandbox',
      '--network', 'none', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '--security-opt', `seccomp=${this.seccompProfile()}`, '--read-only',
      ...this.userArgs(), '--pids-limit', String(l.processes),
      '--memory', String(l.memoryBytes), '--memory-swap', String(l.memoryBytes), '--cpus', '1',
      '--ulimit', `nofile=${l.openFiles}:${l.openFiles}`, '--ulimit', `cpu=${Math.ceil(l.cpuSeconds)}:${Math.ceil(l.cpuSeconds)}`,
      '--ulimit', 'core=0', '--tmpfs', `/tmp:rw,nosuid,nodev,size=${l.tmpBytes},mode=1777`,
      '--workdir', '/',
    ];
    if (spec.workspaceAccess === 'rw') args.push('--mount', `type=bind,src=${spec.workspace},dst=${SANDBOX_WORKSPACE}`);
    if (spec.workspaceAccess === 'ro') {
      args.push('--mount', `type=bind,src=${spec.workspace},dst=${WORKSPACE_SOURCE},readonly`);
      // Owned by the container's user, so the copy can keep modes and times.
      const [uid, gid] = this.userArgs().at(-1)!.split(':');
      args.push('--tmpfs', `${SANDBOX_WORKSPACE}:rw,nosuid,nodev,size=${l.tmpBytes},mode=0755,uid=${uid},gid=${gid}`);
    }
    if (spec.network !== 'none') args.push('--mount', `type=bind,src=${spec.network.proxySocket},dst=${PROXY_SOCKET}`);
    for (const [k, v] of Object.entries(sandboxEnv(spec.env, spec.network))) args.push('--env', `${k}=${v}`);
    args.push(this.image, ...innerArgv({
      setLimits: false, limits: l, scratchCopy: spec.workspaceAccess === 'ro',
      relay: spec.network !== 'none' ? 'socat' : null, cwd: sandboxCwd(spec), argv: spec.argv,
    }));
    return args;
  }

  /**
   * The container's user: never root. A gateway running as a normal user runs containers as
   * itself (podman rootless keeps that id), so the workspace is its own; a gateway running as
   * root uses 1000:1000, the seeds' flag, and the workspace must then be open to that user.
   */
  private userArgs(): string[] {
    const uid = process.getuid?.() ?? SANDBOX_UID;
    const gid = process.getgid?.() ?? SANDBOX_GID;
    if (uid === 0) return ['--user', `${SANDBOX_UID}:${SANDBOX_GID}`];
    return [...(this.name === 'podman' ? ['--userns=keep-id'] : []), '--user', `${uid}:${gid}`];
  }

  /** hardshell's syscall policy in the engine's seccomp-profile format (written once per process). */
  private seccompProfile(): string {
    if (this.profile) return this.profile;
    const dir = mkdtempSync(join(tmpdir(), 'hardshell-seccomp-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'seccomp.json');
    writeFileSync(file, JSON.stringify(containerSeccompProfile()), { mode: 0o644 });
    this.profile = file;
    return file;
  }
}

export function containerSeccompProfile(): object {
  const flags: number[] = [];
  for (let bit = 1; bit <= 0x40000000; bit *= 2) if (CLONE_NAMESPACE_FLAGS & bit) flags.push(bit);
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
    syscalls: [
      { names: Object.keys(DENIED_SYSCALLS), action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ...flags.map((flag) => ({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }] })),
    ],
  };
}

function findOnPath(name: string): string | null {
  const dirs = ['/usr/bin', '/usr/local/bin', '/bin', ...(process.env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/'))];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
}

/** The client needs to find its engine, nothing else of the gateway's environment. */
function clientEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin' };
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'CONTAINER_HOST', 'XDG_RUNTIME_DIR', 'HOME']) {
    if (process.env[k]) env[k] = process.env[k]!;
  }
  return env;
}

function lastLine(text: string): string {
  return (text.trim().split('\n').pop() ?? '').slice(0, 300);
}
