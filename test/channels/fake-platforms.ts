// Small local servers that speak the platforms' HTTP APIs, on 127.0.0.1: the Telegram Bot API
// (getMe, getUpdates with long polling, sendMessage, setWebhook, deleteWebhook) and the Slack
// Web API (auth.test, chat.postMessage). They record what the adapters sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try { return text ? JSON.parse(text) : {}; } catch { return {}; }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface FakeTelegram {
  url: string;
  token: string;
  bot: { id: number; username: string };
  sent: Array<{ chat_id: number | string; text: string }>;
  webhook: { url?: string; secret_token?: string } | null;
  calls: string[];
  /** Queues an update for getUpdates (long polling). */
  push(update: Record<string, unknown>): void;
  /** Resolves when `count` messages have been sent. */
  waitForSent(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeTelegram(token = '123456:TEST-TOKEN'): Promise<FakeTelegram> {
  const bot = { id: 4242, is_bot: true, first_name: 'Shell', username: 'hardshell_test_bot' };
  const queue: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  let nextId = 1;
  const fake: FakeTelegram = {
    url: '', token, bot, sent: [], webhook: null, calls: [],
    push(update) {
      queue.push({ update_id: nextId++, ...update });
      for (const w of waiters) w();
    },
    async waitForSent(count, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (fake.sent.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} sendMessage calls, got ${fake.sent.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      for (const w of waiters) w();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await readJson(req);
    if (!m || m[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2];
    fake.calls.push(method);
    switch (method) {
      case 'getMe': return send(res, 200, { ok: true, result: bot });
      case 'deleteWebhook': fake.webhook = null; return send(res, 200, { ok: true, result: true });
      case 'setWebhook': fake.webhook = { url: body.url, secret_token: body.secret_token }; return send(res, 200, { ok: true, result: true });
      case 'sendMessage': {
        fake.sent.push({ chat_id: body.chat_id, text: body.text });
        return send(res, 200, { ok: true, result: { message_id: fake.sent.length, date: 0, chat: { id: body.chat_id, type: 'private' }, text: body.text } });
      }
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        while (queue.length > 0 && (queue[0].update_id as number) < offset) queue.shift();
        if (queue.length === 0 && Number(body.timeout ?? 0) > 0) {
          // Long polling: hold the request until an update arrives (or a short while passes).
          await new Promise<void>((resolve) => {
            const done = () => { waiters.delete(done); clearTimeout(timer); resolve(); };
            const timer = setTimeout(done, 500);
            waiters.add(done);
          });
        }
        return send(res, 200, { ok: true, result: queue.filter((u) => (u.update_id as number) >= offset) });
      }
      default: return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
  });
  fake.url = await listen(server);
  return fake;
}

/** A Telegram text message update from a user. */
export function telegramText(from: number, text: string, chat: { id: number; type: 'private' | 'group' | 'supergroup' } = { id: from, type: 'private' }, extra: Record<string, unknown> = {}) {
  return { message: { message_id: Math.floor(Math.random() * 1e6), date: Math.floor(Date.now() / 1000), chat, from: { id: from, is_bot: false, first_name: 'Someone', username: 'someone' }, text, ...extra } };
}

export interface FakeSlack {
  url: string;
  posted: Array<{ channel: string; text: string; thread_ts?: string; auth?: string }>;
  /** Socket Mode: envelope ids the app acknowledged. */
  acks: string[];
  /** Socket Mode: sends an events_api envelope to every connected app. */
  envelope(id: string, payload: unknown): void;
  sockets(): number;
  waitForPosted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSlack(team = 'T0TEAM', botUser = 'UBOT'): Promise<FakeSlack> {
  const open = new Set<WebSocket>();
  const fake: FakeSlack = {
    url: '', posted: [], acks: [],
    envelope(id, payload) {
      for (const ws of open) ws.send(JSON.stringify({ envelope_id: id, type: 'events_api', accepts_response_payload: false, payload }));
    },
    sockets: () => open.size,
    async waitForPosted(count, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (fake.posted.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} chat.postMessage calls, got ${fake.posted.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      for (const ws of open) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const body = await readJson(req);
    if (req.url === '/api/apps.connections.open') {
      if (req.headers.authorization !== 'Bearer xapp-test-token') return send(res, 200, { ok: false, error: 'invalid_auth' });
      return send(res, 200, { ok: true, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=t1` });
    }
    if (req.headers.authorization !== 'Bearer xoxb-test-token') return send(res, 200, { ok: false, error: 'invalid_auth' });
    switch (req.url) {
      case '/api/auth.test': return send(res, 200, { ok: true, team_id: team, user_id: botUser, bot_id: 'BBOT' });
      case '/api/chat.postMessage':
        fake.posted.push({ channel: body.channel, text: body.text, thread_ts: body.thread_ts, auth: req.headers.authorization });
        return send(res, 200, { ok: true, channel: body.channel, ts: `${Date.now() / 1000}` });
      default: return send(res, 404, { ok: false, error: 'unknown_method' });
    }
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    open.add(ws);
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
    ws.on('message', (raw) => { const m = JSON.parse(String(raw)); if (m.envelope_id) fake.acks.push(m.envelope_id); });
    ws.on('close', () => open.delete(ws));
  });
  fake.url = `${await listen(server)}/api`;
  return fake;
}
