// A local server that speaks enough of Discord for a gateway bot: REST (GET /gateway/bot,
// GET /users/@me, POST /channels/:id/messages) and the gateway WebSocket (Hello, Identify,
// READY, heartbeats, MESSAGE_CREATE dispatches). Also a connector built on `ws`, standing in
// for the one egress will provide.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { SocketConnector } from '../../src/channels/types.ts';

export interface FakeDiscord {
  api: string;
  botId: string;
  posted: Array<{ channel: string; content: string; allowed_mentions?: unknown }>;
  identified: Array<{ token: string; intents: number }>;
  /** Sends a MESSAGE_CREATE to every connected bot. */
  message(d: Record<string, unknown>): void;
  waitForPosted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeDiscord(token = 'discord-test-token'): Promise<FakeDiscord> {
  const botId = '900000000000000001';
  let seq = 0;
  const sockets = new Set<WebSocket>();
  const fake: FakeDiscord = {
    api: '', botId, posted: [], identified: [],
    message(d) {
      for (const s of sockets) s.send(JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: ++seq, d }));
    },
    async waitForPosted(count, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (fake.posted.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} messages posted, got ${fake.posted.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
    const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.headers.authorization !== `Bot ${token}`) return send(401, { message: '401: Unauthorized', code: 0 });
    const path = (req.url ?? '').replace(/^\/api\/v10/, '');
    if (req.method === 'GET' && path === '/gateway/bot') return send(200, { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`, shards: 1 });
    if (req.method === 'GET' && path === '/users/@me') return send(200, { id: botId, username: 'shellbot', bot: true });
    const m = /^\/channels\/([^/]+)\/messages$/.exec(path);
    if (req.method === 'POST' && m) {
      fake.posted.push({ channel: decodeURIComponent(m[1]), content: body.content, allowed_mentions: body.allowed_mentions });
      return send(200, { id: String(Date.now()), channel_id: m[1], content: body.content });
    }
    send(404, { message: '404: Not Found', code: 0 });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    ws.on('message', (raw) => {
      const p = JSON.parse(String(raw));
      if (p.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (p.op === 2) {
        fake.identified.push({ token: p.d.token, intents: p.d.intents });
        if (p.d.token !== token) return ws.close(4004, 'Authentication failed.');
        sockets.add(ws);
        ws.send(JSON.stringify({ op: 0, t: 'READY', s: ++seq, d: { v: 10, user: { id: botId, username: 'shellbot', bot: true }, session_id: 'sess' } }));
      }
    });
    ws.on('close', () => sockets.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v10`;
  return fake;
}

/** What egress's connector will do, minus the egress rules: open a ws client. */
export const testConnector: SocketConnector = (url) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  // Frames that arrive with the handshake are emitted at once: keep them for onMessage.
  const early: string[] = [];
  let deliver: ((text: string) => void) | undefined;
  ws.on('message', (data) => (deliver ? deliver(String(data)) : early.push(String(data))));
  ws.once('error', reject);
  ws.once('open', () => resolve({
    send: (text) => ws.send(text),
    close: (code) => ws.close(code),
    onMessage: (fn) => { deliver = fn; for (const text of early.splice(0)) fn(text); },
    onClose: (fn) => ws.on('close', (code, reason) => fn(code, String(reason))),
  }));
});

export function discordMessage(author: string, content: string, more: Record<string, unknown> = {}) {
  return { id: String(Math.floor(Math.random() * 1e12)), channel_id: `dm-${author}`, author: { id: author, username: 'someone' }, content, mentions: [], ...more };
}
