// POST /v1/chat/completions: OpenAI's chat API in front of a hardshell agent, so existing
// OpenAI clients work unchanged. hardshell keeps each session's transcript itself, so only
// the last user message of the request is taken; the earlier ones are the client's copy.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Context } from 'hono';
import type { TurnEvent, TurnResult } from '../agent/events.ts';
import { ApiError } from './errors.ts';
import { readJsonLimited } from './body.ts';
import { checkSessionKey, parseOrThrow } from './validate.ts';
import type { EdgeContext } from './context.ts';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({
    role: z.string(),
    content: z.union([z.string(), z.array(contentPart), z.null()], { error: 'must be a string or an array of {"type":"text","text":"..."} parts' }).optional(),
  })).min(1),
  stream: z.boolean().optional(),
  user: z.string().optional(),
});

type ChatRequest = z.output<typeof requestSchema>;

export const SESSION_HEADER = 'x-hardshell-session';
const DEFAULT_SESSION = 'http:default';

export async function chatCompletions(c: Context, edge: EdgeContext): Promise<Response> {
  const body = parseOrThrow(requestSchema, await readJsonLimited(c.req.raw, edge.maxBodyBytes), 'the chat completion request is not valid');
  const agentId = agentForModel(body.model, edge.runner.knownAgents());
  const message = lastUserText(body.messages);
  const sessionKey = sessionKeyFor(c.req.header(SESSION_HEADER), body.user);
  const turn = { agentId, sessionKey, message, provenance: 'owner' as const };
  const meta = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: body.model };

  if (!body.stream) {
    const result = await edge.turns.run(turn, [c.req.raw.signal]);
    return c.json(completion(meta, result));
  }

  const encoder = new TextEncoder();
  const cancelled = new AbortController();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (!open) return;
        try { controller.enqueue(encoder.encode(text)); } catch { open = false; }
      };
      const end = () => {
        send('data: [DONE]\n\n');
        if (open) controller.close();
        open = false;
      };
      send(data(chunk(meta, { role: 'assistant', content: '' }, null)));
      const onEvent = (event: TurnEvent) => {
        if (event.type === 'text') send(data(chunk(meta, { content: event.delta }, null)));
        // Everything else (turn_start, tool calls, decisions, results, done) goes out as an SSE
        // comment line: OpenAI clients skip comments, hardshell-aware clients can read them.
        else send(`: hardshell ${JSON.stringify(event)}\n\n`);
      };
      edge.turns.run({ ...turn, onEvent }, [c.req.raw.signal, cancelled.signal]).then((result) => {
        if (result.error) send(data(chunk(meta, { content: (result.reply ? '\n\n' : '') + result.error }, null)));
        send(data({ ...chunk(meta, {}, finishReason(result)), usage: usage(result) }));
        end();
      }, (err) => {
        edge.log({ level: 'error', msg: 'a streamed turn failed', error: (err as Error)?.message ?? String(err) });
        send(data({ error: { message: 'the turn failed inside hardshell; see the gateway log', type: 'server_error' } }));
        end();
      });
    },
    cancel() {
      open = false;
      cancelled.abort();
    },
  });
  return c.body(stream, 200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'X-Accel-Buffering': 'no',
  });
}

/** `hardshell` means the main agent; `hardshell/<id>` names one. */
export function agentForModel(model: string, known: string[]): string {
  const id = model === 'hardshell' ? 'main' : model.startsWith('hardshell/') ? model.slice('hardshell/'.length) : undefined;
  if (id && known.includes(id)) return id;
  const list = known.length ? known.map((a) => `hardshell/${a}`).join(', ') : '(none configured)';
  const what = id ? `there is no agent "${id}"` : `"${model}" is not a hardshell model name`;
  throw new ApiError(404, 'not_found', `${what}; use "model": "hardshell/<agent id>". Agents: ${list}`);
}

/** The text of the last user message: a string, or the text parts of a content array. */
export function lastUserText(messages: ChatRequest['messages']): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    const text = typeof m.content === 'string'
      ? m.content
      : (m.content ?? []).filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('\n');
    if (text.trim() === '') {
      throw new ApiError(400, 'invalid_request_error', `the last user message (messages[${i}]) has no text; hardshell takes text content only`);
    }
    return text;
  }
  throw new ApiError(400, 'invalid_request_error', 'the request has no message with "role": "user"; hardshell answers the last user message');
}

export function sessionKeyFor(header: string | undefined, user: string | undefined): string {
  if (header !== undefined) return checkSessionKey(header.trim(), 'the X-Hardshell-Session header');
  if (user !== undefined) return checkSessionKey(user, 'the "user" field');
  return DEFAULT_SESSION;
}

interface Meta { id: string; created: number; model: string }

function completion(meta: Meta, result: TurnResult) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message: { role: 'assistant', content: replyText(result) }, finish_reason: finishReason(result) }],
    usage: usage(result),
    // Extra field, ignored by OpenAI clients: where the turn was stored and what it did.
    hardshell: {
      sessionId: result.sessionId, sessionKey: result.sessionKey, agentId: result.agentId,
      stopReason: result.stopReason, steps: result.steps, toolCalls: result.toolCalls,
      ...(result.error ? { error: result.error } : {}),
    },
  };
}

function chunk(meta: Meta, delta: Record<string, string>, finish: string | null) {
  return { id: meta.id, object: 'chat.completion.chunk', created: meta.created, model: meta.model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/** The reply, followed by the sentence saying why the turn stopped early, if it did. */
function replyText(result: TurnResult): string {
  if (!result.error) return result.reply;
  return result.reply ? `${result.reply}\n\n${result.error}` : result.error;
}

function finishReason(result: TurnResult): 'stop' | 'length' {
  return result.stopReason === 'max_steps' ? 'length' : 'stop';
}

function usage(result: TurnResult) {
  const { inputTokens, outputTokens } = result.usage;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}
