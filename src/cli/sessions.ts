// `hardshell sessions list|show`: what conversations exist and what was said in them,
// with where each item came from.
import type { Command } from 'commander';
import { openRuntime } from './runtime.ts';
import { printJson, say, UserError } from './io.ts';

export function register(program: Command): void {
  const sessions = program.command('sessions').description('list conversations and show their transcripts');
  sessions.command('list')
    .description('list sessions, most recent first')
    .option('--limit <n>', 'how many', (v) => positiveInt(v, '--limit'), 50)
    .option('--json', 'print JSON')
    .action((opts: { limit: number; json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const rows = runtime.sessions.list(opts.limit);
        if (opts.json) return printJson({ sessions: rows });
        if (rows.length === 0) return say('no sessions yet');
        for (const s of rows) say(`${s.id}  ${s.agentId.padEnd(10)} ${s.key.padEnd(24)} ${s.updatedAt}`);
      } finally {
        runtime.close();
      }
    });
  sessions.command('show')
    .description('show one session\'s transcript, each item with its provenance')
    .argument('<session>', 'session id or key')
    .option('--json', 'print JSON')
    .action((idOrKey: string, opts: { json?: boolean }) => {
      const runtime = openRuntime();
      try {
        const session = runtime.sessions.get(idOrKey);
        if (!session) throw new UserError(`no session "${idOrKey}"; run "hardshell sessions list" to see them`);
        const items = runtime.sessions.items(session.id);
        if (opts.json) return printJson({ session, items });
        say(`session ${session.id} (agent ${session.agentId}, key ${session.key})`);
        for (const item of items) say(`#${item.seq} ${item.role} [${item.provenance}${item.source ? `, untrusted: ${item.source}` : ''}] ${summarize(item.content)}`);
      } finally {
        runtime.close();
      }
    });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} takes a whole number of 1 or more, got "${value}"`);
  return n;
}

function summarize(content: unknown): string {
  const c = content as { content?: unknown };
  if (typeof c?.content === 'string') return c.content;
  if (Array.isArray(c?.content)) {
    return c.content.map((p: any) => p.type === 'text' ? p.text
      : p.type === 'tool-call' ? `call ${p.toolName} ${JSON.stringify(p.input)}`
      : p.type === 'tool-result' ? `result ${p.toolName}: ${String(p.output?.value ?? '').slice(0, 200)}`
      : p.type).join(' | ');
  }
  return JSON.stringify(content);
}
