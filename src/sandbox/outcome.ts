// Turning a finished process into a RunResult, and checks every backend applies to a spec.
import { posix } from 'node:path';
import { isAbsolute } from 'node:path';
import type { ProcessOutcome } from './process.ts';
import { SANDBOX_WORKSPACE, SandboxSpecError, type BackendName, type Limits, type RunResult, type RunSpec } from './types.ts';

const SIGXCPU_EXIT = 128 + 24;
const MEMORY_FAILURE = /MemoryError|Cannot allocate memory|out of memory|memory exhausted|std::bad_alloc|JavaScript heap out of memory/i;
const FORK_FAILURE = /fork: (?:retry: )?Resource temporarily unavailable|Cannot fork|can't fork|fork failed/i;

export function toResult(o: ProcessOutcome, backend: BackendName, pidsLimitHit = false): RunResult {
  const result: RunResult = {
    exitCode: o.exitCode, signal: o.signal, stdout: o.stdout, stderr: o.stderr,
    truncated: o.truncated, timedOut: o.timedOut && !o.truncated, durationMs: o.durationMs, backend,
  };
  if (o.truncated) result.killedBy = 'output';
  else if (pidsLimitHit || (o.exitCode !== 0 && FORK_FAILURE.test(o.stderr))) result.killedBy = 'processes';
  else if ((o.timedOut && !o.aborted) || o.exitCode === SIGXCPU_EXIT || o.signal === 'SIGXCPU') result.killedBy = 'time';
  else if (o.exitCode !== 0 && MEMORY_FAILURE.test(o.stderr)) result.killedBy = 'memory';
  return result;
}

/** The working folder inside the sandbox for a spec, after checking it stays in the workspace. */
export function sandboxCwd(spec: RunSpec): string {
  if (spec.workspaceAccess === 'none') return '/tmp';
  const rel = posix.normalize(spec.cwd || '.');
  if (posix.isAbsolute(rel) || rel === '..' || rel.startsWith('../')) {
    throw new SandboxSpecError(`the working folder ${JSON.stringify(spec.cwd)} is not inside the workspace`);
  }
  return rel === '.' ? SANDBOX_WORKSPACE : posix.join(SANDBOX_WORKSPACE, rel);
}

export function checkSpec(spec: RunSpec): void {
  if (!Array.isArray(spec.argv) || spec.argv.length === 0 || spec.argv.some((a) => typeof a !== 'string' || a.includes('\0'))) {
    throw new SandboxSpecError('the command is empty or has an argument with a NUL character');
  }
  if (spec.workspaceAccess !== 'none' && !isAbsolute(spec.workspace)) throw new SandboxSpecError('the workspace path must be absolute');
  if (!['none', 'ro', 'rw'].includes(spec.workspaceAccess)) throw new SandboxSpecError(`workspaceAccess must be none, ro or rw, not ${JSON.stringify(spec.workspaceAccess)}`);
  checkLimits(spec.limits);
}

export function checkLimits(limits: Limits): void {
  for (const key of ['wallMs', 'cpuSeconds', 'memoryBytes', 'processes', 'openFiles', 'outputBytes', 'tmpBytes'] as const) {
    const v = limits[key];
    if (!Number.isFinite(v) || v <= 0 || !Number.isInteger(v)) throw new SandboxSpecError(`limits.${key} must be a whole number above 0, got ${v}`);
  }
  if (limits.processes < 4) throw new SandboxSpecError('limits.processes must be at least 4 (the sandbox itself needs a few)');
  if (limits.openFiles < 16) throw new SandboxSpecError('limits.openFiles must be at least 16');
}
