// `sessions_spawn`: hands a task to a sub-agent and returns its answer (OpenClaw's name and
// the seeds' parameters: task, sandbox, runtime, mode, cleanup). The child never has more
// than its parent: the turn (agent/subagents.ts) narrows its tools, keeps the parent's taint
// and sandbox, and gives it a copy of the workspace to work in, so nothing it writes lands
// in the parent's files. Spawning is a side effect, so a tainted session asks first.
import { z } from 'zod';
import { ToolError, type ToolDef } from './types.ts';

const MAX_TASK_CHARS = 20_000;

const input = z.strictObject({
  task: z.string().min(1).max(MAX_TASK_CHARS).describe('What the sub-agent should do, with everything it needs to know: it does not see this conversation'),
  label: z.string().max(80).optional().describe('A short name for the sub-agent, shown in its session key'),
  agentId: z.string().optional().describe('The agent to run the task as; only the current agent is supported'),
  runtime: z.enum(['subagent']).optional().describe('Always "subagent"'),
  mode: z.enum(['run', 'session']).optional().describe('"run": the sub-agent does the task once and its answer is returned (the only mode supported)'),
  sandbox: z.enum(['require', 'inherit']).optional().describe('"require": refuse unless the sub-agent\'s commands would run in a working sandbox; "inherit" (default): the agent\'s own sandbox settings'),
  cleanup: z.enum(['delete', 'keep']).optional().describe('"delete": remove the sub-agent\'s workspace copy and transcript when it is done; "keep" (default): keep them for the owner to look at'),
  tools: z.array(z.string().min(1)).max(50).optional().describe('Tools the sub-agent needs; it gets only those you have too (default: yours)'),
  runTimeoutSeconds: z.number().positive().max(3600).optional().describe('Seconds before the sub-agent is stopped (default: the agent\'s turn limit)'),
});

export const sessionsSpawnTool: ToolDef<typeof input> = {
  name: 'sessions_spawn',
  description: 'Start a sub-agent on a task and wait for its answer. It works in its own copy of the workspace (its file changes do not reach yours), with at most your tools, and its commands run in a sandbox. Use it for work you want kept apart, such as trying out an untrusted script.',
  input,
  sideEffect: true,
  async run(args, ctx) {
    if (args.mode === 'session') throw new ToolError('sessions_spawn refused: mode "session" (a sub-agent that stays for later messages) is not supported; use mode "run"');
    if (args.agentId !== undefined && args.agentId !== ctx.agentId) {
      throw new ToolError(`sessions_spawn refused: a sub-agent runs as the same agent ("${ctx.agentId}"), not "${args.agentId}"; leave agentId out`);
    }
    if (!ctx.subagents) throw new ToolError('sessions_spawn is not available here: sub-agents need the agent runner');
    const result = await ctx.subagents.spawn({
      task: args.task,
      sandbox: args.sandbox ?? 'inherit',
      cleanup: args.cleanup ?? 'keep',
      tools: args.tools,
      label: args.label,
      timeoutMs: args.runTimeoutSeconds === undefined ? undefined : Math.ceil(args.runTimeoutSeconds * 1000),
    }, ctx.signal);
    const head = [
      `sub-agent ${result.sessionKey} ${result.stopReason === 'completed' ? 'finished' : `stopped (${result.stopReason})`} after ${result.steps} step(s)`,
      `tools: ${result.tools.join(', ') || 'none'}`,
      result.kept ? 'its workspace copy and transcript were kept' : 'its workspace copy and transcript were deleted',
    ];
    if (result.error) head.push(`error: ${result.error}`);
    const output = `${head.join('\n')}\n[answer]\n${result.reply || '(no answer)'}`;
    // What a tainted child says may carry an attacker's words: the parent gets it as untrusted.
    return { ok: result.stopReason === 'completed', output, ...(result.taintedBy ? { untrusted: `agent:${result.sessionKey}` } : {}) };
  },
};
