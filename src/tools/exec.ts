// `exec`: runs a shell command, always through the sandbox the agent's settings call for
// (OpenClaw's name and parameters: command, workdir, timeout, env). It never falls back to
// the host: a missing sandbox is an error that says what to install, and nothing runs.
import { statSync } from 'node:fs';
import { z } from 'zod';
import type { EffectiveAgent } from '../config/agents.ts';
import { resolveInside } from '../safe-fs/index.ts';
import {
  runCommand, resolveSandbox, shellArgv, envNameProblem, placement, selectBackend, SandboxRefused, SandboxSpecError, SandboxUnavailable,
  type BackendName, type ResolvedSandbox, type RunResult, type SandboxBackend,
} from '../sandbox/index.ts';
import { ToolError, type ToolDef } from './types.ts';
import { fsCall } from './file-common.ts';

/** The longest a command may ask to run (the default is the settings' limits.wallMs). */
export const MAX_TIMEOUT_SECONDS = 30 * 60;
const MAX_COMMAND_CHARS = 64 * 1024;
/** What of the output the model is shown; the sandbox collects up to limits.outputBytes. */
const SHOWN_CHARS = 60_000;

const input = z.strictObject({
  command: z.string().min(1).max(MAX_COMMAND_CHARS).describe('Shell command to run (by /bin/sh -c, inside the sandbox, in the workspace)'),
  workdir: z.string().min(1).optional().describe('Folder to run in, relative to the workspace (default: the workspace root)'),
  timeout: z.number().positive().max(MAX_TIMEOUT_SECONDS).optional().describe('Seconds before the command is killed (default 60)'),
  env: z.record(z.string().superRefine((name, ctx) => {
    const problem = envNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} ${problem}` });
  }), z.string().max(32 * 1024)).optional().describe('Extra environment variables for the command'),
});

/** The sandbox settings exec runs with for an agent (the runner puts them in ToolContext.sandbox). */
export function execSandboxFor(agent: Pick<EffectiveAgent, 'id' | 'sandbox' | 'workspace'>, mainWorkspace: string, proxySocket?: string): ResolvedSandbox {
  return resolveSandbox(agent.id, agent.sandbox, { sharesMainWorkspace: agent.workspace === mainWorkspace, proxySocket });
}

/** Whether commands with these settings would run in a sandbox that works here (for sessions_spawn's sandbox "require"). */
export async function sandboxReady(settings: ResolvedSandbox, backends?: Map<BackendName, SandboxBackend>): Promise<{ ok: true; backend: BackendName } | { ok: false; why: string }> {
  const where = placement(settings);
  if (where.kind !== 'sandbox') return { ok: false, why: where.reason };
  try {
    return { ok: true, backend: (await selectBackend(where.provider, backends)).name };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

export interface ExecToolOptions {
  /** Backends to choose from; the process's own by default (tests pass their own). */
  backends?: Map<BackendName, SandboxBackend>;
}

export function makeExecTool(options: ExecToolOptions = {}): ToolDef<typeof input> {
  return {
    name: 'exec',
    description: 'Run a shell command in a sandbox with the workspace mounted at /workspace (its working folder). The sandbox has no network unless domains are allowed for this agent, a private /tmp, and limits on time, memory, processes and output. Returns the exit code, stdout and stderr.',
    input,
    sideEffect: true,
    async run(args, ctx) {
      const settings = ctx.sandbox ?? resolveSandbox(ctx.agentId, undefined);
      let cwd = '.';
      if (args.workdir !== undefined) {
        if (settings.workspaceAccess === 'none') throw new ToolError('exec refused: workdir was given, but this agent\'s sandbox has no workspace (sandbox.workspaceAccess is "none")');
        const where = await fsCall('exec', () => resolveInside(ctx.workspace, args.workdir!, 'exec'));
        if (!where.real || !statSync(where.real).isDirectory()) throw new ToolError(`exec failed: workdir ${JSON.stringify(args.workdir)} is not a folder in the workspace`);
        cwd = where.rel;
      }
      const wallMs = args.timeout !== undefined ? Math.ceil(args.timeout * 1000) : undefined;
      let result: RunResult;
      try {
        result = await runCommand(settings, {
          // Granted secrets win over anything the model put in env.
          argv: shellArgv(args.command), cwd, env: { ...args.env, ...ctx.grantedEnv }, workspace: ctx.workspace, wallMs, signal: ctx.signal,
        }, { backends: options.backends });
      } catch (err) {
        if (err instanceof SandboxUnavailable || err instanceof SandboxRefused || err instanceof SandboxSpecError) throw new ToolError(err.message);
        throw err;
      }
      ctx.sandboxRan?.(result);
      // Redact before formatResult cuts the output: a cut through a secret would leave half of it.
      const shown = ctx.redact ? { ...result, stdout: ctx.redact(result.stdout), stderr: ctx.redact(result.stderr) } : result;
      return { ok: result.exitCode === 0 && !result.timedOut && !result.truncated, output: formatResult(shown, settings.limits.outputBytes, wallMs ?? settings.limits.wallMs) };
    },
  };
}

export const execTool = makeExecTool();

/** Exit code, then stdout and stderr, each cut to what the model can be shown, with notes saying why. */
export function formatResult(r: RunResult, outputBytes: number, wallMs: number): string {
  const lines: string[] = [];
  if (r.exitCode !== null) lines.push(`exit code: ${r.exitCode}`);
  else lines.push(`exit code: none (killed by ${r.signal ?? 'a signal'})`);
  if (r.killedBy === 'time' || (r.timedOut && !r.killedBy)) lines.push(`[stopped: the command ran past its time limit (${Math.round(wallMs / 1000)} s) or was cancelled]`);
  if (r.killedBy === 'output') lines.push(`[stopped: the output went past ${outputBytes} bytes; the command was killed and its output cut at ${outputBytes} bytes]`);
  if (r.killedBy === 'processes') lines.push('[the command hit the sandbox\'s limit on processes]');
  if (r.killedBy === 'memory') lines.push('[the command ran out of memory (the sandbox\'s memory limit)]');
  const errBudget = Math.min(r.stderr.length, Math.max(SHOWN_CHARS / 4, SHOWN_CHARS - r.stdout.length));
  const outBudget = SHOWN_CHARS - errBudget;
  if (r.stdout) lines.push('[stdout]', cut(r.stdout, outBudget));
  if (r.stderr) lines.push('[stderr]', cut(r.stderr, errBudget));
  if (!r.stdout && !r.stderr) lines.push('[no output]');
  return lines.join('\n');
}

function cut(text: string, chars: number): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body.length <= chars) return body;
  return `${body.slice(0, chars)}\n[cut at ${chars} characters of ${Buffer.byteLength(text)} bytes]`;
}
