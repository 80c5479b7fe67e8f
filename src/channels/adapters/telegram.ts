// Telegram through grammy: long polling (the default; nothing needs to reach this machine) or
// a webhook that Telegram calls with the secret token in X-Telegram-Bot-Api-Secret-Token.
// grammy is handed egress's fetch and a configurable apiRoot, so it never reaches the network
// on its own, and tests point it at a local server that speaks the Bot API.
import { Bot, type Context } from 'grammy';
import type { Update, Message } from 'grammy/types';
import type { AuditSink } from '../../audit/types.ts';
import type { ChannelAdapter, ChannelHook, Fetch, InboundMessage, InboundOutcome, ReplyTarget } from '../types.ts';
import type { Send } from '../dispatch.ts';
import type { SeenStore } from '../seen.ts';
import { telegramId } from '../identity.ts';
import { chunkText, MESSAGE_LIMITS, MIN_INTERVAL_MS, Pacer } from '../outbound.ts';
import { safeEqual } from '../signature.ts';
import { json, parseJson, readBody } from '../http.ts';
import { isOwnerCommand } from '../dispatch.ts';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
export const TELEGRAM_HOOK_PATH = '/hooks/telegram';

export interface TelegramAdapterOptions {
  token: string;
  mode: 'polling' | 'webhook';
  webhookSecret?: string;
  webhookUrl?: string;
  apiRoot?: string;
  fetch: Fetch;
  dispatch: (message: InboundMessage, send: Send) => Promise<InboundOutcome>;
  audit?: AuditSink;
  log?: (line: Record<string, unknown>) => void;
  minIntervalMs?: number;
  /** Webhook mode: update ids already handled, so a captured request cannot be played again. */
  seen?: SeenStore;
  /** `channels.telegram.owner`: told about pairing requests in their own chat. */
  owners?: readonly string[];
}

export class TelegramAdapter implements ChannelAdapter {
  readonly name = 'telegram' as const;
  private readonly opts: TelegramAdapterOptions;
  private readonly bot: Bot;
  private readonly pacer: Pacer;
  /** Inbound messages run one at a time per chat, and chats in parallel: one slow turn holds up only its own chat. */
  private readonly inbound = new Pacer(0);
  private polling: Promise<void> | undefined;

  constructor(opts: TelegramAdapterOptions) {
    this.opts = opts;
    this.pacer = new Pacer(opts.minIntervalMs ?? MIN_INTERVAL_MS.telegram);
    this.bot = new Bot(opts.token, { client: { apiRoot: opts.apiRoot, fetch: nativeSignals(opts.fetch) as never } });
    this.bot.on('message', (ctx) => this.onMessage(ctx));
    // A failing update is logged, never allowed to stop the bot or leak into a reply.
    this.bot.catch((err) => opts.log?.({ level: 'error', msg: 'telegram update failed', error: (err.error as Error)?.message ?? String(err.error) }));
  }

  async start(): Promise<void> {
    await this.bot.init();
    if (this.opts.mode === 'webhook') {
      if (this.opts.webhookUrl) {
        await this.bot.api.setWebhook(this.opts.webhookUrl, { secret_token: this.opts.webhookSecret, allowed_updates: ['message'] });
      }
      return;
    }
    await this.bot.api.deleteWebhook();
    // bot.start() resolves only when polling stops; errors end up in the log.
    this.polling = this.bot.start({ allowed_updates: ['message'], drop_pending_updates: false })
      .catch((err: Error) => this.opts.log?.({ level: 'error', msg: 'telegram polling stopped', error: err.message }));
  }

  async stop(): Promise<void> {
    if (this.bot.isRunning()) await this.bot.stop();
    await this.polling;
  }

  async probe(): Promise<string> {
    await this.bot.init();
    return this.describe();
  }

  describe(): string {
    const me = this.bot.isInited() ? `@${this.bot.botInfo.username}` : 'not connected';
    return `${me}, ${this.opts.mode === 'webhook' ? `webhook at POST ${TELEGRAM_HOOK_PATH}` : 'long polling'}`;
  }

  async send(target: ReplyTarget, text: string): Promise<void> {
    for (const chunk of chunkText(text, MESSAGE_LIMITS.telegram)) {
      await this.pacer.run(target.chatId, () => this.bot.api.sendMessage(chatIdOf(target.chatId), chunk));
    }
  }

  /** Tells the owners (in their private chats with the bot) something only they should see. */
  async notifyOwners(text: string): Promise<void> {
    for (const owner of this.opts.owners ?? []) {
      const id = /^telegram:(\d+)$/.exec(owner.trim())?.[1];
      if (id) await this.send({ chatId: id }, text);
    }
  }

  hooks(): ChannelHook[] {
    if (this.opts.mode !== 'webhook') return [];
    return [{ method: 'POST', path: TELEGRAM_HOOK_PATH, handle: (request) => this.receive(request) }];
  }

  private async receive(request: Request): Promise<Response> {
    const given = request.headers.get(TELEGRAM_SECRET_HEADER) ?? '';
    if (!this.opts.webhookSecret || !safeEqual(given, this.opts.webhookSecret)) {
      this.opts.audit?.({ kind: 'auth', action: 'channel_request_refused', channel: 'telegram', reason: given ? 'bad_secret_token' : 'missing' });
      return json(401, { error: 'the secret token does not match' });
    }
    const body = await readBody(request);
    const update = body === null ? undefined : parseJson(body) as Update | undefined;
    if (!update || typeof update.update_id !== 'number') return json(400, { error: 'not a Telegram update' });
    if (this.opts.seen && !this.opts.seen.first('telegram', `update:${this.bot.botInfo.id}:${update.update_id}`)) {
      this.opts.audit?.({ kind: 'auth', action: 'channel_request_refused', channel: 'telegram', reason: 'replay' });
      return json(200, { ok: true }); // Telegram stops resending; nothing is handled twice
    }
    // Answer Telegram at once; the turn runs on, and its reply goes out with sendMessage.
    void this.bot.handleUpdate(update).catch((err: Error) => this.opts.log?.({ level: 'error', msg: 'telegram update failed', error: err.message }));
    return json(200, { ok: true });
  }

  private async onMessage(ctx: Context): Promise<void> {
    const msg = ctx.message;
    if (!msg?.from || msg.from.is_bot) return;
    const text = msg.text ?? msg.caption ?? '';
    const chat = msg.chat.type === 'private' ? 'dm' : 'group';
    const inbound: InboundMessage = {
      channel: 'telegram',
      account: String(this.bot.botInfo.id),
      sender: telegramId(msg.from.id),
      chat,
      chatId: String(msg.chat.id),
      text,
      mentionsAgent: chat === 'dm' || this.mentionsMe(msg),
      attachments: attachmentsOf(msg),
    };
    const target: ReplyTarget = { chatId: String(msg.chat.id) };
    const handle = () => this.opts.dispatch(inbound, (reply) => this.send(target, reply));
    void (isOwnerCommand(text) ? handle() : this.inbound.run(target.chatId, handle))
      .catch((err: Error) => this.opts.log?.({ level: 'error', msg: 'telegram message failed', error: err.message }));
  }

  /** An @mention of the bot (by entity, not by display name) or a reply to one of its messages. */
  private mentionsMe(msg: Message): boolean {
    const me = this.bot.botInfo;
    if (msg.reply_to_message?.from?.id === me.id) return true;
    const text = msg.text ?? msg.caption ?? '';
    for (const e of msg.entities ?? msg.caption_entities ?? []) {
      if (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me.username.toLowerCase()}`) return true;
      if (e.type === 'text_mention' && e.user?.id === me.id) return true;
    }
    return false;
  }
}

/** Telegram chat ids are numbers; channel usernames (`@name`) stay strings. */
const chatIdOf = (id: string): number | string => (/^-?\d+$/.test(id) ? Number(id) : id);

function attachmentsOf(msg: Message): InboundMessage['attachments'] {
  const out: InboundMessage['attachments'] = [];
  if (msg.photo) out.push({ kind: 'image' });
  if (msg.document) out.push({ kind: 'file', name: msg.document.file_name });
  if (msg.voice || msg.audio) out.push({ kind: 'audio' });
  if (msg.video) out.push({ kind: 'video' });
  return out;
}

/**
 * grammy passes a polyfilled AbortSignal that Node's fetch rejects; hand egress's fetch a
 * native one that follows it.
 */
function nativeSignals(fetchFn: Fetch): Fetch {
  return (input, init = {}) => {
    const { signal, ...rest } = init as RequestInit & { signal?: { aborted: boolean; addEventListener(t: 'abort', f: () => void): void } | null };
    if (!signal) return fetchFn(input, rest);
    const controller = new AbortController();
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort());
    return fetchFn(input, { ...rest, signal: controller.signal });
  };
}
