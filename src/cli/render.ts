// How a turn looks in a terminal: the reply streams to stdout; tool calls, decisions and
// problems go to stderr so that piping stdout keeps only the reply.
import type { TurnEvent } from '../agent/events.ts';

interface Out { write(s: string): unknown }

const MAX_SHOWN = 160;

export function renderEvent(event: TurnEvent, out: Out, err: Out): void {
  switch (event.type) {
    case 'text': out.write(event.delta); break;
    case 'tool_call': err.write(`\n  → ${event.tool} ${clip(JSON.stringify(event.args))}\n`); break;
    case 'decision': err.write(`    ${event.decision}: ${event.reason}\n`); break;
    case 'tool_result': err.write(`    ${event.ok ? 'ok' : 'failed'}: ${clip(event.output.replace(/\s+/g, ' '))}\n`); break;
    case 'notice': err.write(`\nnote: ${event.message}\n`); break;
    case 'error': err.write(`\nhardshell: ${event.message}\n`); break;
    case 'done': if (event.result.reply && !event.result.reply.endsWith('\n')) out.write('\n'); break;
    case 'turn_start': break;
  }
}

function clip(s: string): string {
  // Strip terminal control characters so a tool result cannot repaint the user's screen.
  const clean = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
}
