// startGateway: checks where it may listen, builds the credentials and the edge's gate once,
// and serves the HTTP API (Hono on Node's http or https server) and the WebSocket (ws, on the
// same server's upgrades).
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Config } from '../config/schema.ts';
import type { AgentRunner } from '../agent/events.ts';
import type { Sessions } from '../sessions/store.ts';
import type { Store } from '../store/db.ts';
import { oneLook } from '../store/changes.ts';
import type { AuditSink } from '../audit/types.ts';
import type { TokenStore } from './tokens.ts';
import { checkBind } from './bind.ts';
import { GatewayStartError } from './errors.ts';
import { Authenticator } from './auth.ts';
import { configCredentials } from './credentials.ts';
import { TurnTracker } from './turns.ts';
import { buildApp } from './app.ts';
import { attachWebSocket } from './ws.ts';
import { EdgeGate } from './gate.ts';
import { OriginPolicy } from './origin.ts';
import { BrowserSessions } from './browser-sessions.ts';
import { loadTls, tlsFiles, watchTls, TLS_MIN_VERSION } from './tls.ts';
import { applyLimits, serverOptions } from './limits.ts';
import { modelCheck, storeCheck, type ReadinessCheck } from './health.ts';
import type { EdgeContext } from './context.ts';

export interface GatewayDeps {
  config: Config;
  runner: AgentRunner;
  sessions: Sessions;
  tokens: TokenStore;
  /** The store bans are kept in (default: the token store's). */
  store?: Store;
  log?: (line: Record<string, unknown>) => void;
  /** Environment for `${secret:NAME}` references in config tokens (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where auth results and bans are reported. */
  audit?: AuditSink;
  /** Extra /readyz checks (the sandbox backend, ...), beside the store and the model config. */
  readiness?: ReadinessCheck[];
  /** Approval requests, for GET/POST /v1/approvals. */
  approvals?: EdgeContext['approvals'];
  /** Channel endpoints (Telegram webhook, Slack events, signed webhooks): see hooks.ts. */
  hooks?: EdgeContext['hooks'];
}

export interface Gateway {
  url: string;
  port: number;
  /** What the edge is holding in memory now (each bounded by security.rateLimit.maxClients). */
  stats(): { clients: number; failingClients: number; activeBans: number };
  /** Tells operator WebSocket clients of a new approval request: {type:"approval_pending", approval}. */
  notifyApproval(approval: unknown): void;
  close(): Promise<void>;
}

export async function startGateway(deps: GatewayDeps, opts: { port?: number; host?: string } = {}): Promise<Gateway> {
  const { config } = deps;
  const host = opts.host ?? config.gateway.bind;
  const port = opts.port ?? config.gateway.port;
  const log = deps.log ?? (() => {});
  const store = deps.store ?? deps.tokens.database;

  const credentials = configCredentials({ config, env: deps.env ?? process.env, log });
  checkBind(config, host, credentials.length > 0 || deps.tokens.list().length > 0);
  const tls = config.gateway.tls.enabled;
  const files = tls ? tlsFiles(config) : undefined;
  const secure = files ? loadTls(files) : undefined;

  let origins: OriginPolicy, gate: EdgeGate;
  const auth = new Authenticator(credentials, deps.tokens, config.security.auth.type === 'apiKey');
  const browserSessions = new BrowserSessions();
  try {
    origins = new OriginPolicy(config.gateway.controlUi.allowedOrigins, config.gateway.cors.origins);
    gate = new EdgeGate({ config, auth, store, origins, browserSessions, tls, log, audit: deps.audit });
  } catch (err) {
    throw new GatewayStartError((err as Error).message);
  }
  const turns = new TurnTracker(deps.runner);
  const edge: EdgeContext = {
    config,
    runner: deps.runner,
    sessions: deps.sessions,
    store,
    auth,
    gate,
    origins,
    browserSessions,
    turns,
    tls,
    maxBodyBytes: config.gateway.maxBodyBytes,
    readiness: [storeCheck(store), modelCheck(config), ...(deps.readiness ?? [])],
    log,
    approvals: deps.approvals,
    hooks: deps.hooks,
  };

  const app = buildApp(edge);
  const fetchListener = getRequestListener(app.fetch);
  // One look at the store per request, shared by the token check and the route (store/changes.ts).
  const listener = (req: IncomingMessage, res: ServerResponse) => oneLook(() => fetchListener(req, res));
  const options = serverOptions(config);
  const server: Server = secure
    ? createHttpsServer({ ...options, ...secure, minVersion: TLS_MIN_VERSION }, listener) as unknown as Server
    : createHttpServer(options, listener);
  applyLimits(server, config, gate.trusted, log);
  const sockets = attachWebSocket(server, edge);
  await listen(server, port, host);
  server.on('error', (err) => log({ level: 'error', msg: 'gateway server error', error: err.message }));
  const unwatch = files ? watchTls(server as unknown as HttpsServer, files, log) : () => {};

  const actualPort = (server.address() as AddressInfo).port;
  origins.addOwn(host, actualPort, tls);
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${actualPort}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    notifyApproval: (approval) => sockets.toOperators({ type: 'approval_pending', approval }),
    stats: () => ({ clients: gate.limits?.size ?? 0, failingClients: gate.failures.size, activeBans: gate.bans?.activeCount ?? 0 }),
    close() {
      closing ??= (async () => {
        unwatch();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        sockets.closeAll();
        server.closeAllConnections();
        await turns.closeAll();
        await stopped;
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(new GatewayStartError(listenProblem(err, port, host)));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenProblem(err: NodeJS.ErrnoException, port: number, host: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (gateway.port); stop the program using it, or pick another port with --port or gateway.port`;
    case 'EACCES':
      return `not allowed to listen on port ${port} (gateway.port); ports below 1024 need privileges, so pick a higher one`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${host} (gateway.bind): this machine has no such address; use 127.0.0.1`;
    default:
      return `cannot listen on ${host}:${port}: ${err.message}`;
  }
}
