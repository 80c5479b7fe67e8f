// What the model is shown at the start of each step: the system prompt, the workspace's
// AGENTS.md if present, and the session's transcript.
import type { ModelMessage } from 'ai';
import type { TranscriptItem } from '../sessions/store.ts';
import { readText } from '../safe-fs/index.ts';

/** A bootstrap file larger than this is cut: it is loaded into every prompt. */
const BOOTSTRAP_MAX_BYTES = 64 * 1024;

const BASE_PROMPT = [
  'You are an assistant running inside hardshell, a gateway that enforces security policy outside the model.',
  'You work inside one workspace folder; file paths are relative to it.',
  'Some tool calls may be refused by policy or wait for a person to approve them: when a call is refused, do not try to work around the refusal; tell the user what was refused and why.',
].join('\n');

/** AGENTS.md is read through safe-fs like any other workspace file, so a symlink cannot smuggle in an outside file. */
export async function systemPrompt(workspace: string, agentPrompt: string | undefined): Promise<string> {
  const parts = [BASE_PROMPT];
  if (agentPrompt) parts.push(agentPrompt);
  const agentsMd = await readBootstrap(workspace, 'AGENTS.md');
  if (agentsMd) parts.push(`# AGENTS.md (from the workspace)\n\n${agentsMd}`);
  return parts.join('\n\n');
}

async function readBootstrap(workspace: string, name: string): Promise<string | null> {
  try {
    return (await readText(workspace, name, { maxBytes: BOOTSTRAP_MAX_BYTES, op: 'load' })).text;
  } catch {
    return null; // absent or refused: the prompt goes without it
  }
}

/**
 * The transcript as model messages. A turn killed between a tool call and its result leaves
 * a call with no answer, which providers reject; such calls get a result saying so.
 */
export function transcriptMessages(items: readonly TranscriptItem[]): ModelMessage[] {
  const messages = items.map((item) => item.content as ModelMessage);
  const answered = new Set<string>();
  for (const m of messages) {
    if (m.role === 'tool') for (const part of m.content) if (part.type === 'tool-result') answered.add(part.toolCallId);
  }
  const repaired: ModelMessage[] = [];
  for (const m of messages) {
    repaired.push(m);
    if (m.role !== 'assistant' || typeof m.content === 'string') continue;
    const missing = m.content.filter((p) => p.type === 'tool-call' && !answered.has(p.toolCallId));
    if (missing.length === 0) continue;
    repaired.push({
      role: 'tool',
      content: missing.map((p) => ({
        type: 'tool-result' as const,
        toolCallId: (p as { toolCallId: string }).toolCallId,
        toolName: (p as { toolName: string }).toolName,
        output: { type: 'text' as const, value: 'not run: the turn was interrupted before this call finished' },
      })),
    });
  }
  return repaired;
}
