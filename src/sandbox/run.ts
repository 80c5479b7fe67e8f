// The one entry point tools use: run a command for an agent, in the sandbox its settings
// call for. It never falls back to something weaker: a refusal or a missing backend is an
// error whose message says how to fix it, and then nothing has run.
import { selectBackend } from './select.ts';
import { placement, type ResolvedSandbox } from './settings.ts';
import type { BackendName, NetworkSpec, RunResult, SandboxBackend } from './types.ts';

/** The agent's settings do not allow commands to run at all (mode off without provider "none"). */
export class SandboxRefused extends Error {
  override name = 'SandboxRefused';
}

export interface CommandRequest {
  argv: string[];
  /** Relative to the workspace. */
  cwd: string;
  env: Record<string, string>;
  /** Absolute real path of the agent's workspace. */
  workspace: string;
  /** Overrides the settings' wall-time limit (already capped by the caller). */
  wallMs?: number;
  signal: AbortSignal;
}

export interface CommandOptions {
  /** The backends to choose from (tests and the CLI pass their own); the process's own by default. */
  backends?: Map<BackendName, SandboxBackend>;
}

export async function runCommand(settings: ResolvedSandbox, request: CommandRequest, options: CommandOptions = {}): Promise<RunResult> {
  const where = placement(settings);
  if (where.kind === 'refuse') throw new SandboxRefused(`${where.reason}. Nothing was run.`);
  const backend = await selectBackend(where.kind === 'host' ? 'none' : where.provider, options.backends);
  return backend.run({
    argv: request.argv,
    cwd: request.cwd,
    env: request.env,
    workspace: request.workspace,
    workspaceAccess: settings.workspaceAccess,
    limits: request.wallMs ? { ...settings.limits, wallMs: request.wallMs } : settings.limits,
    network: networkFor(settings),
    signal: request.signal,
    ...(where.kind === 'host' ? { hostReason: where.reason } : {}),
  });
}

/** Network only through the egress proxy, only when domains are allowed and the proxy runs. */
export function networkFor(settings: ResolvedSandbox): NetworkSpec {
  return settings.allowedDomains.length > 0 && settings.proxySocket ? { proxySocket: settings.proxySocket } : 'none';
}
