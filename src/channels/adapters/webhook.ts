// The generic signed webhook: any program that holds a source's secret can talk to the agent.
// POST /hooks/webhook/<source> with
//   X-Hardshell-Timestamp: <unix seconds>
//   X-Hardshell-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   Idempotency-Key: <unique per delivery> (optional; the signature stands in for it)
// and a JSON body {"text": "..."}. The reply comes back in the response: {"reply": "..."}.
// A wrong signature, an old timestamp or a delivery seen before is refused and audited.
import type { AuditSink } from '../../audit/types.ts';
import type { ChannelAdapter, ChannelHook, InboundMessage, ReplyTarget } from '../types.ts';
import type { SeenStore } from '../seen.ts';
import type { Send } from '../dispatch.ts';
import type { InboundOutcome } from '../types.ts';
import { checkSignature, SIGNATURE_REFUSALS } from '../signature.ts';
import { json, parseJson, readBody } from '../http.ts';
import { webhookId } from '../identity.ts';

export const TIMESTAMP_HEADER = 'x-hardshell-timestamp';
export const SIGNATURE_HEADER = 'x-hardshell-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export interface WebhookAdapterOptions {
  /** Source name → its signing secret (already resolved). */
  secrets: Record<string, string>;
  seen: SeenStore;
  dispatch: (message: InboundMessage, send: Send) => Promise<InboundOutcome>;
  audit?: AuditSink;
  now?: () => number;
}

export class WebhookAdapter implements ChannelAdapter {
  readonly name = 'webhook' as const;
  private readonly opts: WebhookAdapterOptions;
  constructor(opts: WebhookAdapterOptions) {
    this.opts = opts;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Replies travel in the HTTP response; there is nowhere else to send to. */
  async send(_target: ReplyTarget, _text: string): Promise<void> {
    throw new Error('the generic webhook answers in the HTTP response; it cannot send on its own');
  }

  async probe(): Promise<string> {
    return this.describe();
  }

  describe(): string {
    const names = Object.keys(this.opts.secrets);
    return `${names.length} source${names.length === 1 ? '' : 's'} (${names.join(', ') || 'none'}) at POST /hooks/webhook/<source>`;
  }

  hooks(): ChannelHook[] {
    return Object.keys(this.opts.secrets).map((source) => ({
      method: 'POST' as const,
      path: `/hooks/webhook/${source}`,
      handle: (request: Request) => this.receive(source, request),
    }));
  }

  private refuse(source: string, status: number, reason: string, message: string): Response {
    this.opts.audit?.({ kind: 'auth', action: 'channel_request_refused', channel: 'webhook', source, reason });
    return json(status, { error: message });
  }

  private async receive(source: string, request: Request): Promise<Response> {
    const body = await readBody(request);
    if (body === null) return this.refuse(source, 413, 'too_large', 'the body is too large');
    const timestamp = request.headers.get(TIMESTAMP_HEADER) ?? undefined;
    const signature = request.headers.get(SIGNATURE_HEADER) ?? undefined;
    const now = this.opts.now?.() ?? Date.now();
    const check = checkSignature({ secret: this.opts.secrets[source], body, timestamp, signature, prefix: 'sha256=', separator: '.', now });
    if (!check.ok) return this.refuse(source, 401, check.reason, SIGNATURE_REFUSALS[check.reason]);

    const key = request.headers.get(IDEMPOTENCY_HEADER)?.slice(0, 200) || `sig:${signature}`;
    if (!this.opts.seen.first(`webhook:${source}`, key, now)) return this.refuse(source, 409, 'replay', 'this delivery was already received (same idempotency key or signature)');

    const payload = parseJson(body) as { text?: unknown } | undefined;
    if (!payload || typeof payload.text !== 'string') return json(400, { error: 'the body must be JSON with a "text" string' });

    const replies: string[] = [];
    const sender = webhookId(source);
    const outcome = await this.opts.dispatch(
      { channel: 'webhook', account: source, sender, chat: 'dm', chatId: source, text: payload.text, mentionsAgent: true, attachments: [] },
      async (text) => { replies.push(text); },
    );
    switch (outcome.status) {
      case 'answered': return json(200, { reply: replies.join('\n\n') });
      case 'pairing': return json(202, { pairing: outcome.code, message: outcome.notice });
      case 'dropped': return json(403, { error: 'not accepted: this source may not talk to the agent (see the audit log)' });
    }
  }
}
