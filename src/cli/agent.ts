// `hardshell agent`: one turn, in this process, no gateway needed. With --json the result is
// a stable object that scripts read (docs/cli.md).
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { printJson } from './io.ts';
import { renderEvent } from './render.ts';
import type { TurnResult } from '../agent/events.ts';

export function register(program: Command): void {
  program.command('agent')
    .description('run one agent turn with a message and print the reply')
    .requiredOption('-m, --message <text>', 'the message to send to the agent')
    .option('-a, --agent <id>', 'which agent answers', 'main')
    .option('-s, --session <key>', 'conversation to continue (made when new)', 'cli:default')
    .option('--json', 'print the whole result as JSON (reply, tool calls with decisions, session, usage)')
    .action(async (opts: { message: string; agent: string; session: string; json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        const result = await runtime.runner.runTurn({
          agentId: opts.agent, sessionKey: opts.session, message: opts.message, provenance: 'owner',
          signal: controller.signal,
          onEvent: opts.json ? undefined : (event) => renderEvent(event, process.stdout, process.stderr),
        });
        process.off('SIGINT', stop);
        if (opts.json) printJson(jsonResult(result));
        process.exitCode = result.stopReason === 'completed' ? 0 : 1;
      } finally {
        runtime.close();
      }
    });
}

/** The documented --json shape. Field order and names are a public interface. */
export function jsonResult(r: TurnResult): Record<string, unknown> {
  return {
    reply: r.reply,
    stopReason: r.stopReason,
    ...(r.error ? { error: r.error } : {}),
    agentId: r.agentId,
    sessionId: r.sessionId,
    sessionKey: r.sessionKey,
    toolCalls: r.toolCalls.map((c) => ({ id: c.id, tool: c.tool, args: c.args, decision: c.decision, reason: c.reason, rule: c.rule, ok: c.ok })),
    usage: r.usage,
    steps: r.steps,
  };
}
