// Slack through the Events API: Slack POSTs events to /hooks/slack/events, signed with the
// app's signing secret (X-Slack-Signature = v0=HMAC(secret, "v0:" + timestamp + ":" + body))
// and a timestamp that must be within five minutes. Or through Socket Mode: a WebSocket
// (opened by egress's connector) that apps.connections.open hands out for the app token, where
// every envelope is acknowledged by id. Replies go out with chat.postMessage through egress's
// fetch, to a base URL that tests point at a local server.
import type { AuditSink } from '../../audit/types.ts';
import type { ChannelAdapter, ChannelHook, Fetch, InboundMessage, InboundOutcome, ReplyTarget, SocketConnection, SocketConnector } from '../types.ts';
import type { Send } from '../dispatch.ts';
import type { SeenStore } from '../seen.ts';
import { slackId } from '../identity.ts';
import { chunkText, MESSAGE_LIMITS, MIN_INTERVAL_MS, Pacer } from '../outbound.ts';
import { checkSignature, SIGNATURE_REFUSALS } from '../signature.ts';
import { json, parseJson, readBody } from '../http.ts';

export const SLACK_HOOK_PATH = '/hooks/slack/events';
export const DEFAULT_SLACK_API = 'https://slack.com/api';

export interface SlackAdapterOptions {
  token: string;
  /** Events API mode. */
  signingSecret?: string;
  /** Socket Mode: the app-level token and egress's WebSocket connector. */
  appToken?: string;
  connect?: SocketConnector;
  apiRoot?: string;
  fetch: Fetch;
  dispatch: (message: InboundMessage, send: Send) => Promise<InboundOutcome>;
  seen: SeenStore;
  audit?: AuditSink;
  log?: (line: Record<string, unknown>) => void;
  now?: () => number;
  minIntervalMs?: number;
}

interface SlackEvent {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  channel?: string;
  channel_type?: string;
  ts?: string;
  thread_ts?: string;
  files?: Array<{ name?: string; mimetype?: string }>;
}

interface SlackEnvelope {
  type?: string;
  challenge?: string;
  team_id?: string;
  event_id?: string;
  event?: SlackEvent;
  authorizations?: Array<{ user_id?: string }>;
}

export class SlackAdapter implements ChannelAdapter {
  readonly name = 'slack' as const;
  private readonly opts: SlackAdapterOptions;
  private readonly pacer: Pacer;
  private readonly api: string;
  private botUserId: string | undefined;
  private team: string | undefined;
  private socket: SocketConnection | undefined;
  private stopping = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(opts: SlackAdapterOptions) {
    this.opts = opts;
    this.api = (opts.apiRoot ?? DEFAULT_SLACK_API).replace(/\/+$/, '');
    this.pacer = new Pacer(opts.minIntervalMs ?? MIN_INTERVAL_MS.slack);
  }

  async start(): Promise<void> {
    // auth.test names the bot, so its own messages and mentions of it are recognised by id.
    const me = await this.call('auth.test', {});
    this.botUserId = typeof me.user_id === 'string' ? me.user_id : undefined;
    this.team = typeof me.team_id === 'string' ? me.team_id : undefined;
    if (this.opts.appToken) {
      this.stopping = false;
      await this.openSocket();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  /** Socket Mode: ask for a connection URL with the app token, connect, acknowledge every envelope. */
  private async openSocket(): Promise<void> {
    const opened = await this.call('apps.connections.open', {}, this.opts.appToken);
    if (typeof opened.url !== 'string') throw new Error('Slack did not return a Socket Mode URL');
    const socket = await this.opts.connect!(opened.url);
    this.socket = socket;
    this.failures = 0;
    socket.onMessage((text) => {
      const frame = parseJson(text) as { type?: string; envelope_id?: string; payload?: SlackEnvelope } | undefined;
      if (!frame) return;
      if (frame.envelope_id) socket.send(JSON.stringify({ envelope_id: frame.envelope_id }));
      if (frame.type === 'disconnect') socket.close(1000);
      if (frame.type === 'events_api' && frame.payload) this.handleEnvelope(frame.payload, frame.payload.event_id ?? `env:${frame.envelope_id}`);
    });
    socket.onClose(() => {
      if (this.socket === socket) this.socket = undefined;
      if (this.stopping) return;
      const delay = Math.min(60_000, 1000 * 2 ** this.failures++);
      this.reconnectTimer = setTimeout(() => {
        if (!this.stopping) this.openSocket().catch((err: Error) => this.opts.log?.({ level: 'warn', msg: 'slack socket reconnect failed', error: err.message }));
      }, delay);
      this.reconnectTimer.unref();
    });
  }

  async probe(): Promise<string> {
    const me = await this.call('auth.test', {});
    this.team = typeof me.team_id === 'string' ? me.team_id : undefined;
    return this.describe();
  }

  describe(): string {
    return `${this.team ? `team ${this.team}` : 'not connected'}, ${this.opts.appToken ? 'Socket Mode' : `Events API at POST ${SLACK_HOOK_PATH}`}`;
  }

  async send(target: ReplyTarget, text: string): Promise<void> {
    for (const chunk of chunkText(text, MESSAGE_LIMITS.slack)) {
      await this.pacer.run(target.chatId, () => this.call('chat.postMessage', { channel: target.chatId, text: chunk, ...(target.threadId ? { thread_ts: target.threadId } : {}) }));
    }
  }

  hooks(): ChannelHook[] {
    if (this.opts.appToken) return [];
    return [{ method: 'POST', path: SLACK_HOOK_PATH, handle: (request) => this.receive(request) }];
  }

  private async call(method: string, body: Record<string, unknown>, token = this.opts.token): Promise<Record<string, unknown>> {
    const res = await this.opts.fetch(`${this.api}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const data = await res.json().catch(() => ({})) as Record<string, unknown>;
    if (!res.ok || data.ok !== true) throw new Error(`Slack ${method} failed: ${typeof data.error === 'string' ? data.error : `HTTP ${res.status}`}`);
    return data;
  }

  private refuse(status: number, reason: string, message: string): Response {
    this.opts.audit?.({ kind: 'auth', action: 'channel_request_refused', channel: 'slack', reason });
    return json(status, { error: message });
  }

  private async receive(request: Request): Promise<Response> {
    if (!this.opts.signingSecret) return this.refuse(401, 'missing', 'no signing secret is configured');
    const body = await readBody(request);
    if (body === null) return this.refuse(413, 'too_large', 'the body is too large');
    const now = this.opts.now?.() ?? Date.now();
    const check = checkSignature({
      secret: this.opts.signingSecret ?? '', body, now,
      timestamp: request.headers.get('x-slack-request-timestamp') ?? undefined,
      signature: request.headers.get('x-slack-signature') ?? undefined,
      prefix: 'v0=', timestampPrefix: 'v0:', separator: ':',
    });
    if (!check.ok) return this.refuse(401, check.reason, SIGNATURE_REFUSALS[check.reason]);

    const envelope = parseJson(body) as SlackEnvelope | undefined;
    if (!envelope || typeof envelope !== 'object') return json(400, { error: 'not a Slack event' });
    if (envelope.type === 'url_verification' && typeof envelope.challenge === 'string') return json(200, { challenge: envelope.challenge });
    if (envelope.type !== 'event_callback' || !envelope.event) return json(200, { ok: true });

    // Slack retries a delivery it thinks failed; the event id makes each one count once.
    if (!this.handleEnvelope(envelope, envelope.event_id ?? `sig:${request.headers.get('x-slack-signature')}`, now)) {
      return this.refuse(200, 'replay', 'this event was already received');
    }
    return json(200, { ok: true });
  }

  /** Hands an event to dispatch unless it was seen before; false for a repeat. */
  private handleEnvelope(envelope: SlackEnvelope, key: string, now = this.opts.now?.() ?? Date.now()): boolean {
    if (!this.opts.seen.first('slack', key, now)) {
      if (this.opts.appToken) this.opts.audit?.({ kind: 'auth', action: 'channel_request_refused', channel: 'slack', reason: 'replay' });
      return false;
    }
    const inbound = this.toInbound(envelope);
    if (inbound) {
      const target: ReplyTarget = { chatId: inbound.message.chatId, threadId: inbound.thread };
      // Slack wants an answer within 3 seconds; the turn runs on and replies with chat.postMessage.
      void this.opts.dispatch(inbound.message, (text) => this.send(target, text))
        .catch((err: Error) => this.opts.log?.({ level: 'error', msg: 'slack event failed', error: err.message }));
    }
    return true;
  }

  private toInbound(envelope: SlackEnvelope): { message: InboundMessage; thread?: string } | undefined {
    const e = envelope.event!;
    const team = envelope.team_id ?? this.team ?? 'unknown';
    // Bots (this one included) and edits/joins are not people talking.
    if (!e.user || e.bot_id || (e.subtype && e.subtype !== 'file_share') || !e.channel) return undefined;
    if (this.botUserId && e.user === this.botUserId) return undefined;
    const isDm = e.type === 'message' && e.channel_type === 'im';
    const isMention = e.type === 'app_mention';
    // In channels only app_mention events are taken, so each mention is handled once.
    if (!isDm && !isMention) return undefined;
    const text = (e.text ?? '').replace(this.botUserId ? new RegExp(`<@${this.botUserId}>\\s*`, 'g') : /$^/, '').trim();
    return {
      message: {
        channel: 'slack', account: team, sender: slackId(team, e.user), chat: isDm ? 'dm' : 'group', chatId: e.channel,
        text, mentionsAgent: isDm || isMention,
        attachments: (e.files ?? []).map((f) => ({ kind: f.mimetype?.startsWith('image/') ? 'image' as const : 'file' as const, name: f.name })),
      },
      thread: isDm ? undefined : e.thread_ts ?? e.ts,
    };
  }
}
