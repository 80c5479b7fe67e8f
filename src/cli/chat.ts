// `hardshell chat`: an interactive conversation in the terminal, streaming, with every tool
// call and the decision about it shown as it happens.
import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { randomUUID } from 'node:crypto';
import { openRuntime } from './runtime.ts';
import { renderEvent } from './render.ts';
import { formatApproval } from './approvals.ts';
import type { ApprovalRecord } from '../approvals/store.ts';
import type { ApprovalChoice } from '../approvals/types.ts';

export function register(program: Command): void {
  program.command('chat')
    .description('talk with an agent in this terminal (type /exit to leave, /new for a fresh session)')
    .option('-a, --agent <id>', 'which agent answers', 'main')
    .option('-s, --session <key>', 'conversation to continue', 'cli:chat')
    .action(async (opts: { agent: string; session: string }) => {
      // `ask` shows the request here and waits for y / a / n, while `hardshell approvals`
      // elsewhere may answer first; silence until the timeout is no.
      const approvalPrompt = async (record: ApprovalRecord, signal: AbortSignal): Promise<ApprovalChoice | null> => {
        process.stderr.write(`\n  approval needed:\n${formatApproval(record).replace(/^/gm, '    ')}\n`);
        try {
          const reply = (await rl.question('  run it? [y] once, [a] always this exact call, [n] no: ', { signal })).trim().toLowerCase();
          return reply === 'y' || reply === 'yes' ? 'once' : reply === 'a' || reply === 'always' ? 'always' : 'deny';
        } catch {
          return null; // answered elsewhere, timed out, or input closed
        }
      };
      const runtime = openRuntime(process.env, { approvals: { prompt: approvalPrompt } });
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
      let session = opts.session;
      let turn: AbortController | null = null;
      // Ctrl-C during a turn cancels the turn; at the prompt it leaves.
      rl.on('SIGINT', () => (turn ? turn.abort() : rl.close()));
      process.stderr.write(`hardshell chat — agent "${opts.agent}", session "${session}". /exit to leave, /new for a fresh session.\n`);
      try {
        for (;;) {
          let line: string;
          try {
            line = (await rl.question('you> ')).trim();
          } catch {
            break; // input closed
          }
          if (!line) continue;
          if (line === '/exit' || line === '/quit') break;
          if (line === '/new') {
            session = `cli:chat:${randomUUID().slice(0, 8)}`;
            process.stderr.write(`new session "${session}"\n`);
            continue;
          }
          turn = new AbortController();
          process.stdout.write('agent> ');
          await runtime.runner.runTurn({
            agentId: opts.agent, sessionKey: session, message: line, provenance: 'owner', signal: turn.signal,
            onEvent: (event) => renderEvent(event, process.stdout, process.stderr),
          });
          turn = null;
        }
      } finally {
        rl.close();
        runtime.close();
      }
    });
}
