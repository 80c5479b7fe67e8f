// Runs one host process (bwrap, docker, or the sandboxed command itself for provider "none")
// with the limits hardshell enforces from outside: wall time, cancellation and an output cap.
// Whatever happens, the whole process group is killed and the promise settles.
import { spawn } from 'node:child_process';

export interface ProcessSpec {
  file: string;
  args: string[];
  /** The process's whole environment. */
  env: Record<string, string>;
  cwd?: string;
  /** Extra descriptors, handed to the child as fds 3, 4, ... (closed here once it started). */
  fds?: number[];
  wallMs: number;
  outputBytes: number;
  signal: AbortSignal;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/** How long the pipes may stay open after the process exited (a daemon holding them). */
const DRAIN_MS = 200;

export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (spec.signal.aborted) {
      resolve({ exitCode: null, signal: null, stdout: '', stderr: '', truncated: false, timedOut: true, aborted: true, durationMs: 0 });
      return;
    }
    const child = spawn(spec.file, spec.args, {
      stdio: ['ignore', 'pipe', 'pipe', ...(spec.fds ?? [])],
      env: spec.env,
      cwd: spec.cwd ?? '/',
      // Its own process group, so a kill reaches everything it started.
      detached: true,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let used = 0;
    let truncated = false;
    let timedOut = false;
    let aborted = false;
    let settled = false;

    const kill = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        try { child.kill('SIGKILL'); } catch { /* already gone */ }
      }
    };
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      if (truncated) return;
      const room = spec.outputBytes - used;
      if (chunk.length > room) {
        if (room > 0) into.push(chunk.subarray(0, room));
        used = spec.outputBytes;
        truncated = true;
        // Stop reading at once: the rest is never buffered.
        child.stdout?.destroy();
        child.stderr?.destroy();
        kill();
        return;
      }
      used += chunk.length;
      into.push(chunk);
    };
    child.stdout!.on('data', take(out));
    child.stderr!.on('data', take(err));
    child.stdout!.on('error', () => {});
    child.stderr!.on('error', () => {});

    const timer = setTimeout(() => { timedOut = true; kill(); }, spec.wallMs);
    const onAbort = () => { aborted = true; timedOut = true; kill(); };
    spec.signal.addEventListener('abort', onAbort, { once: true });
    let drain: NodeJS.Timeout | undefined;

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (drain) clearTimeout(drain);
      spec.signal.removeEventListener('abort', onAbort);
      resolve({
        exitCode, signal, truncated, timedOut, aborted,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: performance.now() - started,
      });
    };
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      spec.signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      // Anything left in the group goes too; then give the pipes a moment to drain.
      kill();
      drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      }, DRAIN_MS);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
