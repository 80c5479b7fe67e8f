// A gateway on 127.0.0.1 over a real temp state folder and SQLite store, with a small real
// AgentRunner standing in for the agent room (the end-to-end tests with the real agent live
// beside the agent's own tests). Every test gets its own and tears it down afterwards.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ensureSelfSigned } from '../../src/edge/self-signed.ts';
import { makeHome, type TestHome } from '../fixtures/home.ts';
import { configSchema } from '../../src/config/schema.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { Sessions } from '../../src/sessions/store.ts';
import { TokenStore } from '../../src/edge/tokens.ts';
import { startGateway, type Gateway } from '../../src/edge/server.ts';
import type { AgentRunner, TurnEvent, TurnRequest, TurnResult } from '../../src/agent/events.ts';

/**
 * Answers "echo: <message>" in two text events. Messages steer it: `tool ...` adds a tool call
 * with its decision and result, `wait ...` runs until cancelled, `limit ...` stops with
 * max_steps, `crash ...` throws.
 */
export class TestRunner implements AgentRunner {
  readonly sessions: Sessions;
  readonly requests: TurnRequest[] = [];
  /** Turns that ended because their signal fired. */
  aborted = 0;
  /** Resolvers for tests waiting on a `wait` turn to begin. */
  private waiting: Array<() => void> = [];

  constructor(sessions: Sessions) {
    this.sessions = sessions;
  }

  knownAgents(): string[] {
    return ['main', 'helper'];
  }

  /** Resolves once a `wait ...` turn is running. */
  waitingTurn(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async runTurn(request: TurnRequest): Promise<TurnResult> {
    this.requests.push(request);
    const emit = (e: TurnEvent) => request.onEvent?.(e);
    const agentId = request.agentId ?? 'main';
    const session = this.sessions.open(agentId, request.sessionKey ?? 'default');
    this.sessions.append(session.id, 'user', request.provenance ?? 'owner', { role: 'user', content: request.message });
    const result: TurnResult = {
      sessionId: session.id, sessionKey: session.key, agentId, reply: '', toolCalls: [],
      usage: { inputTokens: 12, outputTokens: 5 }, steps: 1, stopReason: 'completed',
    };
    const finish = () => {
      if (result.error) emit({ type: 'error', message: result.error });
      emit({ type: 'done', result });
      return result;
    };
    emit({ type: 'turn_start', sessionId: session.id, agentId });
    const msg = request.message;

    if (msg.startsWith('crash')) throw new Error('runner exploded');
    if (msg.startsWith('wait')) {
      for (const resolve of this.waiting.splice(0)) resolve();
      await new Promise<void>((resolve) => {
        if (request.signal?.aborted) resolve();
        request.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      this.aborted++;
      result.stopReason = 'aborted';
      result.error = 'the turn was cancelled';
      return finish();
    }
    if (msg.startsWith('tool')) {
      const call = { id: 'call_1', tool: 'read', args: { path: 'notes.txt' } };
      emit({ type: 'tool_call', ...call });
      emit({ type: 'decision', id: call.id, tool: call.tool, decision: 'allow', reason: 'inside the workspace', rule: 'tools.files' });
      emit({ type: 'tool_result', id: call.id, tool: call.tool, ok: true, output: 'notes' });
      result.toolCalls.push({ ...call, decision: 'allow', reason: 'inside the workspace', rule: 'tools.files', ok: true });
      result.steps = 2;
    }
    for (const delta of ['echo: ', msg]) {
      result.reply += delta;
      emit({ type: 'text', delta });
    }
    this.sessions.append(session.id, 'assistant', 'agent', { role: 'assistant', content: result.reply });
    if (msg.startsWith('limit')) {
      result.stopReason = 'max_steps';
      result.error = 'the turn stopped after 1 model steps (agents.defaults.maxSteps); send another message to continue';
    }
    return finish();
  }
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  /** An operator token from the token store. */
  token: string;
  tokens: TokenStore;
  sessions: Sessions;
  runner: TestRunner;
  store: Store;
  home: TestHome;
  logs: Array<Record<string, unknown>>;
  /** The certificate to trust, when the gateway serves TLS. */
  ca?: string;
  /** fetch() against the gateway with the operator token unless headers say otherwise. */
  call(path: string, init?: RequestInit & { token?: string | null }): Promise<TestResponse>;
}

/** A fetch Response whose JSON body the tests read without declaring its type. */
export interface TestResponse extends Response {
  json(): Promise<any>;
}

export interface GatewayOptions {
  /** Serve HTTPS with a fresh self-signed pair (its CA is returned as `ca`). */
  tls?: boolean;
  /** Reuse this state folder (to restart a gateway over the same store). */
  home?: TestHome;
  /** Leave the state folder in place after the test (the caller cleans it up). */
  keepHome?: boolean;
  /** Where to listen (default: gateway.bind). */
  host?: string;
}

/**
 * Test gateways keep the default rate limits out of the way of ordinary tests (which fire
 * more than 10 requests a second); the limit tests set their own.
 */
const RELAXED = { requests: 100_000, window: 1000 };

export async function startTestGateway(
  t: { after(fn: () => Promise<void> | void): void },
  config: Record<string, any> = {},
  env: NodeJS.ProcessEnv = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const home = options.home ?? await makeHome();
  config = { ...config, security: { ...config.security, rateLimit: { ...RELAXED, ...config.security?.rateLimit } } };
  let ca: string | undefined;
  if (options.tls) {
    const pair = await ensureSelfSigned(home.home);
    ca = readFileSync(pair.cert, 'utf8');
    config = { ...config, gateway: { ...config.gateway, tls: { enabled: true, cert: pair.cert, key: pair.key, ...config.gateway?.tls } } };
  }
  const store = openStore(join(home.home, 'hardshell.db'));
  const sessions = new Sessions(store);
  const tokens = new TokenStore(store);
  const runner = new TestRunner(sessions);
  const logs: Array<Record<string, unknown>> = [];
  let gateway: Gateway;
  try {
    gateway = await startGateway(
      { config: configSchema.parse(config), runner, sessions, tokens, env, log: (l) => logs.push(l) },
      { port: 0, host: options.host },
    );
  } catch (err) {
    store.close();
    if (!options.home && !options.keepHome) await home.cleanup();
    throw err;
  }
  t.after(async () => {
    await gateway.close();
    if (store.isOpen) store.close();
    if (!options.home && !options.keepHome) await home.cleanup();
  });
  const token = tokens.has('test') ? '' : tokens.create('test', ['operator']);
  const call = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token: chosen, ...rest } = init;
    const headers = new Headers(rest.headers);
    const use = chosen === undefined ? token : chosen;
    if (use !== null && !headers.has('authorization')) headers.set('authorization', `Bearer ${use}`);
    if (ca) return request(gateway.url + path, { method: rest.method, headers: Object.fromEntries(headers), body: rest.body as string | undefined, ca }) as Promise<TestResponse>;
    return fetch(gateway.url + path, { ...rest, headers }) as Promise<TestResponse>;
  };
  return { gateway, url: gateway.url, token, tokens, sessions, runner, store, home, logs, call, ca };
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Trust this certificate (PEM) for https URLs. */
  ca?: string;
}

/**
 * One request over node:http(s), which (unlike fetch) lets a test set Host, Origin and the
 * other headers browsers guard, and trust a test certificate. Answers as a fetch Response.
 */
export function request(url: string, opts: RawRequest = {}): Promise<TestResponse> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, one);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }) as TestResponse);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface SseMessage {
  data: unknown[];
  comments: string[];
  done: boolean;
}

/** Splits an SSE body into its data payloads (parsed JSON) and comment lines. */
export function parseSse(text: string): SseMessage {
  const out: SseMessage = { data: [], comments: [], done: false };
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith('data: ')) {
        const payload = line.slice(6);
        if (payload === '[DONE]') out.done = true;
        else out.data.push(JSON.parse(payload));
      } else if (line.startsWith(':')) {
        out.comments.push(line.slice(1).trimStart());
      }
    }
  }
  return out;
}

export function chatBody(message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'hardshell', messages: [{ role: 'user', content: message }], ...extra });
}

/**
 * Calls `path` one request after another until one is not a 200, and says how many were served
 * and how long that took. The limiter is a token bucket that refills capacity/window all the
 * time, so on a busy machine a few more than the capacity get through: each test bounds the
 * count by the capacity plus what the elapsed time refilled, rather than assume the requests
 * took no time at all.
 */
export async function untilLimited(gw: TestGateway, path: string, init: RequestInit & { token?: string | null } = {}, max = 1000): Promise<{ served: number; elapsedMs: number; res: TestResponse }> {
  const started = performance.now();
  for (let served = 0; served < max; served++) {
    const res = await gw.call(path, init);
    if (res.status !== 200) return { served, elapsedMs: performance.now() - started, res };
    await res.arrayBuffer();
  }
  throw new Error(`${max} requests to ${path} were all served: no limit applied`);
}

/** At most capacity + what `elapsedMs` refilled at capacity/windowMs (and one for the rounding). */
export function withinBucket(served: number, elapsedMs: number, capacity: number, windowMs: number): boolean {
  return served >= capacity && served <= capacity + Math.ceil((elapsedMs * capacity) / windowMs) + 1;
}
