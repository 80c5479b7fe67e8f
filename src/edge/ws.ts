// The WebSocket at /ws: authenticated at the upgrade (before any WebSocket exists), then JSON
// messages. A client sends {type:"turn", message, ...}; the server streams each TurnEvent as
// {type:"event", id, event}, ending with the `done` event. One turn at a time per socket.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import { allows, type Principal } from './auth.ts';
import { ApiError, errorBody } from './errors.ts';
import { checkSessionKey } from './validate.ts';
import type { EdgeContext } from './context.ts';

export const WS_PATH = '/ws';
const DEFAULT_SESSION = 'ws:default';

const clientMessage = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('turn'),
    id: z.string().min(1).max(100).optional(),
    agent: z.string().min(1).optional(),
    session: z.string().optional(),
    message: z.string().min(1),
  }),
  z.looseObject({ type: z.literal('cancel'), id: z.string().optional() }),
]);

export interface WebSocketEndpoint {
  /** Drops every socket at once; their running turns are cancelled. */
  closeAll(): void;
}

export function attachWebSocket(server: Server, edge: EdgeContext): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: edge.maxBodyBytes, perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client vanishing mid-handshake is not our error
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== WS_PATH) return refuse(socket, 404, errorBody('not_found', `no WebSocket endpoint at ${path}; use ${WS_PATH}`));
    if (edge.turns.closed) return refuse(socket, 503, errorBody('server_error', 'the gateway is shutting down'));
    // The edge work adds Origin checks, IP rules and rate limits here.
    const result = edge.auth.check({ authorization: req.headers.authorization, apiKey: header(req, 'x-api-key'), url: req.url });
    if (!result.ok) {
      edge.log({ level: 'warn', msg: 'WebSocket refused: not authenticated', reason: result.reason, ip: req.socket.remoteAddress });
      return refuse(socket, 401, errorBody('unauthorized', result.message), { 'WWW-Authenticate': 'Bearer' });
    }
    if (!allows(result.principal, 'chat')) {
      return refuse(socket, 403, errorBody('forbidden', `the token "${result.principal.name}" may not run turns (it needs the "chat" or "operator" scope)`));
    }
    const principal = result.principal;
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, principal, edge));
  });

  return {
    closeAll() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveSocket(ws: WebSocket, _principal: Principal, edge: EdgeContext): void {
  let current: { id: string; controller: AbortController } | undefined;
  const send = (value: unknown) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(value));
  };
  const error = (message: string, id?: string) => send(id === undefined ? { type: 'error', message } : { type: 'error', id, message });

  ws.on('close', () => current?.controller.abort());
  ws.on('error', (err) => edge.log({ level: 'warn', msg: 'WebSocket error', error: err.message }));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return error('send text frames holding JSON, not binary ones');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return error('that message is not valid JSON; send {"type":"turn","message":"..."}');
    }
    const parsed = clientMessage.safeParse(raw);
    if (!parsed.success) {
      const type = (raw as { type?: unknown } | null)?.type;
      if (type !== 'turn' && type !== 'cancel') {
        return error(`unknown message type ${JSON.stringify(type ?? null)}; send {"type":"turn","message":"..."} or {"type":"cancel"}`);
      }
      const issue = parsed.error.issues[0];
      return error(`invalid "${type}" message: ${issue.path.join('.') || '(message)'}: ${issue.message}`);
    }
    const msg = parsed.data;
    if (msg.type === 'cancel') {
      if (current && (msg.id === undefined || msg.id === current.id)) current.controller.abort();
      return;
    }

    const id = msg.id ?? randomUUID();
    if (current) return error(`a turn (${current.id}) is already running on this connection; wait for its "done" event or send {"type":"cancel"}`, id);
    const agentId = msg.agent ?? 'main';
    const known = edge.runner.knownAgents();
    if (!known.includes(agentId)) return error(`there is no agent "${agentId}"; agents: ${known.join(', ') || '(none configured)'}`, id);
    let sessionKey = DEFAULT_SESSION;
    try {
      if (msg.session !== undefined) sessionKey = checkSessionKey(msg.session, '"session"');
    } catch (err) {
      return error((err as ApiError).message, id);
    }

    const turn = { id, controller: new AbortController() };
    current = turn;
    const release = () => { if (current === turn) current = undefined; };
    edge.turns.run({
      agentId, sessionKey, message: msg.message, provenance: 'owner',
      onEvent: (event) => {
        // Free the socket before `done` goes out, so a client may send its next turn at once.
        if (event.type === 'done') release();
        send({ type: 'event', id, event });
      },
    }, [turn.controller.signal]).then(release, (err) => {
      release();
      edge.log({ level: 'error', msg: 'a WebSocket turn failed', error: (err as Error)?.message ?? String(err) });
      error('the turn failed inside hardshell; see the gateway log', id);
    });
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`, () => socket.destroy());
}
