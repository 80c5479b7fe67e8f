// provider "none": the command runs on the host, as the gateway's user, with only the limits
// (time, output, rlimits) and a clean environment. Used only when the config says so in so
// many words, or for one exec call a person approved under tools.elevated; every run logs a
// warning, and `security audit` reports both settings.
import { innerArgv } from './inner.ts';
import { runProcess } from './process.ts';
import { checkSpec, toResult } from './outcome.ts';
import { sandboxEnv } from './env.ts';
import { isAbsolute, resolve, relative, sep } from 'node:path';
import { SandboxSpecError, type Availability, type RunResult, type RunSpec, type SandboxBackend } from './types.ts';

export type Warn = (message: string) => void;

const stderrWarn: Warn = (message) => process.stderr.write(`hardshell: warning: ${message}\n`);

export class HostBackend implements SandboxBackend {
  readonly name = 'none' as const;
  private readonly warn: Warn;

  constructor(options: { warn?: Warn } = {}) {
    this.warn = options.warn ?? stderrWarn;
  }

  async available(): Promise<Availability> {
    return { ok: true };
  }

  async run(spec: RunSpec): Promise<RunResult> {
    checkSpec(spec);
    if (spec.workspaceAccess === 'ro') throw new SandboxSpecError('provider "none" cannot keep the workspace read-only (workspaceAccess "ro"): use a sandbox backend, or workspaceAccess "rw"');
    if (spec.network !== 'none') throw new SandboxSpecError('provider "none" cannot route a command\'s traffic through the egress proxy; use a sandbox backend for commands that need network');
    this.warn(`a command is running on the host without a sandbox: ${spec.hostReason ?? 'sandbox.provider is "none" in the config'}`);
    const cwd = spec.workspaceAccess === 'none' ? '/tmp' : hostCwd(spec.workspace, spec.cwd);
    const argv = innerArgv({ setLimits: true, limits: spec.limits, scratchCopy: false, relay: null, cwd, argv: spec.argv });
    const outcome = await runProcess({
      file: argv[0], args: argv.slice(1), env: sandboxEnv(spec.env, 'none', { home: '/tmp', workspace: spec.workspaceAccess === 'none' ? '' : spec.workspace }),
      wallMs: spec.limits.wallMs, outputBytes: spec.limits.outputBytes, signal: spec.signal,
    });
    return toResult(outcome, 'none');
  }
}

function hostCwd(workspace: string, rel: string): string {
  const full = resolve(workspace, rel || '.');
  const back = relative(workspace, full);
  if (isAbsolute(rel) || back === '..' || back.startsWith(`..${sep}`)) throw new SandboxSpecError(`the working folder ${JSON.stringify(rel)} is not inside the workspace`);
  return full;
}
