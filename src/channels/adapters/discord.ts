// Discord as a gateway bot: a WebSocket to Discord's gateway (opened by egress's connector,
// never here) for DMs and guild messages, and the REST API (through egress's fetch) for
// replies. The gateway URL comes from GET /gateway/bot under apiRoot, so tests point both at a
// local server that speaks the protocol.
import type { AuditSink } from '../../audit/types.ts';
import type { ChannelAdapter, ChannelHook, Fetch, InboundMessage, InboundOutcome, ReplyTarget, SocketConnection, SocketConnector } from '../types.ts';
import type { Send } from '../dispatch.ts';
import { discordId } from '../identity.ts';
import { chunkText, MESSAGE_LIMITS, MIN_INTERVAL_MS, Pacer } from '../outbound.ts';

export const DEFAULT_DISCORD_API = 'https://discord.com/api/v10';
/** GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT. */
export const DISCORD_INTENTS = (1 << 9) | (1 << 12) | (1 << 15);
const READY_TIMEOUT_MS = 15_000;
const MAX_BACKOFF_MS = 60_000;

const OP = { dispatch: 0, heartbeat: 1, identify: 2, reconnect: 7, invalidSession: 9, hello: 10, heartbeatAck: 11 } as const;

export interface DiscordAdapterOptions {
  token: string;
  apiRoot?: string;
  fetch: Fetch;
  connect: SocketConnector;
  dispatch: (message: InboundMessage, send: Send) => Promise<InboundOutcome>;
  audit?: AuditSink;
  log?: (line: Record<string, unknown>) => void;
  minIntervalMs?: number;
}

interface GatewayPayload { op: number; d?: any; s?: number | null; t?: string | null }

interface DiscordMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author?: { id: string; bot?: boolean };
  content?: string;
  mentions?: Array<{ id: string }>;
  referenced_message?: { author?: { id: string } } | null;
  attachments?: Array<{ filename?: string; content_type?: string }>;
}

export class DiscordAdapter implements ChannelAdapter {
  readonly name = 'discord' as const;
  private readonly opts: DiscordAdapterOptions;
  private readonly api: string;
  private readonly pacer: Pacer;
  private readonly inbound = new Pacer(0);
  private socket: SocketConnection | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private seq: number | null = null;
  private me: string | undefined;
  private stopping = false;
  private failures = 0;

  constructor(opts: DiscordAdapterOptions) {
    this.opts = opts;
    this.api = (opts.apiRoot ?? DEFAULT_DISCORD_API).replace(/\/+$/, '');
    this.pacer = new Pacer(opts.minIntervalMs ?? MIN_INTERVAL_MS.discord);
  }

  async start(): Promise<void> {
    this.stopping = false;
    try {
      await this.connect();
    } catch (err) {
      await this.stop(); // no reconnecting behind the back of a start that failed
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  async probe(): Promise<string> {
    const me = await this.rest('GET', '/users/@me') as { id?: string; username?: string };
    return `bot ${me.username ?? '?'} (${me.id ?? '?'})`;
  }

  describe(): string {
    return this.me ? `bot ${this.me}, gateway connected` : 'not connected';
  }

  hooks(): ChannelHook[] {
    return [];
  }

  async send(target: ReplyTarget, text: string): Promise<void> {
    for (const chunk of chunkText(text, MESSAGE_LIMITS.discord)) {
      // allowed_mentions: none, so a reply the model wrote cannot ping @everyone or anyone else.
      await this.pacer.run(target.chatId, () => this.rest('POST', `/channels/${encodeURIComponent(target.chatId)}/messages`, { content: chunk, allowed_mentions: { parse: [] } }));
    }
  }

  private async rest(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.opts.fetch(`${this.api}${path}`, {
      method,
      headers: { authorization: `Bot ${this.opts.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const data = await res.json().catch(() => ({})) as Record<string, unknown>;
    if (!res.ok) throw new Error(`Discord ${method} ${path} failed: HTTP ${res.status}${typeof data.message === 'string' ? ` (${data.message})` : ''}`);
    return data;
  }

  /** Connects and identifies; resolves on READY. */
  private async connect(): Promise<void> {
    const info = await this.rest('GET', '/gateway/bot') as { url?: string };
    if (typeof info.url !== 'string') throw new Error('Discord did not say where its gateway is (GET /gateway/bot has no url)');
    const url = `${info.url.replace(/\/+$/, '')}/?v=10&encoding=json`;
    const socket = await this.opts.connect(url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Discord\'s gateway did not send READY within 15 s')), READY_TIMEOUT_MS);
      socket.onMessage((text) => {
        let payload: GatewayPayload;
        try { payload = JSON.parse(text) as GatewayPayload; } catch { return; }
        if (payload.op === OP.dispatch && payload.t === 'READY') {
          clearTimeout(timer);
          this.failures = 0;
          this.me = String(payload.d?.user?.id ?? '');
          resolve();
        }
        this.onPayload(socket, payload);
      });
      socket.onClose((code, reason) => {
        clearTimeout(timer);
        clearInterval(this.heartbeat);
        reject(new Error(`Discord closed the gateway connection (${code}${reason ? `: ${reason}` : ''})`));
        if (this.socket === socket) this.socket = undefined;
        // 4004: the token is wrong; retrying would only hammer Discord with it.
        if (!this.stopping && code !== 4004) this.scheduleReconnect();
        if (code === 4004) this.opts.log?.({ level: 'error', msg: 'discord refused the bot token (4004): fix channels.discord.botToken' });
      });
    });
  }

  private scheduleReconnect(): void {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
    this.reconnectTimer = setTimeout(() => {
      if (this.stopping) return;
      this.connect().catch((err: Error) => this.opts.log?.({ level: 'warn', msg: 'discord reconnect failed', error: err.message }));
    }, delay);
    this.reconnectTimer.unref();
  }

  private onPayload(socket: SocketConnection, p: GatewayPayload): void {
    if (typeof p.s === 'number') this.seq = p.s;
    switch (p.op) {
      case OP.hello: {
        const every = Number(p.d?.heartbeat_interval) || 41_250;
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => socket.send(JSON.stringify({ op: OP.heartbeat, d: this.seq })), every);
        this.heartbeat.unref();
        socket.send(JSON.stringify({
          op: OP.identify,
          d: { token: this.opts.token, intents: DISCORD_INTENTS, properties: { os: process.platform, browser: 'hardshell', device: 'hardshell' } },
        }));
        break;
      }
      case OP.heartbeat:
        socket.send(JSON.stringify({ op: OP.heartbeat, d: this.seq }));
        break;
      case OP.reconnect:
      case OP.invalidSession:
        socket.close(4000);
        break;
      case OP.dispatch:
        if (p.t === 'MESSAGE_CREATE') this.onMessage(p.d as DiscordMessage);
        break;
    }
  }

  private onMessage(m: DiscordMessage): void {
    if (!m?.author || m.author.bot || !this.me || m.author.id === this.me) return;
    const chat = m.guild_id ? 'group' : 'dm';
    const mentioned = (m.mentions ?? []).some((u) => u.id === this.me) || m.referenced_message?.author?.id === this.me;
    const text = (m.content ?? '').replace(new RegExp(`<@!?${this.me}>\\s*`, 'g'), '').trim();
    const inbound: InboundMessage = {
      channel: 'discord', account: this.me, sender: discordId(m.author.id), chat, chatId: m.channel_id,
      text, mentionsAgent: chat === 'dm' || mentioned,
      attachments: (m.attachments ?? []).map((a) => ({ kind: a.content_type?.startsWith('image/') ? 'image' as const : 'file' as const, name: a.filename })),
    };
    const target: ReplyTarget = { chatId: m.channel_id };
    void this.inbound.run(m.channel_id, () => this.opts.dispatch(inbound, (reply) => this.send(target, reply)))
      .catch((err: Error) => this.opts.log?.({ level: 'error', msg: 'discord message failed', error: err.message }));
  }
}
