// The one shape every chat platform is turned into, and the interface each adapter implements.
// Adapters only translate; who may talk is decided in access.ts, what happens next in
// dispatch.ts, so a new platform cannot forget a check.
import type { ChannelName } from '../config/schema.ts';

export type { ChannelName } from '../config/schema.ts';

export interface Attachment {
  kind: 'image' | 'file' | 'audio' | 'video' | 'other';
  name?: string;
}

export interface InboundMessage {
  channel: ChannelName;
  /** The bot or workspace the message arrived on (Telegram bot id, Slack team, webhook source). */
  account: string;
  /** Normalised, stable sender id: `telegram:<id>`, `slack:<team>/<user>`, `discord:<id>`, `webhook:<name>`, `+E164`. */
  sender: string;
  chat: 'dm' | 'group';
  /** Where a reply goes, as the platform names it (chat id, channel id). */
  chatId: string;
  text: string;
  /** In groups: whether the message addresses the agent (@mention or a reply to it). */
  mentionsAgent: boolean;
  attachments: Attachment[];
}

/** Everything an adapter needs to send a reply back to where a message came from. */
export interface ReplyTarget {
  chatId: string;
  /** Slack thread, Telegram message to reply to: optional and platform-specific. */
  threadId?: string;
}

export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Connects (long polling, webhook registration); resolves once the adapter is ready. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Sends text, split into the platform's message size and paced by its rate limits. */
  send(target: ReplyTarget, text: string): Promise<void>;
  /** HTTP endpoints the platform calls; mounted on the gateway without gateway-token auth. */
  hooks(): ChannelHook[];
  /** Sends text to the channel's owners in private, where the platform allows it (Telegram). */
  notifyOwners?(text: string): Promise<void>;
  /** A short line for `hardshell channels status`. */
  describe(): string;
  /** Checks the credentials with the platform without starting to read messages; says what answered. */
  probe(): Promise<string>;
}

/** An endpoint a platform calls. It authenticates the request by the platform's own signature. */
export interface ChannelHook {
  method: 'POST';
  /** Always under /hooks/. */
  path: string;
  handle(request: Request): Promise<Response>;
}

/** What an adapter hands every inbound message to (dispatch.ts). */
export type InboundHandler = (message: InboundMessage, reply: ReplyTarget) => Promise<InboundOutcome>;

export type InboundOutcome =
  | { status: 'answered'; reply: string }
  | { status: 'dropped'; reason: string }
  | { status: 'pairing'; code?: string; notice?: string };

/** `fetch` handed in from egress: channels never reach the network on their own. */
export type Fetch = typeof fetch;

/**
 * A WebSocket client connection, opened by egress (channels never open one themselves).
 * Messages that arrive before onMessage is called are kept and delivered to it.
 */
export interface SocketConnection {
  send(text: string): void;
  close(code?: number): void;
  onMessage(fn: (text: string) => void): void;
  onClose(fn: (code: number, reason: string) => void): void;
}

/** Opens a WebSocket to url; resolves once it is open. Handed in from egress. */
export type SocketConnector = (url: string) => Promise<SocketConnection>;
