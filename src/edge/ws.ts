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
  // Approvals (operator tokens only): list the pending requests, answer one.
  z.looseObject({ type: z.literal('approvals') }),
  z.looseObject({ type: z.literal('approve'), id: z.string().min(1).max(100), decision: z.enum(['once', 'always', 'deny']) }),
]);

export interface WebSocketEndpoint {
  /** Drops every socket at once; their running turns are cancelled. */
  closeAll(): void;
  /** Sends a message to every socket of an operator token (new approval requests). */
  toOperators(value: unknown): void;
}

export function attachWebSocket(server: Server, edge: EdgeContext): WebSocketEndpoint {
  const maxPayload = edge.config.gateway.limits.wsMaxMessageBytes ?? edge.maxBodyBytes;
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  // A socket whose peer stops answering pings is dropped, so dead connections do not pile up.
  const idleMs = edge.config.gateway.limits.idleTimeoutMs;
  const alive = new WeakSet<WebSocket>();
  const operators = new Set<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) { ws.terminate(); continue; }
      alive.delete(ws);
      ws.ping();
    }
  }, idleMs);
  heartbeat.unref();
  const track = (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', () => alive.add(ws));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a client vanishing mid-handshake is not our error
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== WS_PATH) return refuse(socket, 404, errorBody('not_found', `no WebSocket endpoint at ${path}; use ${WS_PATH}`));
    if (edge.turns.closed) return refuse(socket, 503, errorBody('server_error', 'the gateway is shutting down'));
    // The same gate as every HTTP request (IP rules, bans, rate limits, Origin, credential),
    // before any WebSocket exists. A browser cannot set headers on an upgrade, so its page
    // authenticates with the login cookie, and only from an allowed Origin.
    let principal: Principal;
    try {
      const admitted = edge.gate.admit(req, 'required', true);
      principal = admitted.principal!;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      edge.log({ level: 'warn', msg: 'WebSocket refused', status: err.status, reason: err.type, client: edge.gate.client(req).key });
      return refuse(socket, err.status, errorBody(err.type, err.message), err.headers);
    }
    if (!allows(principal, 'chat')) {
      return refuse(socket, 403, errorBody('forbidden', `the token "${principal.name}" may not run turns (it needs the "chat" or "operator" scope)`));
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      track(ws);
      if (principal.scopes.includes('operator')) {
        operators.add(ws);
        ws.on('close', () => operators.delete(ws));
      }
      serveSocket(ws, principal, edge);
    });
  });

  return {
    toOperators(value: unknown) {
      const text = JSON.stringify(value);
      for (const ws of operators) if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    closeAll() {
      clearInterval(heartbeat);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveSocket(ws: WebSocket, principal: Principal, edge: EdgeContext): void {
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
      if (type !== 'turn' && type !== 'cancel' && type !== 'approvals' && type !== 'approve') {
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
    if (msg.type === 'approvals' || msg.type === 'approve') return approvalMessage(msg, principal, edge, send, error);

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

/** {type:"approvals"} → {type:"approvals", approvals}; {type:"approve", id, decision} → {type:"approval", approval}. */
function approvalMessage(
  msg: { type: 'approvals' } | { type: 'approve'; id: string; decision: 'once' | 'always' | 'deny' },
  principal: Principal, edge: EdgeContext, send: (v: unknown) => void, error: (m: string, id?: string) => void,
): void {
  if (!principal.scopes.includes('operator')) return error(`the token "${principal.name}" may not see or answer approvals (they need "operator")`);
  if (!edge.approvals) return error('approvals are not available on this gateway');
  if (msg.type === 'approvals') return send({ type: 'approvals', approvals: edge.approvals.list({ status: 'pending' }) });
  const result = edge.approvals.answer(msg.id, msg.decision, `token:${principal.name}`);
  if (!result.ok) {
    return error(result.reason === 'unknown' ? `there is no approval request "${msg.id}"` : result.reason === 'expired' ? `the request ${msg.id} expired before it was answered` : `the request ${msg.id} was already answered`, msg.id);
  }
  edge.log({ level: 'info', msg: 'approval answered', id: msg.id, decision: msg.decision, by: principal.name });
  send({ type: 'approval', approval: result.record });
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
