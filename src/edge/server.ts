// startGateway: checks where it may listen, builds the credentials once, and serves the HTTP
// API (Hono on Node's http server) and the WebSocket (ws, on the same server's upgrades).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Config } from '../config/schema.ts';
import type { AgentRunner } from '../agent/events.ts';
import type { Sessions } from '../sessions/store.ts';
import type { TokenStore } from './tokens.ts';
import { checkBind } from './bind.ts';
import { GatewayStartError } from './errors.ts';
import { Authenticator } from './auth.ts';
import { configCredentials } from './credentials.ts';
import { TurnTracker } from './turns.ts';
import { buildApp } from './app.ts';
import { attachWebSocket } from './ws.ts';
import type { EdgeContext } from './context.ts';

export interface GatewayDeps {
  config: Config;
  runner: AgentRunner;
  sessions: Sessions;
  tokens: TokenStore;
  log?: (line: Record<string, unknown>) => void;
  /** Environment for `${secret:NAME}` references in config tokens (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startGateway(deps: GatewayDeps, opts: { port?: number; host?: string } = {}): Promise<Gateway> {
  const { config } = deps;
  const host = opts.host ?? config.gateway.bind;
  const port = opts.port ?? config.gateway.port;
  checkBind(config, host);

  const log = deps.log ?? (() => {});
  const credentials = configCredentials({ config, env: deps.env ?? process.env, log });
  const turns = new TurnTracker(deps.runner);
  const edge: EdgeContext = {
    config,
    runner: deps.runner,
    sessions: deps.sessions,
    auth: new Authenticator(credentials, deps.tokens, config.security.auth.type === 'apiKey'),
    turns,
    maxBodyBytes: config.gateway.maxBodyBytes,
    log,
  };

  const app = buildApp(edge);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const sockets = attachWebSocket(server, edge);
  await listen(server, port, host);
  server.on('error', (err) => log({ level: 'error', msg: 'gateway server error', error: err.message }));

  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${actualPort}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    close() {
      closing ??= (async () => {
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
